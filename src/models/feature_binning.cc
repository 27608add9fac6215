// Quantile binning (feature_binning.h): per column, sort the non-missing values once, then take
// midpoints of distinct values or numpy's "midpoint" percentiles, in numpy's own arithmetic.
#include "models/feature_binning.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "fraudkit/error.h"

namespace fraudkit::models {
namespace {

constexpr double kAlmostInf = 1e300;  // scikit-learn's ALMOST_INF: no threshold above it

std::vector<double> column_thresholds(std::vector<double> values, int max_bins) {
  std::sort(values.begin(), values.end());
  std::vector<double> thresholds;
  std::vector<double> distinct;
  for (const double v : values)
    if (distinct.empty() || v != distinct.back()) distinct.push_back(v);
  if (distinct.size() <= static_cast<size_t>(max_bins)) {
    for (size_t i = 0; i + 1 < distinct.size(); ++i) thresholds.push_back((distinct[i] + distinct[i + 1]) * 0.5);
  } else {
    // np.linspace(0, 100, max_bins + 1)[1:-1]: i * (100 / max_bins), as numpy computes it.
    const double step = 100.0 / max_bins;
    for (int i = 1; i < max_bins; ++i)
      thresholds.push_back(binning_detail::percentile_midpoint(values, static_cast<double>(i) * step));
  }
  for (double& t : thresholds) t = std::min(t, kAlmostInf);
  return thresholds;
}

// Why column c cannot be binned as `categories` category codes, or "" when it can.
std::string category_errors(const Eigen::VectorXd& column, Eigen::Index c, int categories, int max_bins) {
  if (categories > max_bins)
    return "binning: column " + std::to_string(c) + " has " + std::to_string(categories) +
           " categories; at most max_bins (" + std::to_string(max_bins) + ") fit in the bins";
  for (Eigen::Index r = 0; r < column.size(); ++r) {
    const double v = column[r];
    if (!std::isnan(v) && !(v >= 0 && v < categories && v == std::floor(v)))
      return "binning: column " + std::to_string(c) + ", row " + std::to_string(r) + " is " + std::to_string(v) +
             "; expected a category code 0.." + std::to_string(categories - 1) + " or a missing value (NaN)";
  }
  return "";
}

}  // namespace

namespace binning_detail {

// numpy 1.24 _quantile with method "midpoint": virtual index 0.5 (floor(s) + ceil(s)) for
// s = (n - 1) q / 100; an integral index takes that element (gamma 0), otherwise gamma is 0.5
// and numpy's _lerp computes b - (b - a) * 0.5 (its branch for gamma >= 0.5).
double percentile_midpoint(std::span<const double> sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const double scaled = (n - 1) * (q / 100);
  const double index = 0.5 * (std::floor(scaled) + std::ceil(scaled));
  size_t previous = 0, next = 0;  // numpy clamps both to the last element past the end, the first before it
  if (index >= n - 1) {
    previous = next = sorted.size() - 1;
  } else if (index >= 0) {
    previous = static_cast<size_t>(std::floor(index));
    next = previous + 1;
  }
  const double gamma = std::fmod(index, 1.0) == 0 ? 0.0 : 0.5;
  const double a = sorted[previous], b = sorted[next], diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

}  // namespace binning_detail

FeatureBinning FeatureBinning::fit(const Eigen::MatrixXd& X, const BinningOptions& options, int threads) {
  if (options.max_bins < 2 || options.max_bins > 255)
    throw UsageError("binning: max_bins must be between 2 and 255, got " + std::to_string(options.max_bins));
  FeatureBinning binning;
  binning.max_bins_ = options.max_bins;
  const Eigen::Index rows = X.rows(), cols = X.cols();
  binning.thresholds_.resize(static_cast<size_t>(cols));
  if (!options.categories.empty() && options.categories.size() != static_cast<size_t>(cols))
    throw UsageError("binning: " + std::to_string(options.categories.size()) + " category counts for " +
                     std::to_string(cols) + " columns");
  std::vector<std::string> errors(static_cast<size_t>(cols));
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads))
  for (Eigen::Index c = 0; c < cols; ++c) {
    const int categories = options.categories.empty() ? 0 : options.categories[static_cast<size_t>(c)];
    if (categories > 0) {
      errors[static_cast<size_t>(c)] = category_errors(X.col(c), c, categories, options.max_bins);
      for (int k = 0; k + 1 < categories; ++k) binning.thresholds_[static_cast<size_t>(c)].push_back(k + 0.5);
      continue;
    }
    std::vector<double> values;
    values.reserve(static_cast<size_t>(rows));
    for (Eigen::Index r = 0; r < rows; ++r) {
      const double v = X(r, c);
      if (std::isnan(v)) continue;
      if (std::isinf(v) && errors[static_cast<size_t>(c)].empty())
        errors[static_cast<size_t>(c)] = "binning: column " + std::to_string(c) + ", row " + std::to_string(r) +
                                         " is " + (v > 0 ? "+inf" : "-inf") +
                                         "; expected a finite number or a missing value (NaN)";
      values.push_back(v);
    }
    if (errors[static_cast<size_t>(c)].empty())
      binning.thresholds_[static_cast<size_t>(c)] = column_thresholds(std::move(values), options.max_bins);
  }
  for (const std::string& e : errors)
    if (!e.empty()) throw DataError(e);
  return binning;
}

uint8_t FeatureBinning::bin(int column, double value) const {
  if (std::isnan(value)) return missing_bin();
  const std::vector<double>& t = thresholds(column);
  return static_cast<uint8_t>(std::lower_bound(t.begin(), t.end(), value) - t.begin());
}

std::vector<uint8_t> FeatureBinning::transform(const Eigen::MatrixXd& X, int threads) const {
  if (X.cols() != columns())
    throw UsageError("binning: the data has " + std::to_string(X.cols()) + " columns, the binning was fitted on " +
                     std::to_string(columns()));
  const auto rows = static_cast<size_t>(X.rows());
  std::vector<uint8_t> out(rows * static_cast<size_t>(X.cols()));
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads))
  for (Eigen::Index c = 0; c < X.cols(); ++c)
    for (size_t r = 0; r < rows; ++r)
      out[static_cast<size_t>(c) * rows + r] = bin(static_cast<int>(c), X(static_cast<Eigen::Index>(r), c));
  return out;
}

std::vector<uint8_t> FeatureBinning::transform_rows(const Eigen::MatrixXd& X, int threads) const {
  if (X.cols() != columns())
    throw UsageError("binning: the data has " + std::to_string(X.cols()) + " columns, the binning was fitted on " +
                     std::to_string(columns()));
  const auto cols = static_cast<size_t>(X.cols());
  std::vector<uint8_t> out(static_cast<size_t>(X.rows()) * cols);
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads))
  for (Eigen::Index c = 0; c < X.cols(); ++c)
    for (Eigen::Index r = 0; r < X.rows(); ++r)
      out[static_cast<size_t>(r) * cols + static_cast<size_t>(c)] = bin(static_cast<int>(c), X(r, c));
  return out;
}

}  // namespace fraudkit::models
