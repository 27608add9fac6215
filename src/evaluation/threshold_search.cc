// choose_threshold: one scan over the candidate thresholds of a ScoreCurve, from the highest
// ("flag nothing") down, keeping a candidate only when strictly better, so ties in the
// objective go to the higher threshold (fewer alerts).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "fraudkit/error.h"
#include "fraudkit/threshold.h"

namespace fraudkit {

namespace {

struct Candidate {
  double threshold;
  int64_t tp, fp;
};

// Candidate 0 flags nothing (a threshold just above the top score); candidate i > 0 is the
// curve's (i-1)-th distinct score, flagging every row scored at or above it.
Candidate candidate(const ScoreCurve& curve, size_t i) {
  if (i == 0)
    return {std::nextafter(curve.thresholds[0], std::numeric_limits<double>::infinity()), 0, 0};
  return {curve.thresholds[i - 1], curve.tps[i - 1], curve.fps[i - 1]};
}

Confusion confusion_of(const ScoreCurve& curve, const Candidate& c) {
  return {c.tp, c.fp, curve.negatives - c.fp, curve.positives - c.tp};
}

// F-beta from the counts, (1+b2)TP / ((1+b2)TP + b2 FN + FP): for integer beta^2 every term
// is exact, so equal F-scores compare equal and the tie rule applies as documented (the
// scikit-learn form via rounded precision and recall can differ in the last bit).
double fbeta_from_counts(const Confusion& c, double beta) {
  const double b2 = beta * beta;
  const double num = (1 + b2) * static_cast<double>(c.tp);
  const double den = num + b2 * static_cast<double>(c.fn) + static_cast<double>(c.fp);
  return den == 0 ? 0.0 : num / den;
}

double ratio(int64_t num, int64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

// Scans every candidate; `value` returns false for an infeasible candidate, otherwise sets
// the objective (larger is better). Returns the index of the best feasible one, or -1.
template <class Value>
ptrdiff_t best_candidate(const ScoreCurve& curve, Value value) {
  ptrdiff_t best = -1;
  double best_value = 0;
  for (size_t i = 0; i <= curve.size(); ++i) {
    double v = 0;
    if (!value(confusion_of(curve, candidate(curve, i)), v)) continue;
    if (best < 0 || v > best_value) {
      best = static_cast<ptrdiff_t>(i);
      best_value = v;
    }
  }
  return best;
}

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

ThresholdChoice finish(const ScoreCurve& curve, ptrdiff_t index, double objective) {
  ThresholdChoice choice;
  const Candidate c = candidate(curve, static_cast<size_t>(index));
  choice.threshold = c.threshold;
  choice.validation = confusion_of(curve, c);
  choice.objective = objective;
  return choice;
}

std::string outcome(const Confusion& c) {
  return " (" + std::to_string(c.tp) + " of " + std::to_string(c.tp + c.fn) +
         " validation positives flagged, " + std::to_string(c.fp) + " false alerts)";
}

ThresholdChoice choose_fbeta(const ScoreCurve& curve, double beta) {
  const ptrdiff_t i = best_candidate(curve, [&](const Confusion& c, double& v) {
    v = fbeta_from_counts(c, beta);
    return true;
  });
  ThresholdChoice choice = finish(curve, i, 0);
  choice.objective = fbeta_from_counts(choice.validation, beta);
  choice.note = format("maximises F-beta (beta = %g) on validation: %.4f", beta, choice.objective) +
                outcome(choice.validation);
  return choice;
}

ThresholdChoice choose_cost(const ScoreCurve& curve, const CostMatrix& cost) {
  const ptrdiff_t i = best_candidate(curve, [&](const Confusion& c, double& v) {
    v = -total_cost(c, cost);
    return true;
  });
  ThresholdChoice choice = finish(curve, i, 0);
  choice.objective = total_cost(choice.validation, cost);
  const double wrong_flag = cost.fp - cost.tn, wrong_pass = cost.fn - cost.tp;
  choice.bayes_threshold = wrong_flag / (wrong_flag + wrong_pass);
  choice.note = format("minimises total cost on validation: %.6g (%.6g per row); the Bayes "
                       "threshold for calibrated probabilities would be %.6g",
                       choice.objective,
                       choice.objective / static_cast<double>(choice.validation.total()),
                       choice.bayes_threshold) +
                outcome(choice.validation);
  return choice;
}

ThresholdChoice choose_capacity(const ScoreCurve& curve, double alert_rate) {
  const int64_t limit = capacity_limit(alert_rate, curve.positives + curve.negatives);
  const ptrdiff_t i = best_candidate(curve, [&](const Confusion& c, double& v) {
    v = static_cast<double>(c.tp + c.fp);
    return c.tp + c.fp <= limit;  // rows tied at the cut all flag together, so never exceed
  });
  ThresholdChoice choice = finish(curve, i, 0);  // flag-nothing is always feasible
  const int64_t flagged = choice.validation.tp + choice.validation.fp;
  choice.objective = static_cast<double>(flagged);
  choice.note = "flags " + std::to_string(flagged) + " of " +
                std::to_string(choice.validation.total()) + " validation rows (limit " +
                std::to_string(limit) + format(" = floor(%.6g * n))", alert_rate) +
                outcome(choice.validation);
  return choice;
}

ThresholdChoice choose_precision(const ScoreCurve& curve, double target) {
  const ptrdiff_t i = best_candidate(curve, [&](const Confusion& c, double& v) {
    v = ratio(c.tp, c.tp + c.fn);
    return c.tp + c.fp > 0 && ratio(c.tp, c.tp + c.fp) >= target;
  });
  if (i >= 0) {
    ThresholdChoice choice = finish(curve, i, 0);
    choice.objective = recall(choice.validation);
    choice.note = format("highest recall (%.4f) with precision >= %g on validation (precision %.4f)",
                         choice.objective, target, precision(choice.validation)) +
                  outcome(choice.validation);
    return choice;
  }
  // Fallback: the most precise threshold; among equally precise ones the one catching more
  // (same precision, more recall is strictly better), then the higher threshold.
  ptrdiff_t best = 0;
  for (size_t k = 1; k <= curve.size(); ++k) {
    const Confusion c = confusion_of(curve, candidate(curve, k));
    const Confusion b = confusion_of(curve, candidate(curve, static_cast<size_t>(best)));
    const double pc = precision(c), pb = precision(b);
    if (pc > pb || (pc == pb && c.tp > b.tp)) best = static_cast<ptrdiff_t>(k);
  }
  ThresholdChoice choice = finish(curve, best, 0);
  choice.feasible = false;
  choice.objective = precision(choice.validation);
  choice.note = format("INFEASIBLE: no threshold reaches precision %g on validation; fell back to "
                       "the highest precision reached (%.4f)",
                       target, choice.objective) +
                outcome(choice.validation);
  return choice;
}

ThresholdChoice choose_recall(const ScoreCurve& curve, double target) {
  const ptrdiff_t i = best_candidate(curve, [&](const Confusion& c, double& v) {
    v = ratio(c.tp, c.tp + c.fp);
    return c.tp + c.fn > 0 && ratio(c.tp, c.tp + c.fn) >= target;
  });
  if (i >= 0) {
    ThresholdChoice choice = finish(curve, i, 0);
    choice.objective = precision(choice.validation);
    choice.note = format("highest precision (%.4f) with recall >= %g on validation (recall %.4f)",
                         choice.objective, target, recall(choice.validation)) +
                  outcome(choice.validation);
    return choice;
  }
  // Only possible without a validation positive (flagging everything has recall 1 otherwise):
  // nothing can be caught, so flag nothing.
  ThresholdChoice choice = finish(curve, 0, 0);
  choice.feasible = false;
  choice.note = format("INFEASIBLE: validation has no positive, so recall %g cannot be reached; "
                       "fell back to flagging nothing",
                       target);
  return choice;
}

}  // namespace

int64_t capacity_limit(double alert_rate, int64_t n) {
  const double exact = alert_rate * static_cast<double>(n);
  double limit = std::floor(exact);
  if (limit + 1 - exact <= 1e-9 * std::max(1.0, exact)) limit += 1;
  return static_cast<int64_t>(limit);
}

ThresholdChoice choose_threshold(const ThresholdPolicy& policy, const ScoreCurve& curve) {
  policy.validate();  // a hand-built policy is checked like a parsed one
  const ThresholdPolicy& checked = policy;
  if (curve.size() == 0) throw UsageError("choose_threshold: no validation rows");
  switch (checked.kind) {
    case ThresholdPolicyKind::kFbeta: return choose_fbeta(curve, checked.beta);
    case ThresholdPolicyKind::kCost: return choose_cost(curve, checked.cost);
    case ThresholdPolicyKind::kCapacity: return choose_capacity(curve, checked.alert_rate);
    case ThresholdPolicyKind::kPrecision: return choose_precision(curve, checked.target);
    case ThresholdPolicyKind::kRecall: return choose_recall(curve, checked.target);
  }
  throw UsageError("choose_threshold: unknown policy kind");
}

ThresholdChoice choose_threshold(const ThresholdPolicy& policy, std::span<const uint8_t> y,
                                 std::span<const double> scores) {
  return choose_threshold(policy, ScoreCurve::build(y, scores));
}

}  // namespace fraudkit
