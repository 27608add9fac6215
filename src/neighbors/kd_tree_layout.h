#pragma once
// The k-d tree's data, shared by its builder (kd_tree_build.cc) and its search
// (kd_tree_search.cc). One point per group of equal fitted rows, in tree order (a node is a run
// of positions); every node keeps its tight bounding box and its smallest fitted row.
#include <cstdint>
#include <vector>

#include "neighbors/knn_detail.h"

namespace fraudkit::knn_detail {

// Leaves hold at most this many points (measured on cover / http / 1M x 10: 32 beats 16 and 64;
// see bench/knn_bench.cc).
inline constexpr uint32_t kLeafSize = 32;

struct KdNode {
  uint32_t begin = 0, end = 0;  // positions in tree order
  uint32_t child = 0;           // left child; the right one is child + 1; 0 = leaf
  uint32_t min_row = 0;         // smallest fitted row in the node
  int dim = 0;                  // split dimension (internal nodes)
  double split = 0;             // points with value <= split in `dim` are in the left child
  bool is_leaf() const { return child == 0; }
};

struct KdTree::Layout {
  const RowGroups* groups = nullptr;
  const Metric* metric = nullptr;
  // The matrix holding the fitted rows. The tree keeps no copy of the coordinates (a copy
  // would double the memory of a search over SMOTE's output); a leaf's points are read from
  // here when a search reaches it.
  const RowMatrix* source = nullptr;
  int dims = 0;
  int padded = 0;  // dims rounded up to a multiple of 4 (the box bound works in 4 lanes)
  size_t points = 0;
  // Per position: the source row of its point. Derivable from `rows` and the fit's row list,
  // kept because every leaf gather reads it (one load instead of three).
  std::vector<uint32_t> point_row;
  std::vector<uint32_t> group_at;   // the group at each position
  // The fitted rows of each position's group, in tree order (so a leaf's are contiguous):
  // rows[row_offsets[p] .. row_offsets[p + 1]) ascending.
  std::vector<uint32_t> row_offsets, rows;
  std::vector<KdNode> nodes;       // nodes[0] is the root; children come after their parent
  // Per node: `padded` lower ends, then `padded` upper ends; padding columns span -inf..+inf.
  std::vector<double> boxes;

  const double* point(size_t position) const { return source->row(point_row[position]).data(); }
  const double* lo_of(uint32_t node) const { return boxes.data() + static_cast<size_t>(node) * 2 * padded; }
  const double* hi_of(uint32_t node) const { return lo_of(node) + padded; }
  std::span<const uint32_t> rows_at(size_t position) const {
    return {rows.data() + row_offsets[position], row_offsets[position + 1] - row_offsets[position]};
  }
};

// Builds `layout` (groups, metric, source, dims, padded and points set; point_row[g] = the
// source row of group g on entry, per position on exit).
void build_kd_tree(KdTree::Layout& layout, int threads);

}  // namespace fraudkit::knn_detail
