#include "preprocess/column_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fraudkit {

namespace {

double median_of(std::vector<double>& v) {
  if (v.empty()) return 0.0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;  // numpy.median's average of the two middle values
}

}  // namespace

NumericColumnStats numeric_column_stats(const std::vector<double>& values,
                                        std::span<const uint32_t> rows) {
  NumericColumnStats s;
  std::vector<double> present;
  present.reserve(rows.size());
  for (uint32_t r : rows) {
    if (std::isnan(values[r])) ++s.missing;
    else present.push_back(values[r]);
  }
  s.median = median_of(present);
  if (rows.empty()) return s;

  // Two passes (mean, then squared deviations) keep the variance accurate for large means.
  const auto value_at = [&](uint32_t r) { return std::isnan(values[r]) ? s.median : values[r]; };
  double sum = 0;
  for (uint32_t r : rows) sum += value_at(r);
  const double n = static_cast<double>(rows.size());
  s.mean = sum / n;
  double ss = 0;
  for (uint32_t r : rows) {
    const double d = value_at(r) - s.mean;
    ss += d * d;
  }
  const double var = ss / n;
  // A constant column's computed variance is rounding noise: scikit-learn's
  // _is_constant_feature bound, so the same columns get scale 1 as there.
  const double eps = std::numeric_limits<double>::epsilon();
  const double mean_noise = n * s.mean * eps;
  const double bound = n * eps * var + mean_noise * mean_noise;
  s.scale = (var <= bound) ? 1.0 : std::sqrt(var);
  return s;
}

}  // namespace fraudkit
