#pragma once
// Internals shared by the neighbour engine's files (not part of the public API): the exact
// metric, the running top-k of one query, groups of equal rows, and the two search kernels.
//
// Both kernels work on groups of equal rows rather than rows: a group is searched once and
// its members (ascending row ids) enter the top-k in index order, which is exactly the
// (distance, index) order the contract asks for, at a cost that does not grow with the group.
// Duplicate-heavy data (http.csv: 567k rows, 222k distinct) is the norm for fraud tables.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "fraudkit/neighbors.h"

namespace fraudkit::knn_detail {

// The metric of the contract. `categorical` is empty when every column is numeric.
struct Metric {
  int dims = 0;
  std::vector<uint8_t> categorical;
  double mismatch_sq = 0;

  bool is_mixed() const { return !categorical.empty(); }
  bool is_categorical(int column) const {
    return !categorical.empty() && categorical[static_cast<size_t>(column)] != 0;
  }
};

// The squared distance every path reports, computed one way only: the sum, in column order
// starting from 0, of (a - b)^2 for numeric columns and mismatch_sq for each differing
// categorical column. The vectorised leaf scan of the k-d tree performs the same operations
// per point (one lane per point), so it produces the same bits. No FMA-enabled code may compute
// it: a fused multiply-add rounds differently (the neighbour files are compiled for baseline
// x86-64 or plain AVX2, neither of which has FMA).
inline double exact_sq(const double* a, const double* b, const Metric& metric) {
  double sum = 0;
  if (!metric.is_mixed()) {
    for (int c = 0; c < metric.dims; ++c) {
      const double d = a[c] - b[c];
      sum += d * d;
    }
    return sum;
  }
  for (int c = 0; c < metric.dims; ++c) {
    if (metric.categorical[static_cast<size_t>(c)]) {
      if (a[c] != b[c]) sum += metric.mismatch_sq;
    } else {
      const double d = a[c] - b[c];
      sum += d * d;
    }
  }
  return sum;
}

// A squared distance above this is certain to give a Euclidean distance above `distance`:
// every x with sqrt(x) <= distance is below distance^2 (1 + 1.6 eps) (sqrt is correctly
// rounded), and the product's own rounding and underflow are covered by the margins. It is only
// a filter: a square at or below it is compared exactly, on (sqrt(square), row).
inline double square_bound(double distance) {
  return distance * distance * (1 + 4 * std::numeric_limits<double>::epsilon()) +
         std::numeric_limits<double>::denorm_min();
}

struct Neighbor {
  double distance;
  uint32_t row;
  friend bool operator<(const Neighbor& a, const Neighbor& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.row < b.row);
  }
};

// The k best (distance, row) pairs seen so far for one query: a sorted array for small k (the
// samplers' 2 to 10), a max-heap on that order beyond.
class TopK {
 public:
  explicit TopK(int k) : k_(static_cast<size_t>(k)), sorted_(k <= kSortedUpTo) { items_.reserve(k_); }
  void clear() {
    items_.clear();
    bound_sq_ = std::numeric_limits<double>::infinity();
  }
  bool full() const { return items_.size() == k_; }
  // Squared distances above this cannot enter (+inf until k neighbours are held).
  double bound_sq() const { return bound_sq_; }
  // The k-th distance (+inf until full).
  double worst_distance() const { return full() ? worst().distance : std::numeric_limits<double>::infinity(); }
  // The k-th row (only when full).
  uint32_t worst_row() const { return worst().row; }
  // Offers a group of equal fitted rows (ascending ids) at exact squared distance `sq`.
  // Returns whether the held set changed.
  bool offer(double sq, std::span<const uint32_t> rows);
  // True when no point of a region whose squared distances are >= lower_sq and whose rows are
  // all >= min_row can enter.
  bool excludes(double lower_sq, uint32_t min_row) const {
    if (lower_sq > bound_sq_) return true;
    return full() && min_row > worst().row && std::sqrt(lower_sq) >= worst().distance;
  }
  // Adds the neighbours another TopK of the same k holds (no row may be held by both).
  void absorb(const TopK& other);
  // Writes the k neighbours nearest first (distances may be null); leaves the set empty.
  void drain(uint32_t* rows, double* distances);

 private:
  static constexpr int kSortedUpTo = 16;
  const Neighbor& worst() const { return sorted_ ? items_.back() : items_.front(); }
  void insert(const Neighbor& n);
  void replace_worst(const Neighbor& n);

  size_t k_;
  bool sorted_;                 // items_ ascending; otherwise a max-heap
  std::vector<Neighbor> items_;
  double bound_sq_ = std::numeric_limits<double>::infinity();
};

// The per-candidate calls of every leaf scan, inline (out of line they were a tenth of
// NearMiss-1's profile; inline, NearMiss-1 and ENN run 2-8% faster).
inline void TopK::insert(const Neighbor& n) {
  if (!sorted_) {
    items_.push_back(n);
    std::push_heap(items_.begin(), items_.end());
    return;
  }
  items_.push_back(n);
  size_t i = items_.size() - 1;
  for (; i > 0 && n < items_[i - 1]; --i) items_[i] = items_[i - 1];
  items_[i] = n;
}

inline void TopK::replace_worst(const Neighbor& n) {
  if (sorted_) {
    items_.pop_back();
  } else {
    std::pop_heap(items_.begin(), items_.end());
    items_.pop_back();
  }
  insert(n);
}

inline bool TopK::offer(double sq, std::span<const uint32_t> rows) {
  if (sq > bound_sq_) return false;
  const double distance = std::sqrt(sq);
  bool changed = false;
  for (const uint32_t row : rows) {
    const Neighbor candidate{distance, row};
    if (items_.size() < k_) {
      insert(candidate);
    } else if (candidate < worst()) {
      replace_worst(candidate);
    } else {
      break;  // later rows of the group tie on distance with a larger index: they lose too
    }
    changed = true;
  }
  if (changed && full()) bound_sq_ = square_bound(worst().distance);
  return changed;
}

