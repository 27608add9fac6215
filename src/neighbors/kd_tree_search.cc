// k-d tree search. Queries go in groups of up to 32 that share a leaf (self queries: exactly a
// leaf's points): the group walks the tree once, nearer child first, skipping a node when the
// group's bounding box proves that no member can gain from it; at each leaf reached, every
// member tests the leaf's box against its own current k-th distance before scanning it.
//
// Why the bounds are safe. For a point p in a node's box and a numeric column c, the gap
// g = max(0, lo - q, q - hi) satisfies g <= |fl(q - p)| because floating-point subtraction
// is monotone, hence fl(g * g) <= fl((q - p)^2): every term of the bound is at most the
// matching term of the reported sum, and added in the same column order (one vector lane per
// query) the bound cannot exceed the reported squared distance. The group's box-to-box bound
// has smaller gaps still, but adds its terms in four lanes across columns; any order of adding
// d non-negative terms is within (d - 1) u (u = eps / 2) of their exact sum, so that total is
// scaled down by (1 - (2d + 2) eps). The mixed metric adds mismatch_sq for a code outside the
// box's range (for the group: code ranges that do not meet), always in column order.
// A node whose bound ties the k-th distance is still skipped when all its rows come after the
// k-th neighbour's (each node keeps its smallest row): this keeps duplicate-heavy data, where
// the k-th distance is often 0, from walking every box that touches the query.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "neighbors/kd_tree_layout.h"

