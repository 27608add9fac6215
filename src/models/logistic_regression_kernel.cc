// The hot kernel of the logistic regression solver: one pass over X computing the margins,
// the weighted log-loss, its gradient and its Hessian. Rows are processed in blocks of 128 (a
// block of X and its per-row terms stay in L1 while every quantity is built from them; 128
// measured 20% faster than 1024, whose block lives in L2), blocks are grouped into a fixed
// number of chunks that the threads share out, and the chunk partial sums are added in chunk
// order: the bits never depend on the thread count. evaluate_data_term_reference at the end is
// the naive row-by-row version the tests check this one against.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <vector>

#include "fraudkit/logistic_regression.h"
#include "models/logistic_regression_detail.h"

namespace fraudkit::logistic_detail {
namespace {

using Eigen::Index;

// The fixed partition of rows: chunk c covers blocks [c * blocks_per_chunk, ...).
struct Partition {
  Index rows = 0, blocks = 0, blocks_per_chunk = 1, chunks = 0;
  explicit Partition(Index n) : rows(n) {
    blocks = (n + kBlockRows - 1) / kBlockRows;
    const Index wanted = std::min(blocks, kMaxChunks);
    blocks_per_chunk = wanted == 0 ? 1 : (blocks + wanted - 1) / wanted;
    chunks = (blocks + blocks_per_chunk - 1) / blocks_per_chunk;
  }
  Index chunk_begin(Index c) const { return std::min(rows, c * blocks_per_chunk * kBlockRows); }
  Index chunk_end(Index c) const { return std::min(rows, (c + 1) * blocks_per_chunk * kBlockRows); }
};

// Hot loops, compiled twice, for the baseline ISA and for AVX2; the loader picks one per process
// (ifunc), so a given machine always runs the same code and gets the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(FRAUDKIT_NO_KERNEL_CLONES)
#define FRAUDKIT_HOT __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define FRAUDKIT_HOT
#endif

// Sums are kept in kLanes = 8 independent partial sums (lane u takes rows u, u + 8, ...) held
// in two 4-double vectors (GCC vector extension: two SSE2 registers each in the baseline build,
// one AVX register in the AVX2 build) and combined in a fixed tree at the end: the same
// result for any vector width, with no reassociation licence needed from the compiler.
constexpr Index kLanes = 8;
typedef double Vec4 __attribute__((vector_size(4 * sizeof(double))));

struct LaneSums {
  Vec4 lo = {0, 0, 0, 0}, hi = {0, 0, 0, 0};
  // No Vec4 crosses a function boundary (that would change the ABI between the two builds):
  // the loads are memcpy into locals, which compile to unaligned vector loads.
  void add(const double* a, const double* b, Index i) {
    Vec4 a_lo, a_hi, b_lo, b_hi;
    std::memcpy(&a_lo, a + i, sizeof a_lo);
    std::memcpy(&a_hi, a + i + 4, sizeof a_hi);
    std::memcpy(&b_lo, b + i, sizeof b_lo);
    std::memcpy(&b_hi, b + i + 4, sizeof b_hi);
    lo += a_lo * b_lo;
    hi += a_hi * b_hi;
  }
  // Lanes u and u + 4 first, then a fixed tree; `tail` holds the rows after the last full 8.
  double total(double tail) const {
    const Vec4 v = lo + hi;
    return ((v[0] + v[1]) + (v[2] + v[3])) + tail;
  }
};

// One thread's scratch for a block of rows. `cols` points at the block's rows of each column of
// [X, 1]: the intercept is one more feature whose values are the `ones` array.
struct BlockScratch {
  std::vector<const double*> cols;
  std::vector<double> ones, e, softplus, residual, curvature, row_loss, scaled;
  explicit BlockScratch(Index m)
      : cols(m), ones(kBlockRows, 1.0), e(kBlockRows), softplus(kBlockRows), residual(kBlockRows),
        curvature(kBlockRows), row_loss(kBlockRows), scaled(kBlockRows) {}
};

// Partial sums of one block, added into the chunk's accumulators.
struct BlockSums {
  double* loss;
  double* gradient;  // m
  double* hessian;   // m x m, row-major, lower triangle; null = no Hessian
};

// sum_i a[i] * b[i] over the block.
FRAUDKIT_HOT double block_dot(const double* a, const double* b, Index nb) {
  LaneSums acc;
  Index i = 0;
  for (; i + kLanes <= nb; i += kLanes) acc.add(a, b, i);
  double tail = 0;
  for (; i < nb; ++i) tail += a[i] * b[i];
  return acc.total(tail);
}

// out[c] += sum_i t[i] * x_c[i] for four columns at once: each load of t feeds four sums.
FRAUDKIT_HOT void block_dot4(const double* t, const double* const* x, Index nb, double* out) {
  LaneSums a0, a1, a2, a3;
  const double *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
  Index i = 0;
  for (; i + kLanes <= nb; i += kLanes) {
    a0.add(t, x0, i);
    a1.add(t, x1, i);
    a2.add(t, x2, i);
    a3.add(t, x3, i);
  }
  double tail[4] = {0, 0, 0, 0};
  for (; i < nb; ++i) {
    tail[0] += t[i] * x0[i];
    tail[1] += t[i] * x1[i];
    tail[2] += t[i] * x2[i];
    tail[3] += t[i] * x3[i];
  }
  out[0] += a0.total(tail[0]);
  out[1] += a1.total(tail[1]);
  out[2] += a2.total(tail[2]);
  out[3] += a3.total(tail[3]);
}

// Branch-free, libm-free versions of the two transcendental functions of the kernel, so the
// per-row loop vectorises (the libm calls were half the time of a pass). Both are within a
// few ulp of std::exp / std::log1p on their domains (tested against them). Both are plain
// polynomial arithmetic, so the vectorised and scalar loops give the same values.

// e^-a for a in [0, 708] (NaN -> NaN): Cody-Waite reduction -a = k ln2 + r with |r| <= ln2 / 2,
// a degree-13 Taylor polynomial for e^r (truncation below 5e-18 relative) and 2^k assembled in
// the exponent bits from the rounding trick's integer. The caller clamps a at 708, below
// which e^-a would turn subnormal (the exponent trick needs k >= -1022).
inline double exp_minus(double a) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 significant bits: k * hi is exact
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kShifter = 0x1.8p52;  // adding it rounds to an integer kept in the low bits
  const double x = -a;
  const double t = x * kLog2e + kShifter;
  const double k = t - kShifter;
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  double p = 1.0 / 6227020800.0;  // 1 / 13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // The low bits of t hold k: (k + 1023) << 52 is 2^k; t's high bits shift out.
  return p * std::bit_cast<double>((std::bit_cast<uint64_t>(t) + 1023) << 52);
}

// log(1 + e) for e in [0, 1] as 2 atanh(s), s = e / (2 + e) in [0, 1/3], by its odd series to
// s^33 (truncation below 2e-17 relative). No reduction, no select: a select whose value
// feeds more arithmetic stops GCC from vectorising under the default -ftrapping-math. Keeps
// full relative accuracy for tiny e.
inline double log1p_unit(double e) {
  const double s = e / (2.0 + e);
  const double s2 = s * s;
  double p = 1.0 / 33.0;
  p = p * s2 + 1.0 / 31.0;
  p = p * s2 + 1.0 / 29.0;
  p = p * s2 + 1.0 / 27.0;
  p = p * s2 + 1.0 / 25.0;
  p = p * s2 + 1.0 / 23.0;
  p = p * s2 + 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  return (2.0 * s) * p;
}

// Per-row terms from the margins: e = exp(-|z|) (the only exponential), p and 1 - p both
// formed from e without cancellation (so p (1 - p) and p - y stay accurate where p rounds to 0
// or 1), the loss (max(z, 0) - y z) + log1p(e) whose linear part is exactly 0 for a confident
// correct prediction, the residual w (p - y) and the curvature w p (1 - p).
FRAUDKIT_HOT void block_row_terms(Index nb, const uint8_t* y, const double* weight,
                                  const double* z, double* __restrict e,
                                  double* __restrict softplus, double* __restrict residual,
                                  double* __restrict curvature, double* __restrict row_loss) {
  // |z| clamped where e^-|z| would turn subnormal (then e is 3.3e-308 instead of smaller: an
  // absolute error no sum can see). A loop of its own: folded into the next one, the clamp's
  // select would stop it vectorising.
  for (Index i = 0; i < nb; ++i) e[i] = std::min(std::fabs(z[i]), 708.0);
  // __restrict (the arrays are distinct scratch) lets this loop vectorise.
  for (Index i = 0; i < nb; ++i) {
    e[i] = exp_minus(e[i]);
    softplus[i] = log1p_unit(e[i]);  // the same expression as block_line_loss
    const double q = 1.0 / (1.0 + e[i]);
    const double eq = e[i] * q;
    const bool positive_margin = z[i] >= 0;
    const double p = positive_margin ? q : eq;
    const double one_minus_p = positive_margin ? eq : q;
    const double yi = y[i];
    const double minus_one_minus_p = -one_minus_p;
    residual[i] = weight[i] * (yi > 0.5 ? minus_one_minus_p : p);
    curvature[i] = weight[i] * (eq * q);
    row_loss[i] = weight[i] * ((std::max(z[i], 0.0) - yi * z[i]) + softplus[i]);
  }
}

// The weighted loss of a block at the margins z0 + t (z1 - z0): the line search's trial points,
// with the kernel's per-row formula and summation order.
FRAUDKIT_HOT double block_line_loss(Index nb, const uint8_t* y, const double* weight,
                                    const double* z0, const double* z1, double t,
                                    BlockScratch& s) {
  double* __restrict z = s.scaled.data();
  double* __restrict e = s.e.data();
  double* __restrict row_loss = s.row_loss.data();
  for (Index i = 0; i < nb; ++i) z[i] = z0[i] + t * (z1[i] - z0[i]);
  for (Index i = 0; i < nb; ++i) e[i] = std::min(std::fabs(z[i]), 708.0);
  for (Index i = 0; i < nb; ++i) {
    const double yi = y[i];
    row_loss[i] = weight[i] * ((std::max(z[i], 0.0) - yi * z[i]) + log1p_unit(exp_minus(e[i])));
  }
  return block_dot(row_loss, s.ones.data(), nb);
}

// z = intercept + X_b coef, the row terms, then the block's loss, gradient [X, 1]^T r and the
// lower triangle of [X, 1]^T diag(curvature) [X, 1].
FRAUDKIT_HOT void block_terms(BlockScratch& s, Index nb, Index next_nb, Index d, Index m,
                              const double* coef, double intercept, const uint8_t* y,
                              const double* w, double* z, BlockSums out) {
  // The next block's columns follow this block's in memory, but a hardware prefetcher stops at
  // each 4 KiB page and X streams from DRAM: ask for them now, to arrive while this block
  // computes (in cache it is compute-bound; from DRAM the first loop was half the pass).
  for (Index j = 0; j < d; ++j)
    for (Index i = 0; i < next_nb; i += 8) __builtin_prefetch(s.cols[j] + nb + i, 0, 2);
  for (Index i = 0; i < nb; ++i) z[i] = intercept;
  for (Index j = 0; j < d; ++j) {
    const double c = coef[j];
    const double* x = s.cols[j];
    for (Index i = 0; i < nb; ++i) z[i] += c * x[i];
  }
  block_row_terms(nb, y, w ? w : s.ones.data(), z, s.e.data(), s.softplus.data(),
                  s.residual.data(), s.curvature.data(), s.row_loss.data());
  *out.loss += block_dot(s.row_loss.data(), s.ones.data(), nb);
  for (Index j = 0; j < m; ++j) out.gradient[j] += block_dot(s.residual.data(), s.cols[j], nb);
  if (!out.hessian) return;
  // Row j of the lower triangle: (curvature * x_j) . x_k for k <= j.
  double* t = s.scaled.data();
  for (Index j = 0; j < m; ++j) {
    const double* xj = s.cols[j];
    for (Index i = 0; i < nb; ++i) t[i] = s.curvature[i] * xj[i];
    double* h = out.hessian + j * m;
    Index k = 0;
    for (; k + 4 <= j + 1; k += 4) block_dot4(t, &s.cols[k], nb, h + k);
    for (; k <= j; ++k) h[k] += block_dot(t, s.cols[k], nb);
  }
}

}  // namespace

