// The k-d tree: one point per group of equal fitted rows, leaves of at most kLeafSize points
// stored column by column in tree order (a leaf scan is a few contiguous vector loops), and a
// tight bounding box per node.
//
// Exactness: a node is skipped only when a lower bound on every one of its points' reported
// squared distances proves they cannot enter (TopK::excludes). The bound is computed with the
// same operations, in the same column order, on the box's gaps instead of the coordinate
// differences; floating-point subtraction, squaring and addition are monotone, so it never
// exceeds a member's reported squared distance. A node whose bound ties the k-th distance is
// still skipped when all its rows have larger indices than the k-th neighbour (each node keeps
// its smallest row), which keeps ties at the k-th distance cheap.
//
// Splits: the dimension of widest box extent, at the median; values equal to the median all go
// to one side (whichever is more balanced), so each side is non-empty and equal values are
// never separated.
#include <algorithm>
#include <cmath>
#include <limits>

#include "neighbors/knn_detail.h"

namespace fraudkit::knn_detail {
namespace {

constexpr uint32_t kLeafSize = 16;

struct Node {
  uint32_t begin = 0, end = 0;  // positions in tree order
  uint32_t child = 0;           // left child; the right one is child + 1; 0 = leaf
  uint32_t min_row = 0;         // smallest fitted row in the node
  int dim = 0;                  // split dimension
};

// Where to cut a node (cut == node.end: it stays a leaf) and on which dimension.
struct Split {
  uint32_t cut;
  int dim;
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
// AVX2 without FMA: a fused multiply-add would round differently from exact_sq.
#define FRAUDKIT_KNN_CLONES __attribute__((target_clones("default", "avx2")))
#else
#define FRAUDKIT_KNN_CLONES
#endif

// Squared distances from q to `count` consecutive points of a column-major block whose
// columns are `stride` apart; per point the exact_sq operations in exact_sq's order.
FRAUDKIT_KNN_CLONES
void block_squares(const double* coords, size_t stride, size_t count, const double* q, int dims, double* out) {
  for (size_t i = 0; i < count; ++i) out[i] = 0;
  for (int c = 0; c < dims; ++c) {
    const double* x = coords + static_cast<size_t>(c) * stride;
    const double qc = q[c];
    for (size_t i = 0; i < count; ++i) {
      const double d = qc - x[i];
      out[i] += d * d;
    }
  }
}

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

}  // namespace

struct KdTree::Layout {
  const RowGroups* groups = nullptr;
  const Metric* metric = nullptr;
  int dims = 0;
  size_t points = 0;
  std::vector<double> coords;      // coords[c * points + position]
  std::vector<uint32_t> group_at;  // group at each position
  std::vector<Node> nodes;
  std::vector<double> lo, hi;  // nodes x dims: tight box

  const double* lo_of(uint32_t node) const { return lo.data() + static_cast<size_t>(node) * dims; }
  const double* hi_of(uint32_t node) const { return hi.data() + static_cast<size_t>(node) * dims; }

  void build(const RowMatrix& rows);
  void fit_box(uint32_t node, const std::vector<uint32_t>& order, const RowMatrix& values);
  Split split(uint32_t node, std::vector<uint32_t>& order, const RowMatrix& values) const;

