// Few queries against many fitted rows (BorderlineSMOTE and ADASYN: the minority against all
// rows; NearMiss-3: the minority against the majority). Building a k-d tree over the fitted
// rows would cost more than the whole search, so the roles are reversed: a small k-d tree over
// the queries, and one pass over the fitted rows, each row offered to the queries whose current
// k-th distance it may beat. A query node is skipped when the row's box gap exceeds the largest
// bound of the node's queries (a bound per node, kept up to date as the leaves' bounds shrink).
//
// The rows are visited in blocks of 256 in a scrambled order, so the bounds shrink early
// whatever order the file is in: after i rows, the next one enters a query's top k with
// probability about k / i, and rows that cannot enter are stopped near the root. Each thread
// takes blocks as it gets free, with its own top-k per query; the shares are merged at the end.
// The (distance, row) order is total, so the merged result does not depend on the split.
//
// Exactness: the gap bound is summed in four lanes and scaled down to cover the reordering, so
// it never exceeds the reported squared distance (see kd_tree_search.cc); leaf distances come
// from block_squares_within, exact_sq's bits. Which thread takes which block does not matter.
#include <omp.h>

#include <algorithm>
#include <limits>
#include <numeric>

#include "neighbors/kd_tree_layout.h"

namespace fraudkit::knn_detail {
namespace {

constexpr uint32_t kBlockRows = 256;

// Between the columns of the queries' column-major copy: the points, then 4 zeros (a leaf's
// last four lanes may read past its end).
size_t column_stride(const KdTree::Layout& tree) { return tree.points + 4; }

// The order in which the blocks are visited: a fixed pseudo-random shuffle (splitmix64 with a
// constant seed, so the order, like the result, depends on nothing but the row count).
std::vector<uint32_t> scrambled_blocks(uint32_t blocks) {
  std::vector<uint32_t> order(blocks);
  std::iota(order.begin(), order.end(), 0u);
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (uint32_t i = blocks; i > 1; --i) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    std::swap(order[i - 1], order[z % i]);
  }
  return order;
}

// One thread's search: its own top-k per query and per node bound.
class ReverseScanner {
 public:
  // `coords`: the queries' coordinates column-major in tree order, columns column_stride(tree)
  // apart. `parent`: per node, its parent (the root's is 0). `depth`: the deepest node's depth.
  ReverseScanner(const KdTree::Layout& tree, const std::vector<double>& coords, const std::vector<uint32_t>& parent,
                 uint32_t depth, int k)
      : t_(tree),
        coords_(coords),
        stride_(column_stride(tree)),
        parent_(parent),
        scale_(1 - (2.0 * tree.dims + 2) * std::numeric_limits<double>::epsilon()),
        tops_(tree.points, TopK(k)),
        query_bound_(tree.points + 4, std::numeric_limits<double>::infinity()),
        node_bound_(tree.nodes.size(), std::numeric_limits<double>::infinity()),
        padded_row_(static_cast<size_t>(tree.padded), 0.0),
        stack_(depth + 2) {}

  // Offers one row to every query whose bound it may beat. The walk is iterative, nearer child
  // first (the likelier to shrink the bounds the farther one is then tested on); a node's bound
  // is kept equal to the largest of its queries' bounds by scan_leaf, so a visit is one box test.
  void offer_row(const double* row, uint32_t id) {
    std::copy(row, row + t_.dims, padded_row_.begin());
    id_ = id;
    uint32_t* stack = stack_.data();  // the node being visited, one pending sibling per level
    size_t depth = 0;
    stack[depth++] = 0;
    while (depth > 0) {
      const uint32_t node_id = stack[--depth];
      if (point_box_gap_sq(t_.lo_of(node_id), t_.hi_of(node_id), padded_row_.data(), t_.padded) * scale_ >
          node_bound_[node_id])
        continue;
      const KdNode& node = t_.nodes[node_id];
      if (node.is_leaf()) {
        scan_leaf(node, node_id);
        continue;
      }
      const bool left_first = row[node.dim] <= node.split;
      stack[depth++] = left_first ? node.child + 1 : node.child;
      stack[depth++] = left_first ? node.child : node.child + 1;
    }
  }

  std::vector<TopK>& tops() { return tops_; }

 private:
  // Most rows beat no query of a leaf they reach (after i rows, a row enters a given top k
  // with probability about k / i): the distances are compared with a flat array of the
  // bounds, and only a row that enters some top k touches the TopKs and the node bounds.
  void scan_leaf(const KdNode& node, uint32_t node_id) {
    double sq[kLeafSize + 3];
    bool entered = false;
    for (uint32_t start = node.begin; start < node.end; start += kLeafSize) {
      const uint32_t count = std::min(kLeafSize, node.end - start);
      if (!block_squares_within(coords_.data() + start, stride_, count, padded_row_.data(), t_.dims,
                                query_bound_.data() + start, sq))
        continue;
      entered = true;
      for (uint32_t i = 0; i < count; ++i) {
        if (sq[i] > query_bound_[start + i]) continue;
        tops_[start + i].offer(sq[i], {&id_, 1});
        query_bound_[start + i] = tops_[start + i].bound_sq();
      }
    }
    if (entered) refresh_bounds(node, node_id);
  }

