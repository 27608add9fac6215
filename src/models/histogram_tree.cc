// Leaf-wise growth of one histogram tree (histogram_tree.h).
#include "models/histogram_tree.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "common/uninitialized_vector.h"
#include "fraudkit/error.h"

namespace fraudkit::models {
namespace {

// A leaf that may still be split: its rows, histogram and best split.
struct OpenLeaf {
  int node = 0;
  int depth = 0;
  UninitializedVector<uint32_t> rows;
  std::unique_ptr<NodeHistogram> histogram;
  SplitCandidate split;
};

double leaf_value(const BinStats& s, double lambda) { return -s.gradient / (s.hessian + lambda); }

// Splits `rows` into the rows going left and right, each in their original order. Large nodes
// are split in fixed blocks on up to `threads` threads (count, then place), which gives the
// same order as one pass. `touch(r)` prefetches what goes_left(r) reads.
template <class GoesLeft, class Touch>
void partition_rows(std::span<const uint32_t> rows, UninitializedVector<uint32_t>& left,
                    UninitializedVector<uint32_t>& right, int threads, GoesLeft goes_left, Touch touch) {
  // Raw pointers and by-value functors: with the byte stores to `side`, which may alias
  // anything, the compiler otherwise reloads every pointer and the node's fields each row.
  const uint32_t* in = rows.data();
  const size_t n = rows.size();
  constexpr size_t kBlock = 2048;
  const size_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks < 4 || threads <= 1) {
    left.resize(n);  // uninitialised; cut to size below
    right.resize(n);
    uint32_t *l = left.data(), *r = right.data();
    size_t lefts = 0, rights = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i + kPrefetchRows < n) touch(in[i + kPrefetchRows]);
      const uint32_t row = in[i];
      if (goes_left(row)) l[lefts++] = row;
      else r[rights++] = row;
    }
    left.resize(lefts);
    right.resize(rights);
    return;
  }
  UninitializedVector<uint8_t> side_buffer(n);
  uint8_t* side = side_buffer.data();
  std::vector<size_t> lefts(blocks + 1, 0);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t b = 0; b < blocks; ++b) {
    size_t count = 0;
    const size_t end = std::min(n, (b + 1) * kBlock);
    for (size_t i = b * kBlock; i < end; ++i) {
      if (i + kPrefetchRows < end) touch(in[i + kPrefetchRows]);
      const bool goes = goes_left(in[i]);
      side[i] = goes;
      count += goes;
    }
    lefts[b + 1] = count;
  }
  for (size_t b = 0; b < blocks; ++b) lefts[b + 1] += lefts[b];
  left.resize(lefts[blocks]);
  right.resize(n - lefts[blocks]);
  uint32_t *l = left.data(), *r = right.data();
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t b = 0; b < blocks; ++b) {
    size_t at_left = lefts[b], at_right = b * kBlock - lefts[b];
    const size_t end = std::min(n, (b + 1) * kBlock);
    for (size_t i = b * kBlock; i < end; ++i) (side[i] ? l[at_left++] : r[at_right++]) = in[i];
  }
}

}  // namespace

NodeHistogram histogram_shape(const BinnedRows& data, const FeatureBinning& binning, const SplitParams& split) {
  std::vector<int> value_bins(static_cast<size_t>(data.features));
  for (int f = 0; f < data.features; ++f) value_bins[static_cast<size_t>(f)] = static_cast<int>(binning.thresholds(f).size()) + 1;
  return NodeHistogram(data.features, data.max_bins, needs_counts(split), value_bins);
}

