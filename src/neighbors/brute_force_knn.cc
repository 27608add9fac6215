// Brute-force search. All-numeric metric: blocks of queries against blocks of fitted groups,
// the squared distances estimated by one matrix product per block pair (Eigen GEMM on
// centred data: |q|^2 + |p|^2 - 2 q.p), then the exact distance recomputed for every pair the
// estimate cannot rule out given the rounding bound below. Mixed metric: the exact distance
// for every pair (a direct loop; mixed-metric users are SMOTENC-sized).
//
// Threads take whole query blocks, so each query's top-k is owned by one thread; the result
// is a function of the data alone (the (distance, row) order is total).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "neighbors/knn_detail.h"

namespace fraudkit::knn_detail {
namespace {

using Eigen::Index;

// 256 x 512 doubles of products (1 MB) per thread: the fitted block (512 x d) stays in cache
// while the whole query block streams over it.
constexpr Index kQueryBlock = 256;
constexpr Index kPointBlock = 512;
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The product is arranged to yield the estimate directly: fitted rows are [p', 1, |p'|^2] and
// query rows [-2 q', |q'|^2, 1], where q' and p' are centred on the fitted groups' mean (the
// rounding error is proportional to the squared norms, so centring keeps the estimate sharp).
struct CentredPoints {
  Eigen::RowVectorXd mean;
  RowMatrix augmented;  // one row per fitted group
  double max_norm_sq = 0;
  double max_norm = 0;
};

CentredPoints centre(const SearchInput& in) {
  CentredPoints centred;
  const Index count = static_cast<Index>(in.groups->size()), d = in.points->cols();
  RowMatrix values(count, d);
  for (Index g = 0; g < count; ++g)
    values.row(g) = Eigen::Map<const Eigen::RowVectorXd>(in.group_point(static_cast<size_t>(g)), d);
  centred.mean = values.colwise().mean();
  values.rowwise() -= centred.mean;
  centred.augmented.resize(count, d + 2);
  centred.augmented.leftCols(d) = values;
  centred.augmented.col(d).setOnes();
  centred.augmented.col(d + 1) = values.rowwise().squaredNorm();
  if (count > 0) centred.max_norm_sq = centred.augmented.col(d + 1).maxCoeff();
  centred.max_norm = std::sqrt(centred.max_norm_sq) * (1 + kEps);
  return centred;
}

// Which estimates may be skipped. For a query q and a fitted point p (centred as q', p'), with
// d columns and eps the machine epsilon:
//  - the estimate a = -2 q'.p' + |q'|^2 + |p'|^2, one dot product of d + 2 terms (any summation
//    order, FMA or not) whose last two terms carry the rounding of the norms, is within
//    E1 = 4 (d + 4) eps (|q'|^2 + |p'|^2) of |q' - p'|^2 (the standard bound is (3d + 6) eps / 2);
//  - centring rounded each coordinate by at most eps/2 of itself, so the true distance
//    r = |q - p| >= |q' - p'| - E2 with E2 = eps (|q'| + |p'|);
//  - the exact distance as reported (d subtractions, squares and additions of non-negative
//    terms, one square root) is >= r (1 - (d + 5) eps).
// So a > ((K + E2)^2 + E1) with K = worst (1 + (2d + 10) eps) proves the exact distance is
// strictly above the current k-th distance `worst`: that pair can neither enter nor tie.
// The threshold is rounded up by a further 16 eps, and 1e-300 absorbs underflow. |p'| is
// bounded by the largest fitted norm; an overflowing norm gives an infinite or NaN estimate,
// which never compares above the threshold, so such pairs are always recomputed exactly.
struct SkipRule {
  double dims;
  double max_norm_sq, max_norm;

