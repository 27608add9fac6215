// The hot kernel of the logistic regression solver: one pass over X computing the margins,
// the weighted log-loss, its gradient and its Hessian. Rows are processed in cache blocks
// (a block of X, its margins and its weights stay in L2 while all the quantities are built),
// blocks are grouped into a fixed number of chunks that the threads share out, and the chunk
// partial sums are added in chunk order: the bits never depend on the thread count.
#include <algorithm>
#include <cmath>
#include <vector>

#include "fraudkit/logistic_regression.h"

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

// Per-row pieces from the margin z: e = exp(-|z|) is the only exponential; p and 1 - p are
// both formed from it without cancellation, so p (1 - p) and p - y stay accurate where p
// rounds to 0 or 1.
struct RowTerms {
  double loss, residual, curvature;  // w logloss, w (p - y), w p (1 - p)
};
inline RowTerms row_terms(double z, double y, double w) {
  const double e = std::exp(-std::fabs(z));
  const double q = 1.0 / (1.0 + e);
  const double p = z >= 0 ? q : e * q;           // sigmoid(z)
  const double one_minus_p = z >= 0 ? e * q : q;  // sigmoid(-z)
  // The linear part first: it is exactly 0 for a correct confident prediction, so the tiny
  // log1p term survives instead of vanishing into z - z.
  const double loss = (std::max(z, 0.0) - y * z) + std::log1p(e);
  return {w * loss, w * (y > 0 ? -one_minus_p : p), w * (e * q * q)};
}

// Scratch owned by one thread, reused for every block it processes.
struct BlockScratch {
  Eigen::VectorXd residual, sqrt_curvature;
  Eigen::MatrixXd scaled;  // rows of [X, 1] times sqrt(w p (1 - p))
  BlockScratch(Index m, bool with_hessian)
      : residual(kBlockRows), sqrt_curvature(kBlockRows),
        scaled(with_hessian ? kBlockRows : 0, with_hessian ? m : 0) {}
};

}  // namespace

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

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
  Eigen::MatrixXd chunk_hess = Eigen::MatrixXd::Zero(m, with_hessian ? m * part.chunks : 0);

#pragma omp parallel if (part.chunks > 1)
  {
    BlockScratch s(m, with_hessian);
#pragma omp for schedule(dynamic, 1)
    for (Index c = 0; c < part.chunks; ++c) {
      auto grad = chunk_grad.col(c);
      for (Index r0 = part.chunk_begin(c); r0 < part.chunk_end(c); r0 += kBlockRows) {
        const Index nb = std::min(kBlockRows, n - r0);
        const auto Xb = X.middleRows(r0, nb);
        auto zb = z.segment(r0, nb);
        zb.noalias() = Xb * coef;
        zb.array() += intercept;
        double block_loss = 0;
        for (Index i = 0; i < nb; ++i) {
          const Index row = r0 + i;
          const RowTerms t = row_terms(zb[i], y[row], w.empty() ? 1.0 : w[row]);
          block_loss += t.loss;
          s.residual[i] = t.residual;
          s.sqrt_curvature[i] = std::sqrt(t.curvature);
        }
        chunk_loss[c] += block_loss;
        const auto r = s.residual.head(nb);
        grad.head(d).noalias() += Xb.transpose() * r;
        if (fit_intercept) grad[d] += r.sum();
        if (!with_hessian) continue;
        // X^T D X as a symmetric rank-nb update with the rows scaled by sqrt(D): half the
        // flops of a general product, and the block is still in cache.
        auto B = s.scaled.topRows(nb);
        B.leftCols(d).noalias() = s.sqrt_curvature.head(nb).asDiagonal() * Xb;
        if (fit_intercept) B.col(d) = s.sqrt_curvature.head(nb);
        auto hess = chunk_hess.middleCols(c * m, m);
        hess.selfadjointView<Eigen::Lower>().rankUpdate(B.transpose());
      }
    }
  }

  out.loss = 0;
  out.gradient = Eigen::VectorXd::Zero(m);
  out.hessian = Eigen::MatrixXd::Zero(with_hessian ? m : 0, with_hessian ? m : 0);
  for (Index c = 0; c < part.chunks; ++c) {  // fixed order: same bits for any thread count
    out.loss += chunk_loss[c];
    out.gradient += chunk_grad.col(c);
    if (with_hessian) out.hessian += chunk_hess.middleCols(c * m, m);
  }
}

double loss_along_line(std::span<const uint8_t> y, std::span<const double> w,
                       const Eigen::VectorXd& z0, const Eigen::VectorXd& z1, double t) {
  const Partition part(z0.size());
  std::vector<double> chunk_loss(part.chunks, 0.0);
#pragma omp parallel for schedule(dynamic, 1) if (part.chunks > 1)
  for (Index c = 0; c < part.chunks; ++c) {
    double loss = 0;
    for (Index i = part.chunk_begin(c); i < part.chunk_end(c); ++i) {
      const double z = z0[i] + t * (z1[i] - z0[i]);
      loss += (w.empty() ? 1.0 : w[i]) * log_loss(y[i], z);
    }
    chunk_loss[c] = loss;
  }
  double total = 0;
  for (double l : chunk_loss) total += l;
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
