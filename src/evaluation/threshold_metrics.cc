// Metrics of the hard decision "score >= threshold", read off a confusion matrix. Formulas
// follow scikit-learn 1.2 step for step (same divisions, same order) so results agree to the
// last few ulps; zero_division=0 everywhere.
#include <cmath>
#include <string>

#include "evaluation/input_checks.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

namespace {
double ratio_or_zero(int64_t num, int64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}
}  // namespace

Confusion confusion_at(std::span<const uint8_t> y, std::span<const double> scores, double threshold) {
  detail::check_labels_and_scores(y, scores);
  if (std::isnan(threshold)) throw UsageError("confusion_at: threshold is NaN");
  Confusion c;
  for (size_t i = 0; i < y.size(); ++i) {
    const bool flagged = scores[i] >= threshold;
    if (y[i] == 1) (flagged ? c.tp : c.fn) += 1;
    else (flagged ? c.fp : c.tn) += 1;
  }
  return c;
}

double precision(const Confusion& c) { return ratio_or_zero(c.tp, c.tp + c.fp); }
double recall(const Confusion& c) { return ratio_or_zero(c.tp, c.tp + c.fn); }

double fbeta(const Confusion& c, double beta) {
  if (!(beta >= 0) || !std::isfinite(beta))
    throw UsageError("fbeta: beta must be a finite number >= 0, got " + std::to_string(beta));
  // scikit-learn combines the (rounded) precision and recall rather than the counts.
  const double p = precision(c), r = recall(c), beta2 = beta * beta;
  double denominator = beta2 * p + r;
  if (denominator == 0.0) denominator = 1.0;
  return (1 + beta2) * p * r / denominator;
}

double mcc(const Confusion& c) {
  // scikit-learn's covariance form on the 2x2 matrix, in doubles.
  const auto tp = static_cast<double>(c.tp), fp = static_cast<double>(c.fp);
  const auto tn = static_cast<double>(c.tn), fn = static_cast<double>(c.fn);
  const double true_neg = tn + fp, true_pos = fn + tp;  // row sums (actual class)
  const double pred_neg = tn + fn, pred_pos = fp + tp;  // column sums (predicted class)
  const double n = pred_neg + pred_pos;
  const double cov_ytyp = (tp + tn) * n - (true_neg * pred_neg + true_pos * pred_pos);
  const double cov_ypyp = n * n - (pred_neg * pred_neg + pred_pos * pred_pos);
  const double cov_ytyt = n * n - (true_neg * true_neg + true_pos * true_pos);
  if (cov_ypyp * cov_ytyt == 0) return 0.0;  // a zero marginal: undefined, scikit-learn says 0
  return cov_ytyp / std::sqrt(cov_ytyt * cov_ypyp);
}

double balanced_accuracy(const Confusion& c) {
  // Mean recall over the classes present in y_true (scikit-learn drops an absent class, so
  // with one class this is that class's recall).
  const int64_t positives = c.tp + c.fn, negatives = c.tn + c.fp;
  if (positives == 0 && negatives == 0) return 0.0;
  if (positives == 0) return ratio_or_zero(c.tn, negatives);
  if (negatives == 0) return ratio_or_zero(c.tp, positives);
  return (ratio_or_zero(c.tn, negatives) + ratio_or_zero(c.tp, positives)) / 2;
}

double accuracy(const Confusion& c) { return ratio_or_zero(c.tp + c.tn, c.total()); }

double total_cost(const Confusion& c, const CostMatrix& cost) {
  return cost.fp * static_cast<double>(c.fp) + cost.fn * static_cast<double>(c.fn) +
         cost.tp * static_cast<double>(c.tp) + cost.tn * static_cast<double>(c.tn);
}

}  // namespace fraudkit