double kernel_exp_minus(double a) { return exp_minus(std::min(a, 708.0)); }
double kernel_log1p_unit(double e) { return log1p_unit(e); }

double log_loss(double y, double z) {
  return (std::max(z, 0.0) - y * z) + std::log1p(std::exp(-std::fabs(z)));
}

void evaluate_data_term(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                        std::span<const double> w, const Eigen::VectorXd& coef, double intercept,
                        bool fit_intercept, bool with_hessian, Eigen::VectorXd& z, DataTerm& out) {
  const Index n = X.rows(), d = X.cols(), m = d + (fit_intercept ? 1 : 0);
  const Partition part(n);
  z.resize(n);
  std::vector<double> chunk_loss(part.chunks, 0.0);
  Eigen::MatrixXd chunk_grad = Eigen::MatrixXd::Zero(m, part.chunks);
  std::vector<double> chunk_hess(with_hessian ? m * m * part.chunks : 0, 0.0);

  run_chunks(part.chunks, [&](Index c) {
    BlockScratch s(m);
    const BlockSums sums{&chunk_loss[c], chunk_grad.col(c).data(),
                         with_hessian ? chunk_hess.data() + c * m * m : nullptr};
    for (Index r0 = part.chunk_begin(c); r0 < part.chunk_end(c); r0 += kBlockRows) {
      const Index nb = std::min(kBlockRows, n - r0);
      for (Index j = 0; j < d; ++j) s.cols[j] = X.col(j).data() + r0;
      if (fit_intercept) s.cols[d] = s.ones.data();
      const Index next_nb = std::min(kBlockRows, std::max<Index>(0, part.chunk_end(c) - r0 - nb));
      block_terms(s, nb, next_nb, d, m, coef.data(), intercept, y.data() + r0,
                  w.empty() ? nullptr : w.data() + r0, z.data() + r0, sums);
    }
  });

  out.loss = 0;
  out.gradient = Eigen::VectorXd::Zero(m);
  out.hessian = Eigen::MatrixXd::Zero(with_hessian ? m : 0, with_hessian ? m : 0);
  for (Index c = 0; c < part.chunks; ++c) {  // fixed order: same bits for any thread count
    out.loss += chunk_loss[c];
    out.gradient += chunk_grad.col(c);
    if (!with_hessian) continue;
    // The chunk's row-major lower triangle is the column-major upper one: transpose on add.
    out.hessian += Eigen::Map<const Eigen::MatrixXd>(chunk_hess.data() + c * m * m, m, m).transpose();
  }
}

