#pragma once
// Quantile binning of numeric features for histogram-based trees (gradient boosting, random
// forest): each column's values map to small integer bins, so a split search reads histograms of
// at most max_bins + 1 entries instead of sorted values.
//
// Semantics are scikit-learn 1.2's _BinMapper (HistGradientBoosting) with subsample=None:
// - a column with at most max_bins distinct non-missing values gets a threshold at the midpoint
//   of each pair of consecutive distinct values, (a + b) * 0.5;
// - otherwise the thresholds are numpy's percentile(values, i * 100 / max_bins, "midpoint")
//   for i = 1 .. max_bins - 1, reproduced operation for operation, so they are the same doubles;
// - thresholds above 1e300 are clipped there (scikit-learn's ALMOST_INF);
// - a value v goes to bin i when threshold[i - 1] < v <= threshold[i], i.e. to the count of
//   thresholds below v; NaN goes to the missing bin, numbered max_bins, whatever the column.
// fit sorts every column's non-missing values (n log n per column); for large training sets the
// boosting will bin a row sample, as scikit-learn bins 200k rows by default.
// Internal to the tree models (src/models); not part of the public API.
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

namespace fraudkit::models {

struct BinningOptions {
  int max_bins = 255;  // bins for non-missing values, 2..255 (one more bin holds the missing values)
  // Per column (empty = all numeric): 0 = numeric; k > 0 = category codes 0..k-1, one bin
  // each (k <= max_bins), whatever the rows hold: thresholds 0.5, 1.5, ..., k - 1.5.
  std::span<const int> categories;
};

class FeatureBinning {
 public:
  // Learns each column's thresholds from the rows of X (NaN = missing); `threads` columns at once.
  // Throws UsageError for max_bins outside 2..255 and DataError for an infinite value.
  static FeatureBinning fit(const Eigen::MatrixXd& X, const BinningOptions& options = {}, int threads = 1);

  int columns() const { return static_cast<int>(thresholds_.size()); }
  int max_bins() const { return max_bins_; }
  uint8_t missing_bin() const { return static_cast<uint8_t>(max_bins_); }
  // Ascending; at most max_bins - 1 of them. A column with one distinct value has none.
  const std::vector<double>& thresholds(int column) const { return thresholds_[static_cast<size_t>(column)]; }

  uint8_t bin(int column, double value) const;
  // Bins of every value, column-major: out[c * rows + r] for row r of column c (a histogram
  // pass reads one column at a time).
  std::vector<uint8_t> transform(const Eigen::MatrixXd& X, int threads = 1) const;
  // The same row-major: out[r * columns + c] (a row's bins side by side, as the boosting
  // histograms read them).
  std::vector<uint8_t> transform_rows(const Eigen::MatrixXd& X, int threads = 1) const;

 private:
  int max_bins_ = 255;
  std::vector<std::vector<double>> thresholds_;
};

namespace binning_detail {
// numpy.percentile(sorted, q, method="midpoint") for an ascending, NaN-free, non-empty array.
double percentile_midpoint(std::span<const double> sorted, double q);
}  // namespace binning_detail

}  // namespace fraudkit::models
