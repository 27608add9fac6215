#pragma once
// The scoring form of a tree ensemble (boosting, random forest, isolation forest): every
// tree's nodes in one flat array of 16-byte nodes with each node's two children side by side.
// A leaf points to itself whatever the value, so a walk can run a fixed number of steps, the
// tree's depth, with no branch on the data: many walks then proceed side by side and the
// processor overlaps their memory loads instead of stalling on one walk's mispredicted
// branches. A leaf reads a sentinel column holding -inf (one past the features the splits
// read), which is <= anything, so it stays; its threshold field holds the leaf value, read
// from the cache line the walk has just loaded (a separate array of values was a cache miss
// per row and tree: 8% of a deep forest's scoring).
// - A batch is scored in blocks of rows copied to row-major order, with the sentinel; each
//   tree is walked by the block's rows while its nodes are in cache: together, without
//   branches, for as many steps as 75% of the training rows needed, then the rows not yet in a
//   leaf as a list that is compacted (without branches) after every step.
//   Block size: 256 rows for trees that fit in the first-level cache, otherwise as many rows
//   (up to 4096) as fit in 1 MB, so a large tree comes from memory once per many rows
//   (random forests grown until pure: -30 to -40% on campaign and a 1M-row set; the same on
//   small trees was up to 30% slower).
// - A single row walks 16 trees together, the same number of steps together, then each
//   tree on to its leaf.
// The sum per row is start + scale * leaf_1 + scale * leaf_2 + ... in tree order, the same
// operations as a plain loop over the trees, so scores do not change with the packing, the
// block size or the thread count.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "models/histogram_tree.h"

namespace fraudkit::models {

class PackedTrees {
 public:
  PackedTrees() = default;
  explicit PackedTrees(std::span<const HistogramTree> trees);

  // out[r] = start + sum over trees of scale * leaf value, for every row of X (NaN = missing).
  Eigen::VectorXd accumulate(const Eigen::MatrixXd& X, double start, double scale, int threads) const {
    return categorical_ ? accumulate_rows<true>(X, start, scale, threads) : accumulate_rows<false>(X, start, scale, threads);
  }
  // The same for one row of `features` contiguous values (the serving path; no allocation).
  double accumulate_row(const double* row, double start, double scale) const;
  size_t trees() const { return roots_.size(); }

 private:
  struct Node {
    double threshold;  // value <= threshold goes left; a leaf: its value
    uint32_t feature;  // a leaf: width_, the sentinel column (-inf)
    uint32_t left;     // the left child (right = left + 1); a leaf: itself
  };
  static_assert(sizeof(Node) == 16);
  // A categorical split (TreeNode::left_categories) sets this bit of `feature` and keeps in the
  // bits of `threshold` where its category bitset starts in category_words_ (low 32 bits) and
  // how many words it has (high 32). Ensembles without one score with the plain numeric step.
  static constexpr uint32_t kCategorical = 0x80000000u;

  static bool any_missing(const double* values, size_t n) {
    bool missing = false;
    for (size_t i = 0; i < n; ++i) missing |= std::isnan(values[i]);
    return missing;
  }
  bool category_goes_left(const Node& node, double v) const {
    uint64_t where;
    std::memcpy(&where, &node.threshold, sizeof where);
    const auto first = static_cast<uint32_t>(where), words = static_cast<uint32_t>(where >> 32);
    if (!(v >= 0 && v < 64.0 * words) || v != std::floor(v)) return false;  // not a code of the bitset
    const auto code = static_cast<uint32_t>(v);
    return category_words_[first + code / 64] >> (code % 64) & 1;
  }
  // One step of a walk from node n for a row. Rows without missing values (kWithMissing false,
  // checked per block) need one comparison: the NaN test and the lookup of the node's missing
  // direction were a third of the step's instructions.
  template <bool kWithCategories, bool kWithMissing>
  uint32_t step(uint32_t n, const double* row) const {
    const Node& node = nodes_[n];
    if constexpr (kWithCategories) {
      if (node.feature & kCategorical) {
        const double v = row[node.feature & ~kCategorical];
        const bool left = std::isnan(v) ? missing_left_[n] != 0 : category_goes_left(node, v);
        return node.left + !left;
      }
    }
    const double v = row[node.feature];
    if constexpr (kWithMissing) {
      const uint32_t right = static_cast<uint32_t>(!(v <= node.threshold)) & ~(static_cast<uint32_t>(v != v) & missing_left_[n]);
      return node.left + right;
    } else {
      return node.left + static_cast<uint32_t>(!(v <= node.threshold));
    }
  }
  // A walk from node n to the leaf the row reaches, stopping there.
  template <bool kWithCategories, bool kWithMissing>
  uint32_t walk(uint32_t n, const double* row) const {
    for (;;) {
      if (nodes_[n].left == n) return n;
      n = step<kWithCategories, kWithMissing>(n, row);
    }
  }
  template <bool kWithCategories>
  Eigen::VectorXd accumulate_rows(const Eigen::MatrixXd& X, double start, double scale, int threads) const;
  // Rows `count` of a row-major block (row i at block + i * stride) into sum[i]; `at` and
  // `left_inside` hold count entries each (scratch).
  template <bool kWithCategories, bool kWithMissing>
  void accumulate_block(const double* block, size_t stride, size_t count, double scale, double* sum, uint32_t* at,
                        uint32_t* left_inside) const;
  // `row`: width_ + 1 values, the last the sentinel.
  template <bool kWithCategories, bool kWithMissing>
  double accumulate_one(const double* row, double start, double scale) const;
  // Rows of a batch walked together: see the top of this file.
  size_t block_rows(size_t row_bytes) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> missing_left_;  // per node: 1 = missing values go left (leaves: 1, stay)
  std::vector<uint32_t> roots_;
  std::vector<uint32_t> depths_;  // per tree: steps from the root to its deepest leaf
  std::vector<uint32_t> steps_;   // per tree: steps batch rows take together before walking alone
  std::vector<uint64_t> category_words_;  // the categorical splits' bitsets, one after another
  bool categorical_ = false;              // any categorical split
  size_t width_ = 0;                      // 1 + the largest feature any split reads
  bool large_trees_ = false;              // trees larger than the first-level cache, on average
};

}  // namespace fraudkit::models