  // The leaf's bound, then its ancestors' up to the first that does not change (bounds only
  // shrink, so an unchanged node leaves every ancestor's maximum unchanged too).
  void refresh_bounds(const KdNode& leaf, uint32_t leaf_id) {
    double bound = 0;
    for (uint32_t p = leaf.begin; p < leaf.end; ++p) bound = std::max(bound, query_bound_[p]);
    if (bound == node_bound_[leaf_id]) return;
    node_bound_[leaf_id] = bound;
    for (uint32_t id = leaf_id; id != 0;) {
      id = parent_[id];
      const uint32_t child = t_.nodes[id].child;
      const double merged = std::max(node_bound_[child], node_bound_[child + 1]);
      if (merged == node_bound_[id]) return;
      node_bound_[id] = merged;
    }
  }

  const KdTree::Layout& t_;
  const std::vector<double>& coords_;     // the queries, column-major in tree order
  const size_t stride_;                   // between coords_'s columns
  const std::vector<uint32_t>& parent_;   // per node
  const double scale_;                    // makes the four-lane gap sum a safe lower bound
  std::vector<TopK> tops_;                // per tree position (= per query)
  std::vector<double> query_bound_;       // per position: tops_[p].bound_sq()
  std::vector<double> node_bound_;        // per node: the largest bound_sq of its queries
  std::vector<double> padded_row_;        // the row, then zeros up to `padded` columns
  std::vector<uint32_t> stack_;           // offer_row's walk
  uint32_t id_ = 0;
};

}  // namespace

KnnResult reverse_search(const RowMatrix& points, std::span<const uint32_t> subset, const Metric& metric,
                         const RowMatrix& queries, int k, int threads, bool distances) {
  KnnResult out;
  out.k = k;
  const size_t q = static_cast<size_t>(queries.rows());
  out.indices.resize(q * static_cast<size_t>(k));
  if (distances) out.distances.resize(out.indices.size());
  if (q == 0) return out;

  // The query tree: the queries are distinct, so each is its own group.
  RowGroups identity;
  identity.first.resize(q);
  std::iota(identity.first.begin(), identity.first.end(), 0u);
  identity.members = identity.first;
  identity.group_of = identity.first;
  identity.offsets.resize(q + 1);
  std::iota(identity.offsets.begin(), identity.offsets.end(), 0u);
  KdTree::Layout tree;
  tree.groups = &identity;
  tree.metric = &metric;
  tree.dims = metric.dims;
  tree.padded = (metric.dims + 3) / 4 * 4;
  tree.points = q;
  tree.source = &queries;
  tree.point_row = identity.first;
  build_kd_tree(tree, 1);
  // Every row is compared with whole leaves of queries: they are copied once, column by column
  // in tree order, so a leaf is a few contiguous runs (the queries are few).
  // Children come after their parents, so one forward pass gives parents and depths.
  std::vector<uint32_t> parent(tree.nodes.size(), 0), depth_of(tree.nodes.size(), 0);
  uint32_t depth = 0;
  for (uint32_t id = 0; id < tree.nodes.size(); ++id) {
    depth = std::max(depth, depth_of[id]);
    if (tree.nodes[id].is_leaf()) continue;
    const uint32_t child = tree.nodes[id].child;
    parent[child] = parent[child + 1] = id;
    depth_of[child] = depth_of[child + 1] = depth_of[id] + 1;
  }
  const size_t stride = column_stride(tree);
  std::vector<double> coords(stride * static_cast<size_t>(tree.dims), 0.0);
  for (size_t p = 0; p < q; ++p)
    for (size_t c = 0; c < static_cast<size_t>(tree.dims); ++c) coords[c * stride + p] = tree.point(p)[c];

  const auto n = static_cast<uint32_t>(subset.empty() ? static_cast<size_t>(points.rows()) : subset.size());
  const uint32_t blocks = (n + kBlockRows - 1) / kBlockRows;
  const std::vector<uint32_t> order = scrambled_blocks(blocks);
  const int team = std::max(1, std::min(threads, static_cast<int>(blocks)));
  std::vector<ReverseScanner> scanners;
  scanners.reserve(static_cast<size_t>(team));
  for (int t = 0; t < team; ++t) scanners.emplace_back(tree, coords, parent, depth, k);
#pragma omp parallel num_threads(team)
  {
    ReverseScanner& scanner = scanners[static_cast<size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 8)
    for (uint32_t b = 0; b < blocks; ++b) {
      const uint32_t first = order[b] * kBlockRows, last = std::min(n, first + kBlockRows);
      for (uint32_t r = first; r < last; ++r)
        scanner.offer_row(points.row(subset.empty() ? r : subset[r]).data(), r);
    }
  }

  std::vector<TopK>& merged = scanners[0].tops();
  for (size_t t = 1; t < scanners.size(); ++t)
    for (size_t p = 0; p < q; ++p) merged[p].absorb(scanners[t].tops()[p]);
  for (size_t p = 0; p < q; ++p) {
    const size_t query = tree.group_at[p];
    merged[p].drain(out.indices.data() + query * static_cast<size_t>(k), distances_of(out, query));
  }
  return out;
}

}  // namespace fraudkit::knn_detail
