// The scoring form of a tree ensemble (packed_trees.h).
#include "models/packed_trees.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "fraudkit/error.h"

namespace fraudkit::models {

PackedTrees::PackedTrees(std::span<const HistogramTree> trees) {
  for (const HistogramTree& tree : trees) {
    const std::vector<TreeNode>& in = tree.nodes();
    // Breadth-first copy: a split's children are appended together, so right = left + 1.
    const auto root = static_cast<uint32_t>(nodes_.size());
    roots_.push_back(root);
    uint32_t depth = 0;
    struct Item {
      int id;         // node in `in`
      uint32_t slot;  // its index here
      uint32_t depth;
    };
    std::vector<Item> queue{{0, root, 0}};
    // Training rows of the leaves at each depth (the hessian cover when rows were not kept: a
    // boosting tree's cover sits with the uncertain rows, deep in the tree, and would mislead).
    std::vector<double> rows_at_depth;
    const bool by_rows = in[0].rows > 0;
    nodes_.emplace_back();
    missing_left_.emplace_back();
    for (size_t head = 0; head < queue.size(); ++head) {
      const Item item = queue[head];
      const TreeNode& n = in[static_cast<size_t>(item.id)];
      depth = std::max(depth, item.depth);
      if (n.feature < 0) {  // loops to itself; the sentinel feature is set once width_ is known
        if (rows_at_depth.size() <= item.depth) rows_at_depth.resize(item.depth + 1, 0.0);
        rows_at_depth[item.depth] += by_rows ? n.rows : n.cover;
        nodes_[item.slot] = {n.value, 0, item.slot};
        missing_left_[item.slot] = 1;
        continue;
      }
      const auto left = static_cast<uint32_t>(nodes_.size());
      if (left >= 0x7ffffffeu) throw Error(ErrorKind::kInternal, "packed trees: more than 2^31 nodes");
      nodes_[item.slot] = {n.threshold, static_cast<uint32_t>(n.feature), left};
      missing_left_[item.slot] = n.missing_left ? 1 : 0;
      width_ = std::max(width_, static_cast<size_t>(n.feature) + 1);
      if (n.categorical()) {
        const uint64_t where = (uint64_t{n.left_categories.size()} << 32) | category_words_.size();
        std::memcpy(&nodes_[item.slot].threshold, &where, sizeof where);
        nodes_[item.slot].feature |= kCategorical;
        category_words_.insert(category_words_.end(), n.left_categories.begin(), n.left_categories.end());
        categorical_ = true;
      }
      nodes_.resize(nodes_.size() + 2);
      missing_left_.resize(missing_left_.size() + 2);
      queue.push_back({n.left, left, item.depth + 1});
      queue.push_back({n.right, left + 1, item.depth + 1});
    }
    depths_.push_back(depth);
    // Batch rows take `steps` steps together, without branches or checks, then the rows not yet
    // in a leaf go on as a shrinking list: steps is the depth by which 75% of the training
    // rows have reached their leaf. Stepping all rows to the full depth wastes steps on
    // unbalanced trees (cover.csv: mean path 1.9 steps, depth 9.4); 75% measured 0-16% faster
    // than 90% once the list replaced per-row walks, 50% was mixed.
    const double total = by_rows ? in[0].rows : in[0].cover;
    uint32_t steps = depth;
    double reached = 0;
    for (uint32_t d = 0; d < rows_at_depth.size() && total > 0; ++d) {
      reached += rows_at_depth[d];
      if (reached >= 0.75 * total) {
        steps = d;
        break;
      }
    }
    steps_.push_back(steps);
  }
  if (width_ >= kCategorical) throw Error(ErrorKind::kInternal, "packed trees: too many features");
  for (uint32_t n = 0; n < nodes_.size(); ++n)
    if (nodes_[n].left == n) nodes_[n].feature = static_cast<uint32_t>(width_);
  // About 24 bytes a node in cache (16 for the node, 4 for its missing direction, and the
  // half-used lines around them): above 32 KB a tree no longer fits in the first-level cache.
  large_trees_ = !roots_.empty() && nodes_.size() * 24 / roots_.size() > 32 * 1024;
}

size_t PackedTrees::block_rows(size_t row_bytes) const {
  if (!large_trees_) return 256;
  return std::clamp<size_t>((size_t{1} << 20) / std::max<size_t>(1, row_bytes), 256, 4096);
}

double PackedTrees::accumulate_row(const double* row, double start, double scale) const {
  // The row with the sentinel after it, on the stack for the usual widths (no allocation).
  constexpr size_t kStackWidth = 255;
  double stack[kStackWidth + 1];
  std::vector<double> heap;
  double* copy = stack;
  if (width_ > kStackWidth) {
    heap.resize(width_ + 1);
    copy = heap.data();
  }
  std::copy(row, row + width_, copy);
  copy[width_] = -std::numeric_limits<double>::infinity();
  const bool missing = any_missing(row, width_);
  if (categorical_) return missing ? accumulate_one<true, true>(copy, start, scale) : accumulate_one<true, false>(copy, start, scale);
  return missing ? accumulate_one<false, true>(copy, start, scale) : accumulate_one<false, false>(copy, start, scale);
}

template <bool kWithCategories, bool kWithMissing>
double PackedTrees::accumulate_one(const double* row, double start, double scale) const {
  constexpr size_t kLanes = 16;  // trees walked side by side
  uint32_t at[kLanes];
  double sum = start;
  for (size_t first = 0; first < roots_.size(); first += kLanes) {
    const size_t lanes = std::min(kLanes, roots_.size() - first);
    // As in batches: the steps most rows need, together, then each tree's walk to its leaf.
    uint32_t steps = 0, deepest = 0;
    for (size_t j = 0; j < lanes; ++j) {
      at[j] = roots_[first + j];
      steps = std::max(steps, steps_[first + j]);
      deepest = std::max(deepest, depths_[first + j]);
    }
    for (uint32_t d = 0; d < steps; ++d)
      for (size_t j = 0; j < lanes; ++j) at[j] = step<kWithCategories, kWithMissing>(at[j], row);
    if (steps < deepest)
      for (size_t j = 0; j < lanes; ++j) at[j] = walk<kWithCategories, kWithMissing>(at[j], row);
    for (size_t j = 0; j < lanes; ++j) sum += scale * nodes_[at[j]].threshold;
  }
  return sum;
}

template <bool kWithCategories, bool kWithMissing>
void PackedTrees::accumulate_block(const double* block, size_t stride, size_t count, double scale, double* sum,
                                   uint32_t* at, uint32_t* left_inside) const {
  // left_inside: the rows not yet in a leaf after the common steps (indices into the block).
  for (size_t t = 0; t < roots_.size(); ++t) {
    const uint32_t root = roots_[t], steps = steps_[t];
    const bool deeper = steps < depths_[t];
    size_t inside = 0;
    // One step of every row, without branches on the data. The first starts at the root (no
    // fill of `at`); the last lists the rows that have not reached a leaf (a leaf loops to
    // itself), so no separate pass looks for them (4% on boosting, cover.csv).
    const auto step_rows = [&](auto from_root, auto list) {
      for (size_t i = 0; i < count; ++i) {
        const uint32_t n = step<kWithCategories, kWithMissing>(from_root ? root : at[i], block + i * stride);
        at[i] = n;
        if constexpr (list) {
          left_inside[inside] = static_cast<uint32_t>(i);
          inside += nodes_[n].left != n;
        }
      }
    };
    using Yes = std::true_type;
    using No = std::false_type;
    if (steps == 0) {
      std::fill(at, at + count, root);
      if (deeper)
        for (size_t i = 0; i < count; ++i) left_inside[inside++] = static_cast<uint32_t>(i);
    }
    for (uint32_t d = 0; d < steps; ++d) {
      const bool first = d == 0, list = deeper && d + 1 == steps;
      if (first && list) step_rows(Yes{}, Yes{});
      else if (first) step_rows(Yes{}, No{});
      else if (list) step_rows(No{}, Yes{});
      else step_rows(No{}, No{});
    }
    // The listed rows step on together, the list compacted after every step without a branch.
    // A walk per row mispredicted its exit about once per row; this was 10-15% faster on
    // boosting (cover, campaign), 3-5% on forests.
    while (inside > 0) {
      size_t still = 0;
      for (size_t j = 0; j < inside; ++j) {
        const uint32_t i = left_inside[j];
        const uint32_t n = step<kWithCategories, kWithMissing>(at[i], block + i * stride);
        at[i] = n;
        left_inside[still] = i;
        still += nodes_[n].left != n;
      }
      inside = still;
    }
    for (size_t i = 0; i < count; ++i) sum[i] += scale * nodes_[at[i]].threshold;
  }
}

template <bool kWithCategories>
Eigen::VectorXd PackedTrees::accumulate_rows(const Eigen::MatrixXd& X, double start, double scale, int threads) const {
  const Eigen::Index rows = X.rows();
  if (static_cast<size_t>(X.cols()) < width_)
    throw Error(ErrorKind::kInternal, "packed trees: the trees read more columns than the data has");
  const auto width = static_cast<Eigen::Index>(width_), stride = width + 1;  // the sentinel after each row
  const auto block_size = static_cast<Eigen::Index>(block_rows(static_cast<size_t>(stride) * sizeof(double)));
  Eigen::VectorXd out(rows);
  const Eigen::Index blocks = (rows + block_size - 1) / block_size;
#pragma omp parallel num_threads(std::max(1, threads)) if (rows > 1024)
  {
    const auto n = static_cast<size_t>(block_size);
    std::vector<double> block(n * static_cast<size_t>(stride)), sum(n);
    std::vector<uint32_t> at(n), left_inside(n);
    for (size_t i = 0; i < n; ++i) block[i * static_cast<size_t>(stride) + width_] = -std::numeric_limits<double>::infinity();
#pragma omp for schedule(static)
    for (Eigen::Index b = 0; b < blocks; ++b) {
      const Eigen::Index first = b * block_size, count = std::min(block_size, rows - first);
      bool missing = false;
      for (Eigen::Index f = 0; f < width; ++f)  // to row-major: row i's features at block[i * stride]
        for (Eigen::Index i = 0; i < count; ++i) {
          const double v = X(first + i, f);
          missing |= std::isnan(v);
          block[static_cast<size_t>(i * stride + f)] = v;
        }
      std::fill(sum.begin(), sum.end(), start);
      const auto c = static_cast<size_t>(count), s = static_cast<size_t>(stride);
      if (missing)
        accumulate_block<kWithCategories, true>(block.data(), s, c, scale, sum.data(), at.data(), left_inside.data());
      else
        accumulate_block<kWithCategories, false>(block.data(), s, c, scale, sum.data(), at.data(), left_inside.data());
      for (Eigen::Index i = 0; i < count; ++i) out[first + i] = sum[static_cast<size_t>(i)];
    }
  }
  return out;
}

template Eigen::VectorXd PackedTrees::accumulate_rows<false>(const Eigen::MatrixXd&, double, double, int) const;
template Eigen::VectorXd PackedTrees::accumulate_rows<true>(const Eigen::MatrixXd&, double, double, int) const;
template double PackedTrees::accumulate_one<false, false>(const double*, double, double) const;
template double PackedTrees::accumulate_one<false, true>(const double*, double, double) const;
template double PackedTrees::accumulate_one<true, false>(const double*, double, double) const;
template double PackedTrees::accumulate_one<true, true>(const double*, double, double) const;

}  // namespace fraudkit::models
