#pragma once
// Gradient histograms and split search for histogram-based boosted trees (XGBoost's "hist"
// method, second-order): a node's rows are summarised per feature and bin as (sum of gradients,
// sum of hessians, row count), and the best split is read off those sums.
//
// Split gain (XGBoost's, without the 1/2 and gamma that only shift it):
//   gain = G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda)
// A split "feature f, bin b" sends value bins 0..b left and the others right; the missing bin
// goes to the side that gains more (its learned default direction). b may be the last value
// bin when some values are missing: every value left, the missing ones right. Candidates where a side has
// fewer than min_samples_leaf rows or less than min_child_weight hessian are skipped.
// Internal to the tree models (src/models); not part of the public API.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace fraudkit::models {

// Rows a histogram or partition pass prefetches ahead: a node's rows are scattered through
// the data (7 MB of bins on a 1M-row set), and a pass otherwise waits on each row's bins
// (boosting fit on 1M rows: -11% with both passes prefetching; 32 measured best of 16/32/64).
inline constexpr size_t kPrefetchRows = 32;

struct BinStats {
  double gradient = 0;
  double hessian = 0;
  uint32_t count = 0;
};

// One node's histograms: per feature, its value bins and then one bin for the missing values.
// Features that use few bins (binary flags, small counts) get only those: the histogram of
// campaign.csv's 62 features shrinks to a few thousand bins, and so do the zeroing, the
// subtraction and the split search.
class SparseBins;

class NodeHistogram {
 public:
  // value_bins: per feature, how many value bins it uses (FeatureBinning: thresholds(f).size()
  // + 1); empty = max_bins for every feature. Bin codes follow FeatureBinning: 0.. for values,
  // max_bins for missing, stored in the feature's last slot.
  // counts: keep the row count per bin. Only min_samples_leaf > 1 or min_child_weight 0 need
  // it (see needs_counts); leaving it out makes each row's update one 16-byte add per feature.
  NodeHistogram(int features, int max_bins, bool counts = true, std::span<const int> value_bins = {});

  // Sums the rows `rows` of a binned matrix, row-major (bins[r * features + f]): each row's
  // bins are read together and its gradient and hessian once. Large nodes are summed in fixed
  // blocks of rows on up to `threads` threads, then the blocks are added in order, so the result
  // does not depend on the thread count. `active`: one flag per feature (empty = all);
  // an inactive feature (column subsampling) is left empty and never split on.
  // `sparse` (optional, built from the same bins for this histogram's shape): read each row's
  // cells outside the features' most frequent bins only, and fill those bins from the node's
  // totals. Not used with an `active` mask.
  void build(std::span<const uint8_t> bins, std::span<const double> gradients, std::span<const double> hessians,
             std::span<const uint32_t> rows, int threads, std::span<const uint8_t> active = {},
             const SparseBins* sparse = nullptr);
  // This := parent - sibling (the sibling-subtraction trick: only the smaller child is built).
  void subtract(const NodeHistogram& parent, const NodeHistogram& sibling);

  int features() const { return features_; }
  int max_bins() const { return max_bins_; }
  // Feature f's value bins, then its missing bin (the last entry).
  std::span<const BinStats> feature(int f) const {
    const auto i = static_cast<size_t>(f);
    return {stats_.data() + offset_[i], static_cast<size_t>(slots_[i])};
  }
  bool active(int f) const { return active_.empty() || active_[static_cast<size_t>(f)]; }
  bool counted() const { return counts_; }
  // Same layout (features, bins per feature, counts): a histogram can be reused for another node.
  bool same_shape(const NodeHistogram& other) const {
    return counts_ == other.counts_ && max_bins_ == other.max_bins_ && slots_ == other.slots_;
  }
  // Sums over every bin of the first active feature (any active feature gives the node's totals).
  BinStats totals() const;
  // Where feature f's bin code (0.. values, max_bins = missing) sits in the histogram.
  size_t slot_of(int f, uint8_t code) const {
    const auto i = static_cast<size_t>(f);
    return offset_[i] + (code == max_bins_ ? slots_[i] - 1 : code);
  }

