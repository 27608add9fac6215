#include <algorithm>
#include <cmath>

#include "evaluation/input_checks.h"
#include "evaluation/sort_keys.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

namespace {

// Splits the scores by class into order keys, validating each row on the way (one pass).
// Sorting the two classes separately sorts bare 8-byte keys, with no label or index payload
// to carry through the passes; the merge below recovers the interleaving.
void split_by_class(std::span<const uint8_t> y, std::span<const double> scores,
                    std::vector<uint64_t>& positive_keys, std::vector<uint64_t>& negative_keys) {
  size_t positives = 0;
  for (uint8_t label : y) positives += label == 1;
  positive_keys.resize(positives);
  negative_keys.resize(y.size() - std::min(positives, y.size()));
  size_t p = 0, q = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const uint8_t label = y[i];
    const double s = scores[i];
    if (label > 1 || !std::isfinite(s)) detail::throw_bad_row(y, scores, i);
    const uint64_t key = detail::order_key(s);
    if (label == 1) positive_keys[p++] = key;
    else negative_keys[q++] = key;
  }
}

}  // namespace

ScoreCurve ScoreCurve::build(std::span<const uint8_t> y, std::span<const double> scores) {
  detail::check_same_length(y, scores);
  detail::check_not_empty(y.size(), "ScoreCurve::build");
  std::vector<uint64_t> pos, neg, scratch;
  split_by_class(y, scores, pos, neg);
  detail::radix_sort(neg, scratch);
  detail::radix_sort(pos, scratch);

  ScoreCurve curve;
  curve.positives = static_cast<int64_t>(pos.size());
  curve.negatives = static_cast<int64_t>(neg.size());
  // Walk both ascending arrays from the top: each distinct key closes one threshold whose
  // cumulative counts include every row scored at or above it.
  size_t i = pos.size(), j = neg.size();
  int64_t tp = 0, fp = 0;
  while (i > 0 || j > 0) {
    uint64_t key;
    if (i == 0) key = neg[j - 1];
    else if (j == 0) key = pos[i - 1];
    else key = std::max(pos[i - 1], neg[j - 1]);
    while (i > 0 && pos[i - 1] == key) { ++tp; --i; }
    while (j > 0 && neg[j - 1] == key) { ++fp; --j; }
    curve.thresholds.push_back(detail::from_order_key(key));
    curve.tps.push_back(tp);
    curve.fps.push_back(fp);
  }
  return curve;
}

}  // namespace fraudkit

namespace fraudkit {

Confusion confusion_at(const ScoreCurve& curve, double threshold) {
  if (std::isnan(threshold)) throw UsageError("confusion_at: threshold is NaN");
  // thresholds are descending: the rows flagged at `threshold` are those of the last curve
  // point whose score is still >= threshold.
  const auto first_below = std::partition_point(curve.thresholds.begin(), curve.thresholds.end(),
                                                [&](double t) { return t >= threshold; });
  const size_t flagged_points = static_cast<size_t>(first_below - curve.thresholds.begin());
  Confusion c;
  if (flagged_points > 0) {
    c.tp = curve.tps[flagged_points - 1];
    c.fp = curve.fps[flagged_points - 1];
  }
  c.fn = curve.positives - c.tp;
  c.tn = curve.negatives - c.fp;
  return c;
}

}  // namespace fraudkit
