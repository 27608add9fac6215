#pragma once
// Gradient histograms and split search for histogram-based boosted trees (XGBoost's "hist"
// method, second-order): a node's rows are summarised per feature and bin as (sum of gradients,
// sum of hessians, row count), and the best split is read off those sums.
//
// Split gain (XGBoost's, without the 1/2 and gamma that only shift it):
//   gain = G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda)
// A split "feature f, bin b" sends bins 0..b left and b+1..max_bins-1 right; the missing bin
// goes to the side that gains more (its learned default direction). Candidates where a side has
// fewer than min_samples_leaf rows or less than min_child_weight hessian are skipped.
// Internal to the tree models (src/models); not part of the public API.
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace fraudkit::models {

struct BinStats {
  double gradient = 0;
  double hessian = 0;
  uint32_t count = 0;
};

// One node's histograms: features x (max_bins + 1) bins, the last bin of each feature holding
// the missing values.
class NodeHistogram {
 public:
  NodeHistogram(int features, int max_bins);

  // Sums the rows `rows` of a binned matrix (column-major: bins[f * total_rows + r]).
  // Features are summed in parallel on up to `threads` threads. `active`: one flag per feature
  // (empty = all); an inactive feature (column subsampling) is left empty and never split on.
  void build(std::span<const uint8_t> bins, size_t total_rows, std::span<const double> gradients,
             std::span<const double> hessians, std::span<const uint32_t> rows, int threads,
             std::span<const uint8_t> active = {});
  // This := parent - sibling (the sibling-subtraction trick: only the smaller child is built).
  void subtract(const NodeHistogram& parent, const NodeHistogram& sibling);

  int features() const { return features_; }
  int max_bins() const { return max_bins_; }
  std::span<const BinStats> feature(int f) const {
    return {stats_.data() + static_cast<size_t>(f) * bins_per_feature(), bins_per_feature()};
  }
  bool active(int f) const { return active_.empty() || active_[static_cast<size_t>(f)]; }
  // Sums over every bin of the first active feature (any active feature gives the node's totals).
  BinStats totals() const;

 private:
  size_t bins_per_feature() const { return static_cast<size_t>(max_bins_) + 1; }
  int features_, max_bins_;
  std::vector<uint8_t> active_;  // empty = every feature
  std::vector<BinStats> stats_;
};

struct SplitParams {
  double lambda = 1.0;            // L2 penalty on leaf values
  double min_child_weight = 1.0;  // least hessian sum in each child
  uint32_t min_samples_leaf = 1;  // fewest rows in each child
};

struct SplitCandidate {
  int feature = -1;          // -1: no valid split
  int bin = 0;               // bins 0..bin go left
  bool missing_left = false;  // where the missing bin goes
  double gain = 0;
  BinStats left, right;
};

// The split of highest gain over every active feature, bin and missing direction, among those with
// gain > 0. Ties go to the smaller feature, then the smaller bin, then missing right.
SplitCandidate best_split(const NodeHistogram& histogram, const SplitParams& params);

// Replaces `best` by the best split of one feature's histogram (max_bins + 1 bins, the last
// missing) when that gains more. `total`: the node's sums. The building block of best_split,
// and of growers that build one feature's histogram at a time (random forest). A caller that
// knows the value bins below first_bin and above last_bin are empty passes them to skip those
// bins: the candidates left are the same.
void improve_split(std::span<const BinStats> bins, int feature, const BinStats& total, const SplitParams& params,
                   SplitCandidate& best, int first_bin = 0, int last_bin = std::numeric_limits<int>::max());

// The gain of a split into sums `left` and `right` (of a node with sums left + right).
double split_gain(const BinStats& left, const BinStats& right, double lambda);

}  // namespace fraudkit::models
