// NearestNeighbors: input checks, the choice of algorithm, and the glue that searches each
// distinct query once and hands its neighbours to every equal query row.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

#include "fraudkit/error.h"
#include "fraudkit/neighbors.h"
#include "neighbors/kd_tree_layout.h"
#include "neighbors/knn_detail.h"

namespace fraudkit {

using knn_detail::KdTree;
using knn_detail::Metric;
using knn_detail::RowGroups;

KnnAlgorithm parse_knn_algorithm(const std::string& text) {
  if (text == "auto") return KnnAlgorithm::kAuto;
  if (text == "brute") return KnnAlgorithm::kBrute;
  if (text == "kd_tree") return KnnAlgorithm::kKdTree;
  throw UsageError("knn algorithm '" + text + "': expected auto, brute or kd_tree");
}

std::string to_string(KnnAlgorithm a) {
  return a == KnnAlgorithm::kBrute ? "brute" : a == KnnAlgorithm::kKdTree ? "kd_tree" : "auto";
}

namespace {

// DataError naming the first (row, column) holding NaN or an infinity, if any; with `subset`,
// only those rows are checked.
void check_finite(const RowMatrix& m, const char* what, int threads, std::span<const uint32_t> subset = {}) {
  const Eigen::Index rows = subset.empty() ? m.rows() : static_cast<Eigen::Index>(subset.size());
  const auto row_at = [&](Eigen::Index i) { return subset.empty() ? i : static_cast<Eigen::Index>(subset[static_cast<size_t>(i)]); };
  Eigen::Index first_bad = m.rows();
#pragma omp parallel for schedule(static) reduction(min : first_bad) num_threads(threads)
  for (Eigen::Index i = 0; i < rows; ++i)
    if (!m.row(row_at(i)).allFinite()) first_bad = std::min(first_bad, row_at(i));
  if (first_bad == m.rows()) return;
  Eigen::Index c = 0;
  while (std::isfinite(m(first_bad, c))) ++c;
  const double v = m(first_bad, c);
  throw DataError(std::string("nearest neighbours: ") + what + " row " + std::to_string(first_bad) + ", column " +
                  std::to_string(c) + " (0-based) is " + (std::isnan(v) ? "NaN" : v > 0 ? "+inf" : "-inf") +
                  "; distances need finite values (impute or drop missing values first)");
}

Metric make_metric(const RowMatrix& points, const KnnOptions& options) {
  Metric metric;
  metric.dims = static_cast<int>(points.cols());
  if (!options.categorical.empty() && options.categorical.size() != static_cast<size_t>(points.cols()))
    throw UsageError("nearest neighbours: categorical mask has " + std::to_string(options.categorical.size()) +
                     " entries, the points have " + std::to_string(points.cols()) + " columns");
  if (!std::isfinite(options.mismatch_sq) || options.mismatch_sq < 0)
    throw UsageError("nearest neighbours: mismatch_sq must be finite and >= 0, got " +
                     std::to_string(options.mismatch_sq));
  if (std::any_of(options.categorical.begin(), options.categorical.end(), [](uint8_t c) { return c != 0; })) {
    metric.categorical = options.categorical;
    metric.mismatch_sq = options.mismatch_sq;
  }
  return metric;
}

// kAuto. The k-d tree wins by a wide margin whenever its boxes prune, which on tabular data is
// the norm even with many columns (low intrinsic dimension: campaign.csv, 41k x 62 one-hot,
// self k=5: tree 1.7 s, brute 29 s; satimage-2, 5.8k x 36: 0.15 s vs 0.43 s). It loses on
// data that fills many dimensions (Gaussian 20k rows: tree/brute 0.33x at d = 12, 0.68x at 16,
// 1.1x at 20, 1.5x at 24, 2.3x at 32), where a self query computes the distance to over 40% of
// the points. So: up to 12 columns, or under 2000 distinct rows, the tree; otherwise build it,
// self-search a 2% sample (at most 64 leaves, k = 5) and keep it unless that sample computed
// distances to more than 40% of the points. Measured on the 2-core VM, bench/knn_bench.cc.
// The mixed metric always takes the tree (its brute force is a direct loop, no faster).
constexpr int kAlwaysTreeDims = 12;
constexpr size_t kAlwaysTreeRows = 2000;
constexpr double kBruteScanFraction = 0.4;
// Fewer rows than this (distinct queries for a tree search) run on one thread.
constexpr size_t kParallelRows = 8192;
// reverse_search serves up to 1/kScanShare as many distinct queries as fitted rows, when there
// are at least kScanMinRows of them. BorderlineSMOTE's search on cover.csv (2,747 minority
// rows against 286k, 1/104) is the case it is for: 0.129 s -> 0.068 s for the whole sampler.
// At 1/50 (20k against 1M generated rows) the tree was faster (0.54 s against 0.74 s).
constexpr size_t kScanShare = 64;
constexpr size_t kScanMinRows = 4096;

bool prefer_brute(const KdTree& tree, size_t distinct_rows) {
  const int k = static_cast<int>(std::min<size_t>(5, distinct_rows));
  return tree.scanned_fraction(k, std::min<size_t>(64, distinct_rows / knn_detail::kLeafSize / 50 + 1)) >
         kBruteScanFraction;
}

// The neighbours of every query row from those of its group.
KnnResult expand(KnnResult distinct, const std::vector<uint32_t>& group_of, int threads) {
  if (distinct.queries() == group_of.size()) return distinct;  // no two queries were equal
  const size_t k = static_cast<size_t>(distinct.k);
  KnnResult out;
  out.k = distinct.k;
  out.indices.resize(group_of.size() * k);
  const bool distances = !distinct.distances.empty();
  if (distances) out.distances.resize(out.indices.size());
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t r = 0; r < group_of.size(); ++r) {
    std::copy_n(distinct.indices.begin() + group_of[r] * k, k, out.indices.begin() + r * k);
    if (distances) std::copy_n(distinct.distances.begin() + group_of[r] * k, k, out.distances.begin() + r * k);
  }
  return out;
}

}  // namespace

