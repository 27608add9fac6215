#pragma once
// Decision-threshold policies: chosen from VALIDATION labels and scores only, then frozen in
// the model and applied to test once. A row is flagged when score >= threshold.
#include <cstdint>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "fraudkit/metrics.h"

namespace fraudkit {

enum class ThresholdPolicyKind {
  kFbeta,      // maximise F-beta                                  spec: f1 | fbeta:B
  kCost,       // minimise expected cost for C_FP / C_FN            spec: cost:FP:FN
  kCapacity,   // flag at most K per N rows (an alert rate)        spec: capacity:K/N
  kPrecision,  // highest recall with precision >= P               spec: precision:P
  kRecall,     // highest precision with recall >= R               spec: recall:R
};

struct ThresholdPolicy {
  ThresholdPolicyKind kind = ThresholdPolicyKind::kFbeta;
  double beta = 1.0;         // kFbeta
  CostMatrix cost{};         // kCost
  double alert_rate = 0.01;  // kCapacity: K/N
  double target = 0.9;       // kPrecision / kRecall

  // Parses the CLI spec (see above); throws UsageError with the accepted forms.
  static ThresholdPolicy parse(const std::string& spec);
  std::string spec() const;  // inverse of parse
  nlohmann::json to_json() const;
  static ThresholdPolicy from_json(const nlohmann::json& j);
  // Throws UsageError unless the parameter of `kind` is in range (parse and from_json call it;
  // choose_threshold calls it on hand-built policies).
  void validate() const;
};

struct ThresholdChoice {
  double threshold = 0.5;      // flag when score >= threshold
  bool feasible = true;        // false when a precision/recall target cannot be met
  // The value the policy optimised, on the validation rows: F-beta (kFbeta), total cost
  // (kCost), rows flagged (kCapacity), recall (kPrecision), precision (kRecall); for an
  // infeasible target, the value of the fallback's own objective (precision for kPrecision).
  double objective = 0;
  Confusion validation;        // confusion on the validation rows at `threshold`
  // Cost policy only: C_FP / (C_FP + C_FN), the optimal threshold for calibrated probabilities
  // (with C_TP, C_TN: (C_FP - C_TN) / (C_FP - C_TN + C_FN - C_TP)). Reported, not applied.
  double bayes_threshold = -1;
  std::string note;            // one sentence explaining the choice (and any fallback)
};

// Searches every distinct validation score (and "flag nothing") for the policy's optimum.
// Ties in the objective go to the higher threshold (fewer alerts). Documented fallbacks when
// a target is infeasible are in docs/thresholds.md.
ThresholdChoice choose_threshold(const ThresholdPolicy& policy, std::span<const uint8_t> y,
                                 std::span<const double> scores);
// The same on an already built curve (e.g. when metrics were computed from it too).
ThresholdChoice choose_threshold(const ThresholdPolicy& policy, const ScoreCurve& curve);

// The most rows kCapacity may flag among n: floor(alert_rate * n), where a product within
// 1e-9 (relative) below an integer counts as that integer, because K/N is stored as a double
// (7/100 * 100 must give 7 even if the product rounds to 6.9999999999999991).
int64_t capacity_limit(double alert_rate, int64_t n);

}  // namespace fraudkit
