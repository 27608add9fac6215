// Ordered integer codes of the forest's features (forest_codes.h).
#include "models/forest_codes.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fraudkit/error.h"
#include "models/feature_binning.h"

namespace fraudkit::models {

ForestCodes ForestCodes::fit(const Eigen::MatrixXd& X, bool exact, int max_bins, int threads) {
  ForestCodes c;
  c.exact_ = exact;
  c.rows_ = static_cast<size_t>(X.rows());
  const auto features = static_cast<size_t>(X.cols());
  c.codes_.resize(c.rows_ * features);
  c.levels_.resize(features);
  if (!exact) {
    const FeatureBinning binning = FeatureBinning::fit(X, {.max_bins = max_bins}, threads);
    const std::vector<uint8_t> bins = binning.transform(X, threads);
    for (size_t f = 0; f < features; ++f) {
      c.levels_[f] = binning.thresholds(static_cast<int>(f));
      c.levels_[f].push_back(std::numeric_limits<double>::infinity());  // the top bin's (unused) edge
    }
    for (size_t i = 0; i < bins.size(); ++i)
      c.codes_[i] = bins[i] == binning.missing_bin() ? missing() : bins[i];
  } else {
    for (Eigen::Index f = 0; f < X.cols(); ++f)
      for (Eigen::Index r = 0; r < X.rows(); ++r)
        if (std::isinf(X(r, f)))
          throw DataError("random forest: column " + std::to_string(f) + ", row " + std::to_string(r) +
                          " is infinite; expected finite values or NaN for missing");
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads))
    for (size_t f = 0; f < features; ++f) {
      const double* x = X.data() + f * c.rows_;
      std::vector<double>& v = c.levels_[f];
      for (size_t r = 0; r < c.rows_; ++r)
        if (!std::isnan(x[r])) v.push_back(x[r]);
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      uint32_t* out = c.codes_.data() + f * c.rows_;
      for (size_t r = 0; r < c.rows_; ++r)
        out[r] = std::isnan(x[r]) ? missing()
                                  : static_cast<uint32_t>(std::lower_bound(v.begin(), v.end(), x[r]) - v.begin());
    }
  }
  for (const auto& v : c.levels_) c.max_levels_ = std::max(c.max_levels_, static_cast<uint32_t>(v.size()));
  c.narrow_first_.assign(features, 0);
  size_t narrow_columns = 0;
  for (size_t f = 0; f < features; ++f) narrow_columns += c.narrow(static_cast<int>(f)) ? 1 : 0;
  c.narrow_.reserve(narrow_columns * c.rows_);
  for (size_t f = 0; f < features; ++f) {
    if (!c.narrow(static_cast<int>(f))) continue;
    c.narrow_first_[f] = c.narrow_.size();
    for (size_t i = f * c.rows_; i < (f + 1) * c.rows_; ++i)
      c.narrow_.push_back(c.codes_[i] == missing() ? kNarrowMissing : static_cast<uint8_t>(c.codes_[i]));
  }
  return c;
}

double ForestCodes::threshold(int f, uint32_t a, uint32_t b) const {
  const std::vector<double>& v = levels_[static_cast<size_t>(f)];
  if (!exact_) return v[a];
  const double mid = (v[a] + v[b]) / 2.0;
  // scikit-learn: keep the threshold below the right value, and finite.
  return mid == v[b] || !std::isfinite(mid) ? v[a] : mid;
}

}  // namespace fraudkit::models