  double lower_bound_sq(uint32_t node, const double* q) const;
  uint32_t leaf_of(const double* q) const;
  void scan_leaf(const Node& node, const double* q, TopK& top) const;
  void search_one(const double* q, TopK& top, std::vector<std::pair<uint32_t, double>>& stack) const;
};

void KdTree::Layout::fit_box(uint32_t id, const std::vector<uint32_t>& order, const RowMatrix& values) {
  Node& node = nodes[id];
  double* box_lo = lo.data() + static_cast<size_t>(id) * dims;
  double* box_hi = hi.data() + static_cast<size_t>(id) * dims;
  std::fill(box_lo, box_lo + dims, std::numeric_limits<double>::infinity());
  std::fill(box_hi, box_hi + dims, -std::numeric_limits<double>::infinity());
  uint32_t min_group = std::numeric_limits<uint32_t>::max();
  for (uint32_t i = node.begin; i < node.end; ++i) {
    const double* x = values.row(order[i]).data();
    for (int c = 0; c < dims; ++c) {
      box_lo[c] = std::min(box_lo[c], x[c]);
      box_hi[c] = std::max(box_hi[c], x[c]);
    }
    min_group = std::min(min_group, order[i]);
  }
  node.min_row = groups->first[min_group];  // groups are numbered by their smallest row
}

Split KdTree::Layout::split(uint32_t id, std::vector<uint32_t>& order, const RowMatrix& values) const {
  const Node& node = nodes[id];
  const Split leaf{node.end, 0};
  if (node.end - node.begin <= kLeafSize) return leaf;
  int dim = -1;
  double widest = 0;
  for (int c = 0; c < dims; ++c) {
    const double extent = hi_of(id)[c] - lo_of(id)[c];
    const double weight = metric->is_categorical(c) ? (extent > 0 ? std::sqrt(metric->mismatch_sq) : 0) : extent;
    if (weight > widest) widest = weight, dim = c;
  }
  if (dim < 0) return leaf;  // every point equal as far as the metric can tell
  const auto first = order.begin() + node.begin, last = order.begin() + node.end;
  const auto mid = first + (node.end - node.begin) / 2;
  const auto value = [&](uint32_t g) { return values(g, dim); };
  std::nth_element(first, mid, last, [&](uint32_t a, uint32_t b) { return value(a) < value(b); });
  const double median = value(*mid);
  const auto equal_begin = std::partition(first, mid, [&](uint32_t g) { return value(g) < median; });
  const auto equal_end = std::partition(mid, last, [&](uint32_t g) { return value(g) == median; });
  // Both candidate cuts keep equal values together; take the more balanced non-trivial one.
  const auto imbalance = [&](auto cut) {
    return cut == first || cut == last ? std::numeric_limits<ptrdiff_t>::max() : std::abs(cut - mid);
  };
  const auto cut = imbalance(equal_begin) <= imbalance(equal_end) ? equal_begin : equal_end;
  if (cut == first || cut == last) return leaf;
  return {static_cast<uint32_t>(cut - order.begin()), dim};
}

void KdTree::Layout::build(const RowMatrix& rows) {
  RowMatrix values(static_cast<Eigen::Index>(points), dims);  // one row per group
  for (size_t g = 0; g < points; ++g) values.row(static_cast<Eigen::Index>(g)) = rows.row(groups->first[g]);
  std::vector<uint32_t> order(points);
  for (size_t g = 0; g < points; ++g) order[g] = static_cast<uint32_t>(g);

  nodes.push_back({0, static_cast<uint32_t>(points), 0, 0, 0});
  std::vector<uint32_t> pending{0};
  while (!pending.empty()) {
    const uint32_t id = pending.back();
    pending.pop_back();
    lo.resize(nodes.size() * static_cast<size_t>(dims));
    hi.resize(nodes.size() * static_cast<size_t>(dims));
    fit_box(id, order, values);
    const Split s = split(id, order, values);
    if (s.cut == nodes[id].end) continue;
    const uint32_t left = static_cast<uint32_t>(nodes.size());
    const Node parent = nodes[id];
    nodes[id].child = left;
    nodes[id].dim = s.dim;
    nodes.push_back({parent.begin, s.cut, 0, 0, 0});
    nodes.push_back({s.cut, parent.end, 0, 0, 0});
    pending.push_back(left + 1);
    pending.push_back(left);
  }
  lo.resize(nodes.size() * static_cast<size_t>(dims));
  hi.resize(nodes.size() * static_cast<size_t>(dims));

  coords.resize(points * static_cast<size_t>(dims));
  for (size_t i = 0; i < points; ++i)
    for (int c = 0; c < dims; ++c) coords[static_cast<size_t>(c) * points + i] = values(order[i], c);
  group_at = std::move(order);
}

double KdTree::Layout::lower_bound_sq(uint32_t node, const double* q) const {
  const double* box_lo = lo_of(node);
  const double* box_hi = hi_of(node);
  double sum = 0;
  if (!metric->is_mixed()) {
    for (int c = 0; c < dims; ++c) {
      // At most one of the two differences is positive; inside the box the gap is 0.
      const double gap = std::max(0.0, std::max(box_lo[c] - q[c], q[c] - box_hi[c]));
      sum += gap * gap;
    }
    return sum;
  }
  for (int c = 0; c < dims; ++c) {
    if (metric->is_categorical(c)) {
      if (q[c] < box_lo[c] || q[c] > box_hi[c]) sum += metric->mismatch_sq;
    } else {
      const double gap = std::max(0.0, std::max(box_lo[c] - q[c], q[c] - box_hi[c]));
      sum += gap * gap;
    }
  }
  return sum;
}

uint32_t KdTree::Layout::leaf_of(const double* q) const {
  uint32_t id = 0;
  while (nodes[id].child != 0) {
    const uint32_t left = nodes[id].child;
    id = q[nodes[id].dim] <= hi_of(left)[nodes[id].dim] ? left : left + 1;
  }
  return id;
}

void KdTree::Layout::scan_leaf(const Node& node, const double* q, TopK& top) const {
  double sq[kLeafSize];
  for (uint32_t start = node.begin; start < node.end; start += kLeafSize) {
    const size_t count = std::min(kLeafSize, node.end - start);
    if (metric->is_mixed())
      block_squares_mixed(coords.data() + start, points, count, q, *metric, sq);
    else
      block_squares(coords.data() + start, points, count, q, dims, sq);
    for (size_t i = 0; i < count; ++i)
      if (sq[i] <= top.bound_sq()) top.offer(sq[i], groups->rows_of(group_at[start + i]));
  }
}

void KdTree::Layout::search_one(const double* q, TopK& top, std::vector<std::pair<uint32_t, double>>& stack) const {
  stack.clear();
  stack.emplace_back(0, 0.0);
  while (!stack.empty()) {
    const auto [id, bound] = stack.back();
    stack.pop_back();
    const Node& node = nodes[id];
    if (top.excludes(bound, node.min_row)) continue;
    if (node.child == 0) {
      scan_leaf(node, q, top);
      continue;
    }
    const uint32_t left = node.child, right = left + 1;
    const double left_bound = lower_bound_sq(left, q), right_bound = lower_bound_sq(right, q);
    const bool left_first =
        left_bound < right_bound || (left_bound == right_bound && q[node.dim] <= hi_of(left)[node.dim]);
    const uint32_t near = left_first ? left : right, far = left_first ? right : left;
    const double near_bound = left_first ? left_bound : right_bound;
    const double far_bound = left_first ? right_bound : left_bound;
    if (!top.excludes(far_bound, nodes[far].min_row)) stack.emplace_back(far, far_bound);
    stack.emplace_back(near, near_bound);
  }
}

KdTree::KdTree(const RowMatrix& points, const RowGroups& groups, const Metric& metric, int /*threads*/)
    : layout_(std::make_unique<Layout>()) {
  layout_->groups = &groups;
  layout_->metric = &metric;
  layout_->dims = static_cast<int>(points.cols());
  layout_->points = groups.size();
  if (layout_->points > 0) layout_->build(points);
}

KdTree::~KdTree() = default;

KnnResult KdTree::search(const SearchInput& in, int k, int threads) const {
  const Layout& tree = *layout_;
  const size_t queries = in.query_rows.size();
  KnnResult out;
  out.k = k;
  out.indices.resize(queries * static_cast<size_t>(k));
  out.distances.resize(out.indices.size());
  const auto query_at = [&](size_t i) { return in.queries->row(in.query_rows[i]).data(); };

  // Queries in the tree order of the leaf they fall in: neighbouring queries then walk the same
  // nodes and leaves, which stay in cache.
  std::vector<uint32_t> leaf_start(queries);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t i = 0; i < queries; ++i) leaf_start[i] = tree.nodes[tree.leaf_of(query_at(i))].begin;
  std::vector<uint32_t> offsets(tree.points + 2, 0);
  for (const uint32_t s : leaf_start) ++offsets[s + 1];
  for (size_t p = 0; p + 1 < offsets.size(); ++p) offsets[p + 1] += offsets[p];
  std::vector<uint32_t> order(queries);
  for (size_t i = 0; i < queries; ++i) order[offsets[leaf_start[i]]++] = static_cast<uint32_t>(i);

#pragma omp parallel num_threads(threads)
  {
    TopK top(k);
    std::vector<std::pair<uint32_t, double>> stack;
#pragma omp for schedule(dynamic, 64)
    for (size_t j = 0; j < queries; ++j) {
      const size_t i = order[j];
      tree.search_one(query_at(i), top, stack);
      top.drain(out.indices.data() + i * static_cast<size_t>(k), out.distances.data() + i * static_cast<size_t>(k));
    }
  }
  return out;
}

}  // namespace fraudkit::knn_detail