HistogramTree HistogramTree::grow(const BinnedRows& data, std::span<const uint32_t> rows, const FeatureBinning& binning,
                                  const TreeParams& params, int threads, std::span<const uint8_t> active,
                                  GrowScratch* scratch, std::span<int32_t> leaf_of_row) {
  if (params.max_leaves < 2) throw UsageError("tree: max_leaves must be at least 2, got " + std::to_string(params.max_leaves));
  if (params.max_depth < 0) throw UsageError("tree: max_depth must be 0 (no limit) or positive");
  if (binning.columns() != data.features || binning.max_bins() != data.max_bins)
    throw Error(ErrorKind::kInternal, "tree: the binning does not match the binned data");
  const double lambda = params.split.lambda;
  const auto depth_allows = [&](int depth) { return params.max_depth == 0 || depth < params.max_depth; };
  // Histograms are recycled: a fresh one per node costs page faults on every split.
  const NodeHistogram shape = histogram_shape(data, binning, params.split);
  GrowScratch local;
  std::vector<std::unique_ptr<NodeHistogram>>& spare = (scratch ? *scratch : local).spare;
  const auto blank = [&] {
    while (!spare.empty() && !spare.back()->same_shape(shape)) spare.pop_back();  // not reusable
    if (spare.empty()) return std::make_unique<NodeHistogram>(shape);
    std::unique_ptr<NodeHistogram> h = std::move(spare.back());
    spare.pop_back();
    return h;
  };
  const auto settle = [&](const OpenLeaf& leaf) {  // a leaf that will not be split further
    if (leaf_of_row.empty()) return;
    const size_t n = leaf.rows.size();
    // In parallel for large leaves: one thread waiting here was a few % of a 1M-row fit.
#pragma omp parallel for schedule(static) num_threads(threads) if (n > 65536)
    for (size_t i = 0; i < n; ++i) leaf_of_row[leaf.rows[i]] = leaf.node;
  };
  const auto histogram_of = [&](std::span<const uint32_t> leaf_rows) {
    std::unique_ptr<NodeHistogram> h = blank();
    h->build(data.bins, data.gradients, data.hessians, leaf_rows, threads, active, data.sparse);
    return h;
  };

  HistogramTree tree;
  std::vector<OpenLeaf> open;
  {
    OpenLeaf root;
    root.rows.assign(rows.begin(), rows.end());
    root.histogram = histogram_of(root.rows);
    const BinStats totals = root.histogram->totals();
    tree.nodes_.push_back({.value = leaf_value(totals, lambda), .rows = static_cast<uint32_t>(rows.size()),
                           .cover = totals.hessian});
    root.split = depth_allows(0) ? best_split(*root.histogram, params.split) : SplitCandidate{};
    open.push_back(std::move(root));
  }
  int leaves = 1;
  while (leaves < params.max_leaves) {
    // The open leaf of highest gain; ties go to the earlier node.
    int pick = -1;
    for (size_t i = 0; i < open.size(); ++i)
      if (open[i].split.feature >= 0 && (pick < 0 || open[i].split.gain > open[static_cast<size_t>(pick)].split.gain))
        pick = static_cast<int>(i);
    if (pick < 0) break;
    OpenLeaf parent = std::move(open[static_cast<size_t>(pick)]);
    open.erase(open.begin() + pick);
    const SplitCandidate& s = parent.split;

    UninitializedVector<uint32_t> left_rows, right_rows;
    const uint8_t* column = data.bins.data() + s.feature;
    const auto stride = static_cast<size_t>(data.features);
    const auto missing = static_cast<uint8_t>(data.max_bins);
    TreeNode& node = tree.nodes_[static_cast<size_t>(parent.node)];
    node.feature = s.feature;
    node.bin = static_cast<uint8_t>(s.bin);
    node.missing_left = s.missing_left;
    if (s.categorical) {
      node.left_categories = s.left_categories.words();
      node.threshold = std::numeric_limits<double>::infinity();  // unused
    } else {
      const std::vector<double>& t = binning.thresholds(s.feature);
      node.threshold = static_cast<size_t>(s.bin) < t.size() ? t[static_cast<size_t>(s.bin)]
                                                             : std::numeric_limits<double>::infinity();  // all values left
    }
    const auto touch = [column, stride](uint32_t r) { __builtin_prefetch(column + r * stride); };
    if (node.categorical()) {
      partition_rows(parent.rows, left_rows, right_rows, threads,
                     [&, &node = std::as_const(node)](uint32_t r) { return node.bin_goes_left(column[r * stride], missing); },
                     touch);
    } else {  // the numeric test, its values copied
      const uint8_t bin = node.bin;
      const bool missing_left = node.missing_left;
      partition_rows(parent.rows, left_rows, right_rows, threads,
                     [column, stride, missing, bin, missing_left](uint32_t r) {
                       const uint8_t b = column[r * stride];
                       return b == missing ? missing_left : b <= bin;
                     },
                     touch);
    }
    node.gain = s.gain;
    node.left = static_cast<int>(tree.nodes_.size());
    node.right = node.left + 1;
    const int left_id = node.left;
    tree.nodes_.push_back({.value = leaf_value(s.left, lambda), .rows = static_cast<uint32_t>(left_rows.size()),
                           .cover = s.left.hessian});
    tree.nodes_.push_back({.value = leaf_value(s.right, lambda), .rows = static_cast<uint32_t>(right_rows.size()),
                           .cover = s.right.hessian});
    ++leaves;

    // Histograms: the smaller child is summed, the larger is the parent minus it.
    const bool left_smaller = left_rows.size() <= right_rows.size();
    std::unique_ptr<NodeHistogram> small = histogram_of(left_smaller ? left_rows : right_rows);
    std::unique_ptr<NodeHistogram> large = blank();
    large->subtract(*parent.histogram, *small);
    spare.push_back(std::move(parent.histogram));
    OpenLeaf left{left_id, parent.depth + 1, std::move(left_rows), left_smaller ? std::move(small) : std::move(large), {}};
    OpenLeaf right{left_id + 1, parent.depth + 1, std::move(right_rows), left_smaller ? std::move(large) : std::move(small), {}};
    for (OpenLeaf* child : {&left, &right}) {
      if (depth_allows(child->depth)) child->split = best_split(*child->histogram, params.split);
      if (child->split.feature < 0) {  // a final leaf: nothing left to split, recycle its memory
        settle(*child);
        spare.push_back(std::move(child->histogram));
        continue;
      }
      open.push_back(std::move(*child));
    }
  }
  for (OpenLeaf& leaf : open) {
    settle(leaf);
    spare.push_back(std::move(leaf.histogram));  // for the next tree
  }
  return tree;
}