struct NearestNeighbors::Impl {
  const RowMatrix* matrix = nullptr;    // the caller's
  bool whole = true;                    // every row of `matrix` is fitted; otherwise `subset`
  std::vector<uint32_t> subset;         // the fitted rows of `matrix` when not whole
  size_t n = 0;                         // fitted points
  Metric metric;
  int threads = 1;
  KnnAlgorithm algorithm = KnnAlgorithm::kBrute;
  bool return_distances = true;
  // The index (groups of equal rows, and the tree when the algorithm is kd_tree) is built by
  // the first search that needs it: a few queries against many rows are answered by a scan
  // (knn_detail::reverse_search) and never pay for it.
  std::once_flag indexed;
  bool choosing = false;  // fit() is choosing between tree and brute force (which needs the group lists)
  std::atomic<bool> has_index{false};
  std::atomic<size_t> scanned_queries{0};  // queries answered by reverse_search so far
  RowGroups groups;
  std::unique_ptr<KdTree> tree;

  void check_k(int k) const {
    if (k < 1 || static_cast<size_t>(k) > n)
      throw UsageError("nearest neighbours: k = " + std::to_string(k) + " must be between 1 and the " +
                       std::to_string(n) + " fitted points");
  }

  // Small jobs run on the calling thread: waking a team costs more than they do (tens of
  // milliseconds when the cores are busy with other work).
  int threads_for(size_t rows) const { return rows >= kParallelRows ? threads : 1; }

  void build_index() {
    std::call_once(indexed, [this] {
      const int team = threads_for(n);
      // The index reads the fitted rows where they are (no copy, even of a row list).
      if (n > 0) groups = knn_detail::group_equal_rows(*matrix, metric, team, subset);
      if (algorithm == KnnAlgorithm::kKdTree) tree = std::make_unique<KdTree>(*matrix, subset, groups, metric, team);
      if (tree && !choosing) release_group_rows();
      has_index = true;
    });
  }

