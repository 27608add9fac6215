#pragma once
// One regression tree of a histogram gradient-boosting model, grown leaf-wise (LightGBM's and
// XGBoost's "lossguide"): the leaf whose best split gains the most is split next, until
// max_leaves leaves, no split gains, or every splittable leaf is at max_depth. A child's
// histogram is built only for the smaller child; the larger is the parent minus it.
// Leaf values are Newton steps, -G / (H + lambda), not yet scaled by a learning rate.
// Internal to the tree models (src/models); not part of the public API.
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "models/feature_binning.h"
#include "models/gradient_histogram.h"

namespace fraudkit::models {

struct TreeParams {
  int max_leaves = 31;  // 2.. ; the tree stops growing at this many leaves
  int max_depth = 0;    // 0 = no limit; otherwise no leaf deeper than this (the root is depth 0)
  SplitParams split;
};

// The training data as the grower sees it: bins row-major (FeatureBinning::transform_rows), the
// current gradients and hessians per row, and the rows the tree is fitted on.
struct BinnedRows {
  std::span<const uint8_t> bins;  // bins[r * features + f]
  size_t total_rows = 0;
  int features = 0;
  int max_bins = 255;
  std::span<const double> gradients, hessians;
  const SparseBins* sparse = nullptr;  // optional: the same bins without each feature's most frequent one
};

// The histogram layout the grower uses for this data: each feature's value bins (from the
// binning) and a missing slot; row counts only when the split checks need them.
NodeHistogram histogram_shape(const BinnedRows& data, const FeatureBinning& binning, const SplitParams& split);

// A split is numeric (value <= threshold goes left; bins 0..bin) or, when left_categories is
// not empty, categorical: the feature holds category codes 0, 1, ... and the codes whose bit is
// set go left, the others right (codes past the bitset too). Missing values go to the learned
// side either way.
struct TreeNode {
  int feature = -1;  // -1: a leaf
  uint8_t bin = 0;   // bins 0..bin go left
  bool missing_left = false;
  double threshold = 0;  // the same test on raw values: value <= threshold goes left
  int left = -1, right = -1;
  double value = 0;  // leaves: -G / (H + lambda)
  double gain = 0;   // splits: the gain they made
  uint32_t rows = 0;
  double cover = 0;  // the hessian sum of the node's rows (XGBoost's "cover"; TreeSHAP's weights)
  std::vector<uint64_t> left_categories;  // categorical splits: bit c set = code c goes left

  bool categorical() const { return !left_categories.empty(); }
  bool category_goes_left(uint32_t code) const {
    return code / 64 < left_categories.size() && (left_categories[code / 64] >> (code % 64) & 1);
  }
  // The decision for a raw value (NaN = missing). A categorical split reads the value as a code;
  // anything but a code in range goes right.
  bool goes_left(double v) const {
    if (std::isnan(v)) return missing_left;
    if (!categorical()) return v <= threshold;
    return v >= 0 && v < 64.0 * static_cast<double>(left_categories.size()) && v == std::floor(v) &&
           category_goes_left(static_cast<uint32_t>(v));
  }
  // The decision for a bin code; `missing_bin`: the binning's code for missing values. A
  // categorical feature's bin is its category code.
  bool bin_goes_left(uint8_t b, uint8_t missing_bin) const {
    if (b == missing_bin) return missing_left;
    return categorical() ? category_goes_left(b) : b <= bin;
  }
};

// Memory a grower reuses from tree to tree (histograms), so boosting rounds do not pay page
// faults for fresh histograms on every split.
struct GrowScratch {
  std::vector<std::unique_ptr<NodeHistogram>> spare;
};

class HistogramTree {
 public:
  // `thresholds` (the binning) give each split its raw-value threshold. `active`: one flag per
  // feature that may be split on (empty = all), for column subsampling.
  // `leaf_of_row` (empty, or one entry per row of the data): set to the leaf each of `rows`
  // ends in, so the caller can update its predictions without walking the tree again.
  static HistogramTree grow(const BinnedRows& data, std::span<const uint32_t> rows, const FeatureBinning& binning,
                            const TreeParams& params, int threads, std::span<const uint8_t> active = {},
                            GrowScratch* scratch = nullptr, std::span<int32_t> leaf_of_row = {});
  // A tree from saved nodes (an artifact). Throws ArtifactError unless every split names a feature
  // below `features` and two later nodes, and every node but the root is reached exactly once.
  static HistogramTree from_nodes(std::vector<TreeNode> nodes, int features);

  const std::vector<TreeNode>& nodes() const { return nodes_; }
  int leaves() const;
  // The leaf value for one row of raw values (NaN = missing), `stride` apart in memory.
  double predict(const double* row, size_t stride = 1) const;
  // The leaf value for row r of the binned data.
  double predict_binned(const BinnedRows& data, size_t r) const;

 private:
  std::vector<TreeNode> nodes_;  // nodes_[0] is the root
};

}  // namespace fraudkit::models
