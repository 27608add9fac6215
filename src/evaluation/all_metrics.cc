// Every metric at one threshold in one JSON object: what the `metrics` command prints and what
// the train/evaluate reports embed. One ScoreCurve serves the ranking metrics and the
// confusion matrix, so the whole object costs one sort.
#include <algorithm>
#include <cmath>
#include <string>

#include "evaluation/input_checks.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

namespace {

// JSON has no NaN; an undefined metric is null.
nlohmann::json number_or_null(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

bool all_probabilities(std::span<const double> scores) {
  return std::all_of(scores.begin(), scores.end(), [](double s) { return s >= 0.0 && s <= 1.0; });
}

}  // namespace

nlohmann::json all_metrics(std::span<const uint8_t> y, std::span<const double> scores,
                           const MetricOptions& options) {
  if (std::isnan(options.threshold)) throw UsageError("all_metrics: threshold is NaN");
  if (options.k < -1) throw UsageError("all_metrics: k must be >= 0, or -1 for the number of positives");
  const ScoreCurve curve = ScoreCurve::build(y, scores);  // validates y and scores
  const Confusion c = confusion_at(curve, options.threshold);
  const int64_t n = c.total();
  const int64_t k = options.k == -1 ? curve.positives : options.k;
  const bool probabilities = all_probabilities(scores);
  const double cost = total_cost(c, options.cost);

  nlohmann::json j;
  j["n"] = n;
  j["positives"] = curve.positives;
  j["prevalence"] = static_cast<double>(curve.positives) / static_cast<double>(n);
  j["threshold"] = options.threshold;
  j["average_precision"] = average_precision(curve);
  j["roc_auc"] = number_or_null(roc_auc(curve));
  j["precision"] = precision(c);
  j["recall"] = recall(c);
  j["f1"] = fbeta(c, 1.0);
  j["beta"] = options.beta;
  j["f_beta"] = fbeta(c, options.beta);
  j["mcc"] = mcc(c);
  j["balanced_accuracy"] = balanced_accuracy(c);
  j["accuracy"] = accuracy(c);
  j["confusion"] = {{"tp", c.tp}, {"fp", c.fp}, {"tn", c.tn}, {"fn", c.fn}};
  j["log_loss"] = probabilities ? nlohmann::json(log_loss(y, scores)) : nlohmann::json(nullptr);
  j["brier"] = probabilities ? nlohmann::json(brier_score(y, scores)) : nlohmann::json(nullptr);
  j["k"] = k;
  j["precision_at_k"] = precision_at_k(y, scores, k);
  j["recall_at_k"] = recall_at_k(y, scores, k);
  j["cost"] = {{"fp", options.cost.fp}, {"fn", options.cost.fn}, {"tp", options.cost.tp},
               {"tn", options.cost.tn}};
  j["expected_cost"] = cost;
  j["cost_per_row"] = cost / static_cast<double>(n);
  return j;
}

}  // namespace fraudkit
