#pragma once
// Exact k-nearest neighbours, the engine every neighbour-based sampler (and later LOF) shares.
//
// Contract (what callers may rely on, whichever algorithm runs):
// - Distance is Euclidean: sqrt of the sum over columns, in column order, of (a - b)^2, plus
//   `mismatch_sq` for every categorical column where the two codes differ (the SMOTENC
//   metric). Every algorithm computes the final distances that same way, so results are
//   bit-identical across algorithms and thread counts.
// - Neighbours are ordered by (distance, index): ties go to the smaller fitted-row index.
//   A query that is itself a fitted point therefore finds itself at distance 0 unless a
//   duplicate with a smaller index comes first; samplers that "exclude self" do what
//   imbalanced-learn does: ask for k + 1 and drop column 0.
// - Brute force computes candidate distances blockwise with matrix products (Eigen), then
//   recomputes the exact distance for every candidate that could be in the top k, so the
//   matrix-product rounding never changes a rank. A k-d tree serves low dimensions. `kAuto`
//   picks by size and dimension; the choice is overridable and reported.
// - The index over the fitted points (groups of equal rows, the tree) is built by the first
//   search that needs it. With the k-d tree, a few queries against many points (at most 1/64
//   as many, counted over all calls) are answered without it: a tree over the queries and one
//   scan of the points. Results are identical either way.
// - Missing values (NaN) are not allowed in fitted points or queries: DataError.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace fraudkit {

// Rows are samples; row-major so one sample is contiguous.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

enum class KnnAlgorithm { kAuto, kBrute, kKdTree };
// "auto" | "brute" | "kd_tree"; anything else is a UsageError.
KnnAlgorithm parse_knn_algorithm(const std::string& text);
std::string to_string(KnnAlgorithm algorithm);

struct KnnOptions {
  KnnAlgorithm algorithm = KnnAlgorithm::kAuto;
  int threads = 0;  // 0 = OpenMP default
  // Optional mixed metric: per column, 1 = categorical code (compared for equality only).
  // Empty = all numeric. A mismatching categorical column adds mismatch_sq to the squared
  // distance.
  std::vector<uint8_t> categorical;
  double mismatch_sq = 0;
  // false: KnnResult::distances stays empty (callers that need only the neighbours' rows,
  // such as Tomek links and ENN, save 8 bytes per neighbour).
  bool return_distances = true;
};

// n_queries x k neighbours, row-major. indices are fitted-row indices (0-based positions in
// the matrix given to NearestNeighbors), distances are Euclidean (not squared); distances is
// empty when KnnOptions::return_distances is false.
struct KnnResult {
  int k = 0;
  std::vector<uint32_t> indices;
  std::vector<double> distances;

  size_t queries() const { return k == 0 ? 0 : indices.size() / static_cast<size_t>(k); }
  uint32_t index(size_t query, int j) const { return indices[query * static_cast<size_t>(k) + static_cast<size_t>(j)]; }
  double distance(size_t query, int j) const { return distances[query * static_cast<size_t>(k) + static_cast<size_t>(j)]; }
  std::span<const uint32_t> row(size_t query) const {
    return {indices.data() + query * static_cast<size_t>(k), static_cast<size_t>(k)};
  }
};

class NearestNeighbors {
 public:
  // Copies nothing: `points` must outlive this object. Builds the k-d tree when chosen.
  // Throws DataError for NaN / infinite values, UsageError for mismatched options.
  explicit NearestNeighbors(const RowMatrix& points, KnnOptions options = {});
  // Fitted on the rows `rows` of `matrix` (kept by reference, like `points`; `rows` is copied):
  // fitted point i is matrix row rows[i], and results give i. An empty list fits no points.
  // The rows themselves are never copied: the index reads them in place.
  NearestNeighbors(const RowMatrix& matrix, std::span<const uint32_t> rows, KnnOptions options = {});
  ~NearestNeighbors();
  NearestNeighbors(NearestNeighbors&&) noexcept;
  NearestNeighbors& operator=(NearestNeighbors&&) noexcept;

  // k nearest fitted points of every row of `queries` (same column count), nearest first.
  // Throws UsageError when k < 1 or k > number of fitted points.
  KnnResult query(const RowMatrix& queries, int k) const;
  // Same, for the rows `rows` of `matrix` (no copy): result row i belongs to matrix row rows[i].
  // Callers with many queries can pass them in slices to bound the result's size.
  KnnResult query(const RowMatrix& matrix, std::span<const uint32_t> rows, int k) const;
  // Same, for the fitted points themselves (each point is among its own candidates).
  KnnResult query_self(int k) const;
  // query_self with one result row per group of equal fitted points: fitted point i's
  // neighbours are row group_of()[i]. Equal points have the same neighbours, so this is
  // query_self without its points x k copy (SMOTEENN on http.csv, 1.1M rows of which 240k
  // distinct: 18 MB less).
  KnnResult query_self_by_group(int k) const;
  // Per fitted point, its group of equal points (numbered by smallest point, from 0).
  const std::vector<uint32_t>& group_of() const;

  KnnAlgorithm algorithm() const;  // the one actually used (never kAuto)
  size_t size() const;

 private:
  void fit(const RowMatrix& matrix, std::span<const uint32_t> rows, bool whole, KnnOptions options);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fraudkit