double loss_along_line(std::span<const uint8_t> y, std::span<const double> w,
                       const Eigen::VectorXd& z0, const Eigen::VectorXd& z1, double t) {
  const Index n = z0.size();
  const Partition part(n);
  std::vector<double> chunk_loss(part.chunks, 0.0);
  run_chunks(part.chunks, [&](Index c) {
    BlockScratch s(0);
    for (Index r0 = part.chunk_begin(c); r0 < part.chunk_end(c); r0 += kBlockRows) {
      const Index nb = std::min(kBlockRows, n - r0);
      chunk_loss[c] += block_line_loss(nb, y.data() + r0, w.empty() ? s.ones.data() : w.data() + r0,
                                       z0.data() + r0, z1.data() + r0, t, s);
    }
  });
  double total = 0;
  for (double l : chunk_loss) total += l;  // fixed order: same bits for any thread count
  return total;
}

DataTerm evaluate_data_term_reference(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                                      std::span<const double> w, const Eigen::VectorXd& coef,
                                      double intercept, bool fit_intercept) {
  const Index n = X.rows(), d = X.cols(), m = d + (fit_intercept ? 1 : 0);
  DataTerm out;
  out.gradient = Eigen::VectorXd::Zero(m);
  out.hessian = Eigen::MatrixXd::Zero(m, m);
  std::vector<double> xa(m);
  for (Index i = 0; i < n; ++i) {
    double z = intercept;
    for (Index j = 0; j < d; ++j) z += X(i, j) * coef[j];
    for (Index j = 0; j < d; ++j) xa[j] = X(i, j);
    if (fit_intercept) xa[d] = 1.0;
    const double wi = w.empty() ? 1.0 : w[i];
    const double p = sigmoid(z);
    out.loss += wi * log_loss(y[i], z);
    for (Index j = 0; j < m; ++j) {
      out.gradient[j] += wi * (p - y[i]) * xa[j];
      for (Index k = 0; k <= j; ++k) out.hessian(j, k) += wi * p * (1 - p) * xa[j] * xa[k];
    }
  }
  return out;
}

}  // namespace fraudkit::logistic_detail