namespace fraudkit::knn_detail {
namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
// AVX2 without FMA: a fused multiply-add would round the leaf distances differently from
// exact_sq, and every path must report the same bits. (An AVX-512 clone, with contraction
// off, measured no faster: NearMiss-1, ENN and Tomek on cover 0-20% slower.)
#define FRAUDKIT_KNN_CLONES __attribute__((target_clones("default", "avx2")))
#else
#define FRAUDKIT_KNN_CLONES
#endif

void block_squares_mixed(const double* coords, size_t stride, size_t count, const double* q, const Metric& metric,
                         double* out) {
  for (size_t i = 0; i < count; ++i) out[i] = 0;
  for (int c = 0; c < metric.dims; ++c) {
    const double* x = coords + static_cast<size_t>(c) * stride;
    const double qc = q[c];
    if (metric.is_categorical(c)) {
      for (size_t i = 0; i < count; ++i)
        if (x[i] != qc) out[i] += metric.mismatch_sq;
    } else {
      for (size_t i = 0; i < count; ++i) {
        const double d = qc - x[i];
        out[i] += d * d;
      }
    }
  }
}

inline double gap(double lo, double hi, double q) {
  const double below = lo - q, above = q - hi;  // at most one is positive
  const double g = below > above ? below : above;
  return g > 0 ? g : 0;
}

typedef double Vec4 __attribute__((vector_size(4 * sizeof(double))));

// Sum of squared gaps between two boxes (0 where they overlap), in four lanes (not scaled;
// see the file comment). The boxes hold `padded` (a multiple of 4) entries; padding lanes
// span -inf..+inf and have gap 0.
FRAUDKIT_KNN_CLONES
double lane_box_gap_sq(const double* lo, const double* hi, const double* other_lo, const double* other_hi,
                       int padded) {
  Vec4 sum = {0, 0, 0, 0};
  const Vec4 zero = {0, 0, 0, 0};
  for (int c = 0; c < padded; c += 4) {
    Vec4 l, h, ol, oh;
    std::memcpy(&l, lo + c, sizeof l);
    std::memcpy(&h, hi + c, sizeof h);
    std::memcpy(&ol, other_lo + c, sizeof ol);
    std::memcpy(&oh, other_hi + c, sizeof oh);
    const Vec4 below = l - oh, above = ol - h;
    Vec4 g = below > above ? below : above;
    g = g > zero ? g : zero;
    sum += g * g;
  }
  return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

// For `count` queries stored column by column (queries[c * stride + i]), the squared gaps to
// one box, added in column order (one vector lane per query): each lane is then a lower bound
// on that query's reported squared distance to any point in the box, with no scaling. Whole
// fours of lanes are written (count rounded up to 4, at most stride), each four's sum kept in a
// register over the columns.
FRAUDKIT_KNN_CLONES
void query_gaps_sq(const double* lo, const double* hi, const double* queries, size_t stride, size_t count, int dims,
                   double* out) {
  const Vec4 zero = {0, 0, 0, 0};
  for (size_t i = 0; i < count; i += 4) {
    Vec4 sum = zero;
    for (size_t c = 0; c < static_cast<size_t>(dims); ++c) {
      Vec4 x;
      std::memcpy(&x, queries + c * stride + i, sizeof x);
      const Vec4 below = (zero + lo[c]) - x, above = x - (zero + hi[c]);
      Vec4 g = below > above ? below : above;
      g = g > zero ? g : zero;
      sum += g * g;
    }
    std::memcpy(out + i, &sum, sizeof sum);
  }
}

// Searches a group of nearby queries together: one walk of the tree, pruned with the group's
// bounding box against the loosest of the queries' current bounds, and at each leaf reached,
// each query's own test before its scan. The walk's cost is shared by the group.
class GroupSearcher {
 public:
  static constexpr size_t kMaxGroup = 32;  // a multiple of 4 (query_gaps_sq's lanes)
  static_assert(kLeafSize <= kMaxGroup, "a leaf's points form one group of self queries");

  size_t scanned() const { return scanned_; }

  GroupSearcher(const KdTree::Layout& tree, int k)
      : t_(tree),
        padded_(static_cast<size_t>(tree.padded)),
        scale_(1 - (2.0 * tree.dims + 2) * std::numeric_limits<double>::epsilon()),
        queries_(kMaxGroup * padded_, 0.0),
        columns_(kMaxGroup * padded_, 0.0),
        group_lo_(padded_),
        group_hi_(padded_),
        tops_(kMaxGroup, TopK(k)) {}

  // Finds the neighbours of the queries `members` (at most kMaxGroup; query i's coordinates
  // are coordinate(i, c)) and writes row members[i] of `out`.
  template <typename Coordinate>
  void search(std::span<const uint32_t> members, const Coordinate& coordinate, KnnResult& out) {
    load(members.size(), coordinate);
    stack_.clear();
    stack_.emplace_back(0, 0.0);
    while (!stack_.empty()) {
      const auto [id, bound] = stack_.back();
      stack_.pop_back();
      const KdNode& node = t_.nodes[id];
      if (group_excludes(bound, node.min_row)) continue;
      if (node.is_leaf()) {
        visit_leaf(node);
        refresh_group_bound();
        continue;
      }
      const uint32_t left = node.child, right = left + 1;
      const double left_bound = group_bound_sq(left), right_bound = group_bound_sq(right);
      const bool left_first = left_bound < right_bound ||
                              (left_bound == right_bound && group_lo_[static_cast<size_t>(node.dim)] <= node.split);
      const uint32_t near = left_first ? left : right, far = left_first ? right : left;
      const double near_bound = left_first ? left_bound : right_bound;
      const double far_bound = left_first ? right_bound : left_bound;
      if (!group_excludes(far_bound, t_.nodes[far].min_row)) stack_.emplace_back(far, far_bound);
      stack_.emplace_back(near, near_bound);
    }
    const size_t k = static_cast<size_t>(out.k);
    for (size_t i = 0; i < count_; ++i)
      tops_[i].drain(out.indices.data() + members[i] * k, distances_of(out, members[i]));
  }

 private:
  const double* query(size_t i) const { return queries_.data() + i * padded_; }

  template <typename Coordinate>
  void load(size_t count, const Coordinate& coordinate) {
    count_ = count;
    std::fill(group_lo_.begin(), group_lo_.end(), std::numeric_limits<double>::infinity());
    std::fill(group_hi_.begin(), group_hi_.end(), -std::numeric_limits<double>::infinity());
    const size_t dims = static_cast<size_t>(t_.dims);
    for (size_t i = 0; i < count_; ++i) {
      double* q = queries_.data() + i * padded_;
      for (size_t c = 0; c < dims; ++c) q[c] = coordinate(i, c);
      std::fill(q + dims, q + padded_, 0.0);
      for (size_t c = 0; c < padded_; ++c) {
        group_lo_[c] = std::min(group_lo_[c], q[c]);
        group_hi_[c] = std::max(group_hi_[c], q[c]);
      }
      for (size_t c = 0; c < dims; ++c) columns_[c * kMaxGroup + i] = q[c];
      tops_[i].clear();
    }
    for (size_t i = count_; i < kMaxGroup; ++i)  // unused lanes repeat query 0
      for (size_t c = 0; c < dims; ++c) columns_[c * kMaxGroup + i] = columns_[c * kMaxGroup];
    refresh_group_bound();
  }

  // The loosest of the members' bounds, for group_excludes.
  void refresh_group_bound() {
    all_full_ = true;
    loosest_sq_ = 0;
    worst_distance_ = 0;
    worst_row_ = 0;
    for (size_t i = 0; i < count_; ++i) {
      const TopK& top = tops_[i];
      loosest_sq_ = std::max(loosest_sq_, top.bound_sq());
      if (!top.full()) {
        all_full_ = false;
        continue;
      }
      worst_distance_ = std::max(worst_distance_, top.worst_distance());
      worst_row_ = std::max(worst_row_, top.worst_row());
    }
  }

  // A node is skipped for the whole group only when TopK::excludes holds for every member:
  // each member's bound on the node is at least the group box's bound.
  bool group_excludes(double lower_sq, uint32_t min_row) const {
    if (lower_sq > loosest_sq_) return true;
    return all_full_ && min_row > worst_row_ && std::sqrt(lower_sq) >= worst_distance_;
  }

  double group_bound_sq(uint32_t node) const {
    const double* lo = t_.lo_of(node);
    const double* hi = t_.hi_of(node);
    if (!t_.metric->is_mixed()) return lane_box_gap_sq(lo, hi, group_lo_.data(), group_hi_.data(), t_.padded) * scale_;
    double sum = 0;
    for (int c = 0; c < t_.dims; ++c) {
      const double below = lo[c] - group_hi_[static_cast<size_t>(c)];
      const double above = group_lo_[static_cast<size_t>(c)] - hi[c];
      if (t_.metric->is_categorical(c)) {
        if (below > 0 || above > 0) sum += t_.metric->mismatch_sq;  // no code in common
      } else {
        const double g = std::max(0.0, std::max(below, above));
        sum += g * g;
      }
    }
    return sum;
  }

  // Each query's lower bound on its squared distances to the points of `node`.
  void query_bounds_sq(uint32_t node, double* bounds) const {
    const double* lo = t_.lo_of(node);
    const double* hi = t_.hi_of(node);
    if (!t_.metric->is_mixed()) return query_gaps_sq(lo, hi, columns_.data(), kMaxGroup, count_, t_.dims, bounds);
    for (size_t i = 0; i < count_; ++i) {
      const double* q = query(i);
      double sum = 0;
      for (int c = 0; c < t_.dims; ++c) {
        if (t_.metric->is_categorical(c)) {
          if (q[c] < lo[c] || q[c] > hi[c]) sum += t_.metric->mismatch_sq;
        } else {
          const double g = gap(lo[c], hi[c], q[c]);
          sum += g * g;
        }
      }
      bounds[i] = sum;
    }
  }

  // The leaf's points are gathered from the source matrix once, when the first member needs
  // them, and every member scans that block.
  void visit_leaf(const KdNode& node) {
    const uint32_t id = static_cast<uint32_t>(&node - t_.nodes.data());
    double bounds[kMaxGroup];
    query_bounds_sq(id, bounds);
    bool gathered = false;
    for (size_t i = 0; i < count_; ++i) {
      if (tops_[i].excludes(bounds[i], node.min_row)) continue;
      scanned_ += node.end - node.begin;
      if (!gathered) gather_leaf(node);
      gathered = true;
      scan_leaf(node, query(i), tops_[i]);
    }
  }

  // leaf_ := the node's points, column-major (node.end - node.begin values per column).
  void gather_leaf(const KdNode& node) {
    const size_t count = node.end - node.begin, dims = static_cast<size_t>(t_.dims);
    leaf_.resize(count * dims + 3);  // block_squares_below reads up to 3 values past a column
    for (size_t i = 0; i < count; ++i) __builtin_prefetch(t_.point(node.begin + i));  // scattered rows
    for (size_t i = 0; i < count; ++i) {
      const double* p = t_.point(node.begin + i);
      for (size_t c = 0; c < dims; ++c) leaf_[c * count + i] = p[c];
    }
  }

  void scan_leaf(const KdNode& node, const double* q, TopK& top) const {
    double sq[kLeafSize + 3];
    const size_t points = node.end - node.begin;
    for (size_t start = 0; start < points; start += kLeafSize) {
      const size_t count = std::min<size_t>(kLeafSize, points - start);
      if (t_.metric->is_mixed())
        block_squares_mixed(leaf_.data() + start, points, count, q, *t_.metric, sq);
      else if (!block_squares_below(leaf_.data() + start, points, static_cast<uint32_t>(count), q, t_.dims,
                                    top.bound_sq(), sq))
        continue;  // no point can enter
      for (size_t i = 0; i < count; ++i)
        if (sq[i] <= top.bound_sq()) top.offer(sq[i], t_.rows_at(node.begin + start + i));
    }
  }

  const KdTree::Layout& t_;
  const size_t padded_;
  const double scale_;
  std::vector<double> queries_;  // the group's queries, `padded_` values each (zeros after dims)
  std::vector<double> columns_;  // the same, column by column: columns_[c * kMaxGroup + i]
  std::vector<double> group_lo_, group_hi_;
  std::vector<double> leaf_;  // the leaf being scanned (gather_leaf)
  std::vector<TopK> tops_;
  size_t count_ = 0;
  size_t scanned_ = 0;  // points whose distance was computed, over all searches
  bool all_full_ = false;
  double loosest_sq_ = 0, worst_distance_ = 0;
  uint32_t worst_row_ = 0;
  std::vector<std::pair<uint32_t, double>> stack_;
};

uint32_t leaf_of(const KdTree::Layout& t, const double* q) {
  uint32_t id = 0;
  while (!t.nodes[id].is_leaf()) {
    const uint32_t left = t.nodes[id].child;
    id = q[t.nodes[id].dim] <= t.nodes[id].split ? left : left + 1;
  }
  return id;
}

// A tree of at most this many points is searched flat: each query scans every point, four at
// a time from a column-major copy. Walking, bucketing queries by leaf and splitting the buckets
// into groups cost more than the distances there (NearMiss-1 on http.csv: 565k majority rows
// against the minority's 72 distinct rows, where the group splits alone were a third of the
// search).
constexpr size_t kFlatScanPoints = 128;

KnnResult flat_search(const KdTree::Layout& tree, const SearchInput& in, int k, int threads, KnnResult out) {
  const size_t points = tree.points, dims = static_cast<size_t>(tree.dims);
  const size_t stride = points + 3;  // block_squares_below reads up to 3 values past a column
  std::vector<double> coords(stride * dims, 0.0);
  for (size_t p = 0; p < points; ++p)
    for (size_t c = 0; c < dims; ++c) coords[c * stride + p] = tree.point(p)[c];
  const size_t queries = in.query_rows.size();
#pragma omp parallel num_threads(threads)
  {
    TopK top(k);
    double sq[kLeafSize + 3];
#pragma omp for schedule(static)
    for (size_t i = 0; i < queries; ++i) {
      const double* q = in.queries->row(in.query_rows[i]).data();
      top.clear();
      const auto scan = [&](size_t begin, size_t end) {
        for (size_t start = begin; start < end; start += kLeafSize) {
          const auto count = static_cast<uint32_t>(std::min<size_t>(kLeafSize, end - start));
          if (!block_squares_below(coords.data() + start, stride, count, q, tree.dims, top.bound_sq(), sq)) continue;
          for (uint32_t j = 0; j < count; ++j)
            if (sq[j] <= top.bound_sq()) top.offer(sq[j], tree.rows_at(start + j));
        }
      };
      // The query's own leaf first: its points are likely the nearest, and the bound they set
      // spares the other points' offers.
      const KdNode& own = tree.nodes[leaf_of(tree, q)];
      scan(own.begin, own.end);
      scan(0, own.begin);
      scan(own.end, points);
      top.drain(out.indices.data() + i * static_cast<size_t>(k), distances_of(out, i));
    }
  }
  return out;
}

// Splits order[begin, end) into runs of at most max_group queries: recursively at the median of
// the dimension in which the run's queries spread most. Returns the runs' starts, ascending.
// The run's queries are gathered once into a block that stays in cache: the splits read every
// value several times, and the queries are scattered over their matrix (NearMiss-1 on cover:
// 283k majority rows falling into the leaves of a 2,747-point tree).
std::vector<size_t> split_into_groups(const RowMatrix& rows, std::span<const uint32_t> query_rows,
                                      std::vector<uint32_t>& order, size_t begin, size_t end, size_t max_group) {
  const size_t count = end - begin;
  if (count <= max_group) return {begin};
  const auto dims = static_cast<size_t>(rows.cols());
  std::vector<double> values(count * dims);  // values[c * count + i]: query order[begin + i]
  for (size_t i = 0; i < count; ++i) {
    const double* row = rows.row(query_rows[order[begin + i]]).data();
    for (size_t c = 0; c < dims; ++c) values[c * count + i] = row[c];
  }
  std::vector<uint32_t> local(count);
  std::iota(local.begin(), local.end(), 0u);
  std::vector<size_t> starts;
  std::vector<std::pair<size_t, size_t>> pending{{0, count}};
  while (!pending.empty()) {
    const auto [b, e] = pending.back();
    pending.pop_back();
    if (e - b <= max_group) {
      starts.push_back(begin + b);
      continue;
    }
    const double* column = values.data();
    double widest = -1;
    for (size_t c = 0; c < dims; ++c) {
      const double* x = values.data() + c * count;
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (size_t i = b; i < e; ++i) {
        lo = std::min(lo, x[local[i]]);
        hi = std::max(hi, x[local[i]]);
      }
      if (hi - lo > widest) widest = hi - lo, column = x;
    }
    const size_t mid = b + (e - b) / 2;
    std::nth_element(local.begin() + static_cast<ptrdiff_t>(b), local.begin() + static_cast<ptrdiff_t>(mid),
                     local.begin() + static_cast<ptrdiff_t>(e),
                     [&](uint32_t x, uint32_t y) { return column[x] < column[y]; });
    pending.emplace_back(mid, e);
    pending.emplace_back(b, mid);
  }
  std::vector<uint32_t> ids(order.begin() + static_cast<ptrdiff_t>(begin), order.begin() + static_cast<ptrdiff_t>(end));
  for (size_t i = 0; i < count; ++i) order[begin + i] = ids[local[i]];
  return starts;
}

}  // namespace

namespace {

// Squared distances from q to `count` consecutive points of a column-major block whose columns
// are `stride` apart, per point exact_sq's operations in exact_sq's order (one vector lane per
// point, starting from 0: 0 + x == x for the x >= 0 here). Four points at a time with the sums in
// registers, compared with bounds[start * bound_step ..] (four bounds); whether any counted.
inline bool squares_and_test(const double* coords, size_t stride, uint32_t count, const double* q, int dims,
                             const double* bounds, size_t bound_step, double* out) {
  typedef int64_t Mask4 __attribute__((vector_size(4 * sizeof(int64_t))));
  Mask4 any = {0, 0, 0, 0};
  const uint32_t whole = count / 4 * 4;
  for (uint32_t start = 0; start < count; start += 4) {
    Vec4 sum = {0, 0, 0, 0}, bound;
    for (size_t c = 0; c < static_cast<size_t>(dims); ++c) {
      Vec4 x;
      std::memcpy(&x, coords + c * stride + start, sizeof x);
      const Vec4 d = x - q[c];  // q - x and x - q square to the same bits
      sum += d * d;
    }
    std::memcpy(out + start, &sum, sizeof sum);
    std::memcpy(&bound, bounds + start * bound_step, sizeof bound);
    Mask4 within = sum <= bound;
    if (start == whole) {  // the last, partial four: lanes past `count` do not count
      const Mask4 lane = {0, 1, 2, 3};
      within &= lane < static_cast<int64_t>(count - start);
    }
    any |= within;
  }
  return (any[0] | any[1] | any[2] | any[3]) != 0;
}

}  // namespace

FRAUDKIT_KNN_CLONES
bool block_squares_within(const double* coords, size_t stride, uint32_t count, const double* q, int dims,
                          const double* bounds, double* out) {
  return squares_and_test(coords, stride, count, q, dims, bounds, 1, out);
}

FRAUDKIT_KNN_CLONES
bool block_squares_below(const double* coords, size_t stride, uint32_t count, const double* q, int dims,
                         double bound, double* out) {
  const double bounds[4] = {bound, bound, bound, bound};
  return squares_and_test(coords, stride, count, q, dims, bounds, 0, out);
}

// A point is a box with no extent: the box-to-box sum is the point's gap sum.
FRAUDKIT_KNN_CLONES
double point_box_gap_sq_wide(const double* lo, const double* hi, const double* point, int padded) {
  return lane_box_gap_sq(lo, hi, point, point, padded);
}

KdTree::KdTree(const RowMatrix& source, std::span<const uint32_t> subset, const RowGroups& groups,
               const Metric& metric, int threads)
    : layout_(std::make_unique<Layout>()) {
  layout_->groups = &groups;
  layout_->metric = &metric;
  layout_->source = &source;
  layout_->dims = static_cast<int>(source.cols());
  layout_->padded = (layout_->dims + 3) / 4 * 4;
  layout_->points = groups.size();
  layout_->point_row.resize(groups.size());
  for (size_t g = 0; g < groups.size(); ++g)
    layout_->point_row[g] = subset.empty() ? groups.first[g] : subset[groups.first[g]];
  if (layout_->points > 0) build_kd_tree(*layout_, threads);
}

KdTree::~KdTree() = default;

double KdTree::scanned_fraction(int k, size_t max_leaves) const {
  const Layout& tree = *layout_;
  std::vector<uint32_t> leaves;
  for (uint32_t id = 0; id < tree.nodes.size(); ++id)
    if (tree.nodes[id].is_leaf()) leaves.push_back(id);
  const size_t step = std::max<size_t>(1, leaves.size() / std::max<size_t>(1, max_leaves));
  GroupSearcher searcher(tree, k);
  KnnResult out;
  out.k = k;
  out.indices.resize(tree.points * static_cast<size_t>(k));
  out.distances.resize(out.indices.size());
  size_t queries = 0;
  for (size_t l = 0; l < leaves.size(); l += step) {
    const KdNode& leaf = tree.nodes[leaves[l]];
    const std::span<const uint32_t> members(tree.group_at.data() + leaf.begin, leaf.end - leaf.begin);
    searcher.search(members, [&](size_t i, size_t c) { return tree.point(leaf.begin + i)[c]; }, out);
    queries += members.size();
  }
  return static_cast<double>(searcher.scanned()) / (static_cast<double>(queries) * static_cast<double>(tree.points));
}

KnnResult KdTree::search(const SearchInput& in, int k, int threads) const {
  const Layout& tree = *layout_;
  KnnResult out;
  out.k = k;
  out.indices.resize(in.query_rows.size() * static_cast<size_t>(k));
  if (in.distances) out.distances.resize(out.indices.size());
  if (in.query_rows.empty()) return out;

  if (in.self) {
    // The queries are the tree's own points: each leaf is a group, read in tree order.
    std::vector<uint32_t> leaves;
    for (uint32_t id = 0; id < tree.nodes.size(); ++id)
      if (tree.nodes[id].is_leaf()) leaves.push_back(id);
#pragma omp parallel num_threads(threads)
    {
      GroupSearcher searcher(tree, k);
#pragma omp for schedule(dynamic, 16)
      for (size_t l = 0; l < leaves.size(); ++l) {
        const KdNode& leaf = tree.nodes[leaves[l]];
        const std::span<const uint32_t> members(tree.group_at.data() + leaf.begin, leaf.end - leaf.begin);
        searcher.search(members, [&](size_t i, size_t c) { return tree.point(leaf.begin + i)[c]; }, out);
      }
    }
    return out;
  }

  if (tree.points <= kFlatScanPoints && !tree.metric->is_mixed()) return flat_search(tree, in, k, threads, std::move(out));

  // Other queries go by the leaf they fall in, in tree order: each group starts from its own
  // leaf, and consecutive groups walk the same nodes and leaves, which stay in cache. A leaf with
  // more than kMaxGroup queries has them split at medians until the groups are small and tight.
  const size_t queries = in.query_rows.size();
  const auto query_at = [&](size_t i) { return in.queries->row(in.query_rows[i]).data(); };
  std::vector<uint32_t> leaf_start(queries);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t i = 0; i < queries; ++i) leaf_start[i] = tree.nodes[leaf_of(tree, query_at(i))].begin;
  std::vector<uint32_t> offsets(tree.points + 1, 0);
  for (const uint32_t s : leaf_start) ++offsets[s + 1];
  for (size_t p = 0; p + 1 < offsets.size(); ++p) offsets[p + 1] += offsets[p];
  std::vector<uint32_t> order(queries);
  {
    std::vector<uint32_t> next(offsets.begin(), offsets.end() - 1);
    for (size_t i = 0; i < queries; ++i) order[next[leaf_start[i]]++] = static_cast<uint32_t>(i);
  }
  std::vector<size_t> buckets;  // where each leaf's run of queries starts
  for (size_t p = 0; p < tree.points; ++p)
    if (offsets[p + 1] > offsets[p]) buckets.push_back(p);
  std::vector<std::vector<size_t>> bucket_groups(buckets.size());
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (size_t b = 0; b < buckets.size(); ++b)
    bucket_groups[b] = split_into_groups(*in.queries, in.query_rows, order, offsets[buckets[b]],
                                         offsets[buckets[b] + 1], GroupSearcher::kMaxGroup);
  std::vector<size_t> group_starts;
  for (const std::vector<size_t>& starts : bucket_groups) group_starts.insert(group_starts.end(), starts.begin(), starts.end());
  group_starts.push_back(queries);

  const size_t groups = group_starts.size() - 1;
#pragma omp parallel num_threads(threads)
  {
    GroupSearcher searcher(tree, k);
#pragma omp for schedule(dynamic, 16)
    for (size_t g = 0; g < groups; ++g) {
      const std::span<const uint32_t> members(order.data() + group_starts[g], group_starts[g + 1] - group_starts[g]);
      searcher.search(members, [&](size_t i, size_t c) { return query_at(members[i])[c]; }, out);
    }
  }
  return out;
}

}  // namespace fraudkit::knn_detail
