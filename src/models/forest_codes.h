#pragma once
// The training features of a random forest as ordered integer codes per column, so a split
// search compares small integers and knows each value's rank without sorting floating point:
// - exact: code k is the column's k-th smallest distinct value; a split between the codes a < b
//   present in a node gets scikit-learn's threshold (v_a + v_b) / 2 (v_a when the midpoint
//   rounds up to v_b);
// - histogram: codes are FeatureBinning's bins (up to 255 per column, scikit-learn's
//   _BinMapper edges); a split after bin a gets the edge threshold t_a. Fewer candidates,
//   faster on large data, but coarse where a few rare rows sit among many distinct values.
// NaN gets the code `missing()` in either form.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace fraudkit::models {

class ForestCodes {
 public:
  // max_bins is used only when `exact` is false. Throws DataError for an infinite value.
  static ForestCodes fit(const Eigen::MatrixXd& X, bool exact, int max_bins, int threads);

  size_t rows() const { return rows_; }
  int features() const { return static_cast<int>(levels_.size()); }
  // Codes of column f, one per row; codes run 0..levels(f)-1, NaN is missing().
  std::span<const uint32_t> column(int f) const {
    return {codes_.data() + static_cast<size_t>(f) * rows_, rows_};
  }
  uint32_t levels(int f) const { return static_cast<uint32_t>(levels_[static_cast<size_t>(f)].size()); }
  // Columns of at most kNarrowLevels codes also as one byte per row (NaN = kNarrowMissing): a
  // split search reads codes at the node's scattered rows, and campaign.csv's 62 columns,
  // mostly one-hot, then fit in 1.8 MB instead of 7.
  static constexpr uint32_t kNarrowLevels = 64;
  static constexpr uint8_t kNarrowMissing = 0xff;
  bool narrow(int f) const { return levels(f) <= kNarrowLevels; }
  std::span<const uint8_t> narrow_column(int f) const {
    return {narrow_.data() + narrow_first_[static_cast<size_t>(f)], rows_};
  }
  uint32_t max_levels() const { return max_levels_; }
  static constexpr uint32_t missing() { return 0xffffffffu; }
  // The raw-value threshold of "codes <= a go left" when b is the next code present.
  double threshold(int f, uint32_t a, uint32_t b) const;

 private:
  bool exact_ = true;
  size_t rows_ = 0;
  uint32_t max_levels_ = 0;
  std::vector<uint32_t> codes_;              // column-major
  std::vector<uint8_t> narrow_;              // the narrow() columns, one after another
  std::vector<size_t> narrow_first_;         // per column: where it starts in narrow_
  std::vector<std::vector<double>> levels_;  // exact: distinct values; histogram: bin edges + inf
};

}  // namespace fraudkit::models