HistogramTree HistogramTree::from_nodes(std::vector<TreeNode> nodes, int features) {
  const auto bad = [](const std::string& what) { return ArtifactError("saved tree is invalid: " + what); };
  if (nodes.empty()) throw bad("a tree needs at least one node");
  std::vector<uint8_t> reached(nodes.size(), 0);
  for (size_t id = 0; id < nodes.size(); ++id) {
    const TreeNode& n = nodes[id];
    if (n.feature < 0) continue;
    if (n.feature >= features)
      throw bad("node " + std::to_string(id) + " splits on feature " + std::to_string(n.feature) + " of " +
                std::to_string(features));
    for (const int child : {n.left, n.right}) {
      if (child <= static_cast<int>(id) || child >= static_cast<int>(nodes.size()) || reached[static_cast<size_t>(child)]++)
        throw bad("node " + std::to_string(id) + " has child " + std::to_string(child) +
                  "; expected an unused later node below " + std::to_string(nodes.size()));
    }
  }
  for (size_t id = 1; id < nodes.size(); ++id)
    if (!reached[id]) throw bad("node " + std::to_string(id) + " is not reachable from the root");
  HistogramTree tree;
  tree.nodes_ = std::move(nodes);
  return tree;
}

int HistogramTree::leaves() const {
  int n = 0;
  for (const TreeNode& node : nodes_) n += node.feature < 0;
  return n;
}

double HistogramTree::predict(const double* row, size_t stride) const {
  int id = 0;
  while (nodes_[static_cast<size_t>(id)].feature >= 0) {
    const TreeNode& n = nodes_[static_cast<size_t>(id)];
    id = n.goes_left(row[static_cast<size_t>(n.feature) * stride]) ? n.left : n.right;
  }
  return nodes_[static_cast<size_t>(id)].value;
}

double HistogramTree::predict_binned(const BinnedRows& data, size_t r) const {
  int id = 0;
  const auto missing = static_cast<uint8_t>(data.max_bins);
  while (nodes_[static_cast<size_t>(id)].feature >= 0) {
    const TreeNode& n = nodes_[static_cast<size_t>(id)];
    const uint8_t b = data.bins[r * static_cast<size_t>(data.features) + static_cast<size_t>(n.feature)];
    id = n.bin_goes_left(b, missing) ? n.left : n.right;
  }
  return nodes_[static_cast<size_t>(id)].value;
}

}  // namespace fraudkit::models