// Rows grouped by equal values (every column the metric reads; -0 equals +0; categorical
// columns are ignored when mismatch_sq is 0 since they cannot change a distance). Groups are
// numbered by their smallest row, ascending.
struct RowGroups {
  std::vector<uint32_t> first;     // per group: its smallest row
  std::vector<uint32_t> offsets;   // per group: where its rows start in `members`; size + 1
  std::vector<uint32_t> members;   // rows of group 0, then group 1, ...; ascending in a group
                                   // (members and offsets are released once a k-d tree holds them)
  std::vector<uint32_t> group_of;  // per row: its group

  size_t size() const { return first.size(); }
  std::span<const uint32_t> rows_of(size_t group) const {
    return {members.data() + offsets[group], offsets[group + 1] - offsets[group]};
  }
};
// With `subset`, only the rows subset[0], subset[1], ... of `rows` are grouped and "row i" in the
// result means subset[i].
RowGroups group_equal_rows(const RowMatrix& rows, const Metric& metric, int threads,
                           std::span<const uint32_t> subset = {});

// What one search needs: the fitted rows and their groups, and the distinct query rows.
// The result has one row of k neighbours per entry of query_rows.
struct SearchInput {
  const RowMatrix* points = nullptr;
  std::span<const uint32_t> subset;  // when not empty, fitted row i is points row subset[i]
  const RowGroups* groups = nullptr;
  const Metric* metric = nullptr;
  const RowMatrix* queries = nullptr;
  std::span<const uint32_t> query_rows;
  bool self = false;  // the queries are the fitted groups themselves (query_rows == groups->first)
  bool distances = true;  // fill KnnResult::distances

  // The coordinates of fitted group g (its first row).
  const double* group_point(size_t g) const {
    const uint32_t row = groups->first[g];
    return points->row(subset.empty() ? row : subset[row]).data();
  }
};

// Where query `query`'s k distances go: null when the result carries no distances.
inline double* distances_of(KnnResult& out, size_t query) {
  return out.distances.empty() ? nullptr : out.distances.data() + query * static_cast<size_t>(out.k);
}

KnnResult brute_force_search(const SearchInput& input, int k, int threads);

// Squared distances from q to `count` (<= 32) consecutive points of a column-major block whose
// columns are `stride` apart (numeric metric), per point exact_sq's operations in exact_sq's
// order, into out; returns whether any point has out[i] <= bounds[i]. The sums stay in
// registers, four points at a time (storing each column's partial sums and reloading them was
// most of the reverse scan's time on http.csv). coords, bounds and out are used in whole fours:
// up to 3 values past `count` must be readable (and out writable); those lanes do not count.
bool block_squares_within(const double* coords, size_t stride, uint32_t count, const double* q, int dims,
                          const double* bounds, double* out);
// The same with one bound for every point.
bool block_squares_below(const double* coords, size_t stride, uint32_t count, const double* q, int dims,
                         double bound, double* out);

// Sum of the squared gaps between a point and a box of `padded` (a multiple of 4) columns,
// added in four lanes: times (1 - (2 dims + 2) eps) it is a lower bound on the point's reported
// squared distance to anything in the box (the argument in kd_tree_search.cc). The query-tree
// scan tests a box for every row it offers, so the call matters: up to 4 columns it is inline
// (http.csv, 3 columns: BorderlineSMOTE 0.061 -> 0.051 s), wider boxes go to the AVX2 clone
// (inline baseline code measured 25% slower on cover's 10 columns).
double point_box_gap_sq_wide(const double* lo, const double* hi, const double* point, int padded);
inline double point_box_gap_sq(const double* lo, const double* hi, const double* point, int padded) {
  if (padded != 4) return point_box_gap_sq_wide(lo, hi, point, padded);
  double lane[4];
  for (int l = 0; l < 4; ++l) {
    const double below = lo[l] - point[l], above = point[l] - hi[l];
    const double g = std::max(std::max(below, above), 0.0);
    lane[l] = g * g;
  }
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

// Few distinct queries against many fitted rows, numeric metric: a k-d tree over the queries
// and one pass over the fitted rows (reverse_search.cc). `queries` holds one row per distinct
// query; the result has one row of k neighbours per query row. No index of the fitted rows is
// built, so this costs a scan of the data instead of a tree over it.
// With `subset`, fitted point i is points row subset[i].
KnnResult reverse_search(const RowMatrix& points, std::span<const uint32_t> subset, const Metric& metric,
                         const RowMatrix& queries, int k, int threads, bool distances);

// A k-d tree over the groups of the fitted rows (one point per group). The fitted rows are
// rows of `source` (with `subset`, fitted row i is source row subset[i]), read in place: the
// tree keeps no copy of them, so `source` must outlive it.
class KdTree {
 public:
  KdTree(const RowMatrix& source, std::span<const uint32_t> subset, const RowGroups& groups, const Metric& metric,
         int threads);
  ~KdTree();
  KnnResult search(const SearchInput& input, int k, int threads) const;
  // The mean share of the points whose distance a self query computes, measured on about
  // max_leaves leaves' worth of the points (a deterministic sample): near 1 when the boxes
  // cannot prune (high intrinsic dimension), where brute force is faster.
  double scanned_fraction(int k, size_t max_leaves) const;

  struct Layout;  // kd_tree_layout.h

 private:
  std::unique_ptr<Layout> layout_;
};

// The OpenMP thread count for a KnnOptions::threads value (0 = OpenMP default).
int resolve_threads(int threads);

}  // namespace fraudkit::knn_detail