 private:
  int features_, max_bins_;
  bool counts_;
  std::vector<uint32_t> slots_;   // per feature: value bins + 1
  std::vector<size_t> offset_;    // per feature: its first bin in stats_
  std::vector<uint8_t> active_;    // empty = every feature
  std::vector<BinStats> partial_;  // per-block sums of large nodes (kept to reuse the memory)
  std::vector<BinStats> stats_;
};

// Row-major bins with each feature's most frequent bin left out (LightGBM's "most frequent
// bin" trick): per row, the histogram slots of its other cells. One-hot and flag columns sit
// mostly in one bin, so a histogram pass reads a fraction of the cells; the left-out bins are
// the node's totals minus the rest. make() returns null when under half the cells would be
// left out (dense continuous data gains nothing from the indirection).
class SparseBins {
 public:
  static std::unique_ptr<SparseBins> make(std::span<const uint8_t> bins, size_t rows, const NodeHistogram& shape);
  std::span<const uint32_t> cells(uint32_t r) const { return {slot_.data() + start_[r], start_[r + 1] - start_[r]}; }
  // Per feature, the slot of its left-out bin.
  const std::vector<uint32_t>& skipped() const { return skipped_; }

 private:
  std::vector<size_t> start_;   // rows + 1
  std::vector<uint32_t> slot_;  // the kept cells' histogram slots, row by row
  std::vector<uint32_t> skipped_;
};

struct SplitParams {
  double lambda = 1.0;            // L2 penalty on leaf values
  double min_child_weight = 1.0;  // least hessian sum in each child
  uint32_t min_samples_leaf = 1;  // fewest rows in each child
  // Per feature, 1 = its bins are category codes (empty = every feature numeric). Categorical
  // features are split XGBoost 1.7's way: with fewer than max_cat_to_onehot categories, one
  // category against the rest; otherwise the categories sorted by their leaf value
  // -G / (H + lambda) (0 under min_child_weight) and cut into a prefix and a suffix, scanned
  // from both ends up to max_cat_threshold categories deep. The missing values go with the
  // rest (one-vs-rest), or with the far end of the scan.
  std::span<const uint8_t> categorical;
  int max_cat_to_onehot = 4;
  int max_cat_threshold = 64;
  bool is_categorical(int f) const { return !categorical.empty() && categorical[static_cast<size_t>(f)]; }
};
// Whether the split checks need row counts. Without them a side is valid when its hessian sum
// reaches min_child_weight > 0, which an empty side (hessian 0) never does.
inline bool needs_counts(const SplitParams& p) { return p.min_samples_leaf > 1 || !(p.min_child_weight > 0); }

// A set of category codes 0..255: the left side of a categorical split.
class CategorySet {
 public:
  void insert(uint32_t code) { bits_[code / 64] |= uint64_t{1} << (code % 64); }
  bool contains(uint32_t code) const { return code < 256 && (bits_[code / 64] >> (code % 64) & 1); }
  // The words up to the last non-zero one, at least one (TreeNode::left_categories).
  std::vector<uint64_t> words() const {
    size_t n = bits_.size();
    while (n > 1 && bits_[n - 1] == 0) --n;
    return {bits_.begin(), bits_.begin() + static_cast<std::ptrdiff_t>(n)};
  }

 private:
  std::array<uint64_t, 4> bits_{};
};

struct SplitCandidate {
  int feature = -1;          // -1: no valid split
  int bin = 0;               // numeric: bins 0..bin go left
  bool missing_left = false;  // where the missing bin goes
  double gain = 0;
  BinStats left, right;
  bool categorical = false;  // then left_categories go left, the other categories right
  CategorySet left_categories;
};

// The split of highest gain over every active feature, bin (or category set) and missing
// direction, among those with gain > 0. Ties go to the smaller feature, then the earlier
// candidate: the smaller bin, then missing right; for categories, the scan order above.
SplitCandidate best_split(const NodeHistogram& histogram, const SplitParams& params);

// The gain of a split into sums `left` and `right` (of a node with sums left + right).
double split_gain(const BinStats& left, const BinStats& right, double lambda);

}  // namespace fraudkit::models
