// Metrics of the scores as probabilities of the positive class. Both need p in [0, 1]: a score
// that is not a probability would give a number that looks meaningful and is not.
#include <algorithm>
#include <cmath>
#include <string>

#include "evaluation/compensated_sum.h"
#include "evaluation/input_checks.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

double log_loss(std::span<const uint8_t> y, std::span<const double> p, double eps) {
  detail::check_same_length(y, p);
  detail::check_not_empty(y.size(), "log_loss");
  detail::check_labels(y);
  detail::check_probabilities(p);
  if (!(eps >= 0.0 && eps < 0.5))
    throw UsageError("log_loss: eps must be in [0, 0.5), got " + std::to_string(eps));
  detail::CompensatedSum sum;
  for (size_t i = 0; i < y.size(); ++i) {
    // As scikit-learn 1.2: clip, form the two-column [1-q, q] row and renormalise it (the row
    // sum can differ from 1 by an ulp), then take -log of the true class's column.
    const double q = std::clamp(p[i], eps, 1.0 - eps);
    const double complement = 1.0 - q;
    const double row_sum = complement + q;
    sum.add(-std::log((y[i] == 1 ? q : complement) / row_sum));
  }
  return sum.value() / static_cast<double>(y.size());
}

double brier_score(std::span<const uint8_t> y, std::span<const double> p) {
  detail::check_same_length(y, p);
  detail::check_not_empty(y.size(), "brier_score");
  detail::check_labels(y);
  detail::check_probabilities(p);
  detail::CompensatedSum sum;
  for (size_t i = 0; i < y.size(); ++i) {
    const double error = static_cast<double>(y[i]) - p[i];
    sum.add(error * error);
  }
  return sum.value() / static_cast<double>(y.size());
}

}  // namespace fraudkit