  double threshold(double worst, double q_norm_sq, double q_norm) const {
    if (worst == kInf) return kInf;
    const double k = worst * (1 + (2 * dims + 10) * kEps);
    const double e2 = kEps * (q_norm + max_norm);
    const double e1 = 4 * (dims + 4) * kEps * (q_norm_sq + max_norm_sq);
    return ((k + e2) * (k + e2) + e1) * (1 + 16 * kEps) + 1e-300;
  }
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define FRAUDKIT_KNN_CLONES __attribute__((target_clones("default", "avx2")))
#else
#define FRAUDKIT_KNN_CLONES
#endif
typedef double Vec4 __attribute__((vector_size(4 * sizeof(double))));

// The first j >= from with estimates[j] <= threshold (NaN counts as a candidate), or count.
FRAUDKIT_KNN_CLONES
Index next_candidate(const double* estimates, Index from, Index count, double threshold) {
  Index j = from;
  const Vec4 limit = Vec4{0, 0, 0, 0} + threshold;
  for (; j + 8 <= count; j += 8) {
    Vec4 a, b;
    std::memcpy(&a, estimates + j, sizeof a);
    std::memcpy(&b, estimates + j + 4, sizeof b);
    const auto above = (a > limit) & (b > limit);
    if (!(above[0] & above[1] & above[2] & above[3])) break;
  }
  for (; j < count; ++j)
    if (!(estimates[j] > threshold)) return j;
  return count;
}

// The per-thread state for one block of queries.
struct QueryBlock {
  RowMatrix augmented;  // [-2 q', |q'|^2, 1]
  Eigen::VectorXd norms_sq, norms;
  RowMatrix estimates;
  std::vector<TopK> tops;
  std::vector<double> thresholds;
  QueryBlock(Index d, int k)
      : augmented(kQueryBlock, d + 2), norms_sq(kQueryBlock), norms(kQueryBlock), estimates(kQueryBlock, kPointBlock),
        tops(static_cast<size_t>(kQueryBlock), TopK(k)), thresholds(static_cast<size_t>(kQueryBlock)) {}
};

void search_query_block(const SearchInput& in, const CentredPoints& centred, const SkipRule& rule, Index begin,
                        Index end, QueryBlock& block, KnnResult& out) {
  const Index rows = end - begin, d = in.points->cols();
  const Index groups = centred.augmented.rows();
  for (Index i = 0; i < rows; ++i) {
    const Eigen::RowVectorXd q = in.queries->row(in.query_rows[static_cast<size_t>(begin + i)]) - centred.mean;
    block.norms_sq[i] = q.squaredNorm();
    block.norms[i] = std::sqrt(block.norms_sq[i]) * (1 + kEps);
    block.augmented.row(i).head(d) = -2 * q;
    block.augmented(i, d) = block.norms_sq[i];
    block.augmented(i, d + 1) = 1;
    block.tops[static_cast<size_t>(i)].clear();
    block.thresholds[static_cast<size_t>(i)] = kInf;
  }
  for (Index pb = 0; pb < groups; pb += kPointBlock) {
    const Index cols = std::min(kPointBlock, groups - pb);
    block.estimates.topLeftCorner(rows, cols).noalias() =
        block.augmented.topRows(rows) * centred.augmented.middleRows(pb, cols).transpose();
    for (Index i = 0; i < rows; ++i) {
      TopK& top = block.tops[static_cast<size_t>(i)];
      double threshold = block.thresholds[static_cast<size_t>(i)];
      const double* estimates = block.estimates.row(i).data();
      const double* query = in.queries->row(in.query_rows[static_cast<size_t>(begin + i)]).data();
      for (Index j = next_candidate(estimates, 0, cols, threshold); j < cols;
           j = next_candidate(estimates, j + 1, cols, threshold)) {
        const size_t group = static_cast<size_t>(pb + j);
        const double sq = exact_sq(query, in.group_point(group), *in.metric);
        if (top.offer(sq, in.groups->rows_of(group)))
          threshold = rule.threshold(top.worst_distance(), block.norms_sq[i], block.norms[i]);
      }
      block.thresholds[static_cast<size_t>(i)] = threshold;
    }
  }
  const size_t k = static_cast<size_t>(out.k);
  for (Index i = 0; i < rows; ++i) {
    const size_t query = static_cast<size_t>(begin + i);
    block.tops[static_cast<size_t>(i)].drain(out.indices.data() + query * k, distances_of(out, query));
  }
}

KnnResult product_search(const SearchInput& in, int k, int threads) {
  const CentredPoints centred = centre(in);
  const SkipRule rule{static_cast<double>(in.metric->dims), centred.max_norm_sq, centred.max_norm};
  KnnResult out;
  out.k = k;
  out.indices.resize(in.query_rows.size() * static_cast<size_t>(k));
  if (in.distances) out.distances.resize(out.indices.size());
  const Index queries = static_cast<Index>(in.query_rows.size());
  const Index blocks = (queries + kQueryBlock - 1) / kQueryBlock;
#pragma omp parallel num_threads(threads)
  {
    // Eigen would start its own threads for each block product when this team has one thread;
    // the blocks are small and the team already shares the work. (nthreads-var is per task: this
    // changes nothing outside the region.)
    omp_set_num_threads(1);
    QueryBlock block(in.points->cols(), k);
#pragma omp for schedule(dynamic, 1)
    for (Index b = 0; b < blocks; ++b)
      search_query_block(in, centred, rule, b * kQueryBlock, std::min(queries, (b + 1) * kQueryBlock), block, out);
  }
  return out;
}

KnnResult exact_search(const SearchInput& in, int k, int threads) {
  KnnResult out;
  out.k = k;
  out.indices.resize(in.query_rows.size() * static_cast<size_t>(k));
  if (in.distances) out.distances.resize(out.indices.size());
  const RowGroups& groups = *in.groups;
#pragma omp parallel num_threads(threads)
  {
    TopK top(k);
#pragma omp for schedule(dynamic, 16)
    for (size_t i = 0; i < in.query_rows.size(); ++i) {
      const double* query = in.queries->row(in.query_rows[i]).data();
      for (size_t g = 0; g < groups.size(); ++g) {
        const double sq = exact_sq(query, in.group_point(g), *in.metric);
        if (sq <= top.bound_sq()) top.offer(sq, groups.rows_of(g));
      }
      top.drain(out.indices.data() + i * static_cast<size_t>(k), distances_of(out, i));
    }
  }
  return out;
}

}  // namespace

KnnResult brute_force_search(const SearchInput& input, int k, int threads) {
  if (input.metric->is_mixed()) return exact_search(input, k, threads);
  return product_search(input, k, threads);
}

}  // namespace fraudkit::knn_detail