  // The tree holds every group's rows (in tree order); only brute force reads the groups'
  // own lists, so with a tree they go (1M rows: 8 MB).
  void release_group_rows() {
    std::vector<uint32_t>().swap(groups.members);
    std::vector<uint32_t>().swap(groups.offsets);
  }

  // Whether `distinct` more queries go to reverse_search: a k-d tree search without an index yet,
  // numeric metric, and (counting earlier scans, so that many small batches do not each scan the
  // data) at most 1/kScanShare as many queries as fitted rows.
  bool scan_instead(size_t distinct) {
    if (algorithm != KnnAlgorithm::kKdTree || metric.is_mixed() || has_index || n < kScanMinRows) return false;
    return scanned_queries.fetch_add(distinct) + distinct <= n / kScanShare;
  }

  // The fitted points' own neighbours (query_self, or per group when not `per_row`).
  KnnResult search_self(int k, bool per_row);

  // `query_rows`: per query group, its row of `queries`. The result has a row per query row,
  // or per query group when not `per_row`.
  KnnResult search(const RowMatrix& queries, const RowGroups& query_groups, std::span<const uint32_t> query_rows,
                   int k, bool per_row = true) {
    const bool self = &query_groups == &groups;
    if (!self && scan_instead(query_rows.size())) {
      RowMatrix distinct(static_cast<Eigen::Index>(query_rows.size()), queries.cols());
      for (size_t i = 0; i < query_rows.size(); ++i) distinct.row(static_cast<Eigen::Index>(i)) = queries.row(query_rows[i]);
      KnnResult found =
          knn_detail::reverse_search(*matrix, subset, metric, distinct, k, threads_for(n), return_distances);
      return expand(std::move(found), query_groups.group_of, threads_for(query_groups.group_of.size()));
    }
    build_index();
    const knn_detail::SearchInput input{.points = matrix,
                                        .subset = subset,
                                        .groups = &groups,
                                        .metric = &metric,
                                        .queries = &queries,
                                        .query_rows = query_rows,
                                        .self = self,
                                        .distances = return_distances};
    const size_t work = query_groups.size() * (tree ? 1 : groups.size() / 64 + 1);
    const int team = threads_for(work);
    KnnResult distinct = tree ? tree->search(input, k, team) : knn_detail::brute_force_search(input, k, team);
    if (!per_row) return distinct;
    return expand(std::move(distinct), query_groups.group_of, threads_for(query_groups.group_of.size()));
  }
};

KnnResult NearestNeighbors::Impl::search_self(int k, bool per_row) {
  check_k(k);
  build_index();
  if (whole) return search(*matrix, groups, groups.first, k, per_row);
  std::vector<uint32_t> rows(groups.size());  // the groups' first rows, as rows of the matrix
  for (size_t g = 0; g < rows.size(); ++g) rows[g] = subset[groups.first[g]];
  return search(*matrix, groups, rows, k, per_row);
}

NearestNeighbors::NearestNeighbors(const RowMatrix& points, KnnOptions options) : impl_(std::make_unique<Impl>()) {
  fit(points, {}, true, std::move(options));
}

NearestNeighbors::NearestNeighbors(const RowMatrix& matrix, std::span<const uint32_t> rows, KnnOptions options)
    : impl_(std::make_unique<Impl>()) {
  fit(matrix, rows, false, std::move(options));
}

