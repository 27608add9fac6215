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
// from block_squares, exact_sq's bits. Which thread takes which block does not matter.
#include <omp.h>

#include <algorithm>
#include <limits>
#include <numeric>

#include "neighbors/kd_tree_layout.h"

namespace fraudkit::knn_detail {
namespace {

constexpr uint32_t kBlockRows = 256;

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
  // `coords`: the queries' coordinates column-major in tree order (tree.points per column).
  ReverseScanner(const KdTree::Layout& tree, const std::vector<double>& coords, int k)
      : t_(tree),
        coords_(coords),
        scale_(1 - (2.0 * tree.dims + 2) * std::numeric_limits<double>::epsilon()),
        tops_(tree.points, TopK(k)),
        node_bound_(tree.nodes.size(), std::numeric_limits<double>::infinity()),
        padded_row_(static_cast<size_t>(tree.padded), 0.0) {}

  void offer_row(const double* row, uint32_t id) {
    row_ = row;
    std::copy(row, row + t_.dims, padded_row_.begin());
    id_ = id;
    visit(0);
  }

  std::vector<TopK>& tops() { return tops_; }

 private:
  void visit(uint32_t node_id) {
    const KdNode& node = t_.nodes[node_id];
    if (point_box_gap_sq(t_.lo_of(node_id), t_.hi_of(node_id), padded_row_.data(), t_.padded) * scale_ >
        node_bound_[node_id])
      return;
    if (node.is_leaf()) {
      scan_leaf(node, node_id);
      return;
    }
    // Nearer child first: it is the likelier to shrink the bounds the farther one is tested on.
    const bool left_first = row_[node.dim] <= node.split;
    visit(left_first ? node.child : node.child + 1);
    visit(left_first ? node.child + 1 : node.child);
    node_bound_[node_id] = std::max(node_bound_[node.child], node_bound_[node.child + 1]);
  }

  void scan_leaf(const KdNode& node, uint32_t node_id) {
    double sq[kLeafSize];
    double bound = 0;
    for (uint32_t start = node.begin; start < node.end; start += kLeafSize) {
      const uint32_t count = std::min(kLeafSize, node.end - start);
      block_squares(coords_.data() + start, t_.points, count, row_, t_.dims, sq);
      for (uint32_t i = 0; i < count; ++i) {
        TopK& top = tops_[start + i];
        if (sq[i] <= top.bound_sq()) top.offer(sq[i], {&id_, 1});
        bound = std::max(bound, top.bound_sq());
      }
    }
    node_bound_[node_id] = bound;
  }

  const KdTree::Layout& t_;
  const std::vector<double>& coords_;  // the queries, column-major in tree order
  const double scale_;                 // makes the four-lane gap sum a safe lower bound
  std::vector<TopK> tops_;          // per tree position (= per query)
  std::vector<double> node_bound_;  // per node: the largest bound_sq of its queries
  std::vector<double> padded_row_;  // the row, then zeros up to `padded` columns
  const double* row_ = nullptr;
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
  std::vector<double> coords(q * static_cast<size_t>(tree.dims));
  for (size_t p = 0; p < q; ++p)
    for (size_t c = 0; c < static_cast<size_t>(tree.dims); ++c) coords[c * q + p] = tree.point(p)[c];

  const auto n = static_cast<uint32_t>(subset.empty() ? static_cast<size_t>(points.rows()) : subset.size());
  const uint32_t blocks = (n + kBlockRows - 1) / kBlockRows;
  const std::vector<uint32_t> order = scrambled_blocks(blocks);
  const int team = std::max(1, std::min(threads, static_cast<int>(blocks)));
  std::vector<ReverseScanner> scanners;
  scanners.reserve(static_cast<size_t>(team));
  for (int t = 0; t < team; ++t) scanners.emplace_back(tree, coords, k);
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