void NearestNeighbors::fit(const RowMatrix& matrix, std::span<const uint32_t> rows, bool whole, KnnOptions options) {
  Impl& impl = *impl_;
  if (options.threads < 0)
    throw UsageError("nearest neighbours: threads must be >= 0, got " + std::to_string(options.threads));
  const auto count = whole ? static_cast<uint64_t>(matrix.rows()) : uint64_t{rows.size()};
  if (count >= std::numeric_limits<uint32_t>::max())
    throw UsageError("nearest neighbours: at most 4294967294 fitted points, got " + std::to_string(count));
  for (const uint32_t r : rows)
    if (r >= static_cast<uint64_t>(matrix.rows()))
      throw UsageError("nearest neighbours: fitted row " + std::to_string(r) + " is outside the " +
                       std::to_string(matrix.rows()) + "-row matrix");
  impl.matrix = &matrix;
  impl.whole = whole;
  impl.subset.assign(rows.begin(), rows.end());
  impl.n = static_cast<size_t>(count);
  impl.metric = make_metric(matrix, options);
  impl.return_distances = options.return_distances;
  impl.threads = knn_detail::resolve_threads(options.threads);
  if (whole || !rows.empty()) check_finite(matrix, "fitted points", impl.threads_for(impl.n), rows);
  impl.algorithm = options.algorithm == KnnAlgorithm::kAuto ? KnnAlgorithm::kKdTree : options.algorithm;
  if (impl.algorithm == KnnAlgorithm::kBrute) impl.build_index();
  if (options.algorithm == KnnAlgorithm::kAuto && impl.metric.dims > kAlwaysTreeDims && !impl.metric.is_mixed()) {
    impl.choosing = true;
    impl.build_index();  // the choice needs the tree
    impl.choosing = false;
    if (impl.groups.size() >= kAlwaysTreeRows && prefer_brute(*impl.tree, impl.groups.size())) {
      impl.algorithm = KnnAlgorithm::kBrute;
      impl.tree.reset();
    } else {
      impl.release_group_rows();
    }
  }
}

NearestNeighbors::~NearestNeighbors() = default;
NearestNeighbors::NearestNeighbors(NearestNeighbors&&) noexcept = default;
NearestNeighbors& NearestNeighbors::operator=(NearestNeighbors&&) noexcept = default;

KnnResult NearestNeighbors::query(const RowMatrix& queries, int k) const {
  impl_->check_k(k);
  if (queries.cols() != impl_->matrix->cols())
    throw UsageError("nearest neighbours: queries have " + std::to_string(queries.cols()) +
                     " columns, the fitted points " + std::to_string(impl_->matrix->cols()));
  if (static_cast<uint64_t>(queries.rows()) >= std::numeric_limits<uint32_t>::max())
    throw UsageError("nearest neighbours: at most 4294967294 queries at once, got " + std::to_string(queries.rows()));
  if (&queries == impl_->matrix && impl_->whole) return query_self(k);
  const int threads = impl_->threads_for(static_cast<size_t>(queries.rows()));
  check_finite(queries, "queries", threads);
  const RowGroups query_groups = knn_detail::group_equal_rows(queries, impl_->metric, threads);
  return impl_->search(queries, query_groups, query_groups.first, k);
}

KnnResult NearestNeighbors::query(const RowMatrix& matrix, std::span<const uint32_t> rows, int k) const {
  impl_->check_k(k);
  if (matrix.cols() != impl_->matrix->cols())
    throw UsageError("nearest neighbours: queries have " + std::to_string(matrix.cols()) +
                     " columns, the fitted points " + std::to_string(impl_->matrix->cols()));
  for (const uint32_t r : rows)
    if (r >= static_cast<uint64_t>(matrix.rows()))
      throw UsageError("nearest neighbours: query row " + std::to_string(r) + " is outside the " +
                       std::to_string(matrix.rows()) + "-row matrix");
  const int threads = impl_->threads_for(rows.size());
  check_finite(matrix, "queries", threads, rows);
  const RowGroups query_groups = knn_detail::group_equal_rows(matrix, impl_->metric, threads, rows);
  std::vector<uint32_t> query_rows(query_groups.size());
  for (size_t g = 0; g < query_rows.size(); ++g) query_rows[g] = rows[query_groups.first[g]];
  return impl_->search(matrix, query_groups, query_rows, k);
}

KnnResult NearestNeighbors::query_self(int k) const { return impl_->search_self(k, true); }

KnnResult NearestNeighbors::query_self_by_group(int k) const { return impl_->search_self(k, false); }

const std::vector<uint32_t>& NearestNeighbors::group_of() const {
  impl_->build_index();
  return impl_->groups.group_of;
}

KnnAlgorithm NearestNeighbors::algorithm() const { return impl_->algorithm; }
size_t NearestNeighbors::size() const { return impl_->n; }

}  // namespace fraudkit
