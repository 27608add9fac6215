// Ranking metrics and curves, all read off one ScoreCurve (scikit-learn's _binary_clf_curve).
#include <cmath>
#include <limits>

#include "evaluation/compensated_sum.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double average_precision(const ScoreCurve& curve) {
  // scikit-learn 1.2 sets recall to 1 everywhere when there is no positive, which makes AP the
  // precision at the top threshold, i.e. 0 (it returns -0.0 and warns). We return +0.0.
  if (curve.positives == 0) return 0.0;
  // Step-wise integral: sum over thresholds of (recall gained here) * (precision here).
  detail::CompensatedSum sum;
  int64_t previous_tp = 0;
  for (size_t i = 0; i < curve.size(); ++i) {
    const int64_t tp = curve.tps[i];
    if (tp == previous_tp) continue;  // no recall gained: the step has zero width
    const double precision = static_cast<double>(tp) / static_cast<double>(tp + curve.fps[i]);
    sum.add(static_cast<double>(tp - previous_tp) * precision);
    previous_tp = tp;
  }
  return sum.value() / static_cast<double>(curve.positives);
}

double roc_auc(const ScoreCurve& curve) {
  if (curve.positives == 0 || curve.negatives == 0) return kNaN;  // scikit-learn raises
  // The trapezoid rule over the distinct thresholds, in integers: each trapezoid is
  // dfp * (tp_prev + tp) / 2 in count units, so the whole area is exact before one division.
  // (Dropping collinear points, as scikit-learn's drop_intermediate does, changes nothing.)
  __extension__ using Wide = unsigned __int128;  // P * N * 2 may exceed 2^64 on huge inputs
  Wide twice_area = 0;
  int64_t previous_tp = 0, previous_fp = 0;
  for (size_t i = 0; i < curve.size(); ++i) {
    const auto dfp = static_cast<uint64_t>(curve.fps[i] - previous_fp);
    twice_area += static_cast<Wide>(dfp) * static_cast<uint64_t>(previous_tp + curve.tps[i]);
    previous_tp = curve.tps[i];
    previous_fp = curve.fps[i];
  }
  const double denominator =
      2.0 * static_cast<double>(curve.positives) * static_cast<double>(curve.negatives);
  return static_cast<double>(twice_area) / denominator;
}

double average_precision(std::span<const uint8_t> y, std::span<const double> scores) {
  return average_precision(ScoreCurve::build(y, scores));
}

double roc_auc(std::span<const uint8_t> y, std::span<const double> scores) {
  return roc_auc(ScoreCurve::build(y, scores));
}

PrCurve precision_recall_curve(const ScoreCurve& curve) {
  const size_t m = curve.size();
  PrCurve pr;
  pr.precision.resize(m + 1);
  pr.recall.resize(m + 1);
  pr.thresholds.resize(m);
  for (size_t i = 0; i < m; ++i) {
    const size_t r = m - 1 - i;  // scikit-learn reverses: increasing thresholds
    const auto tp = static_cast<double>(curve.tps[i]);
    pr.precision[r] = tp / static_cast<double>(curve.tps[i] + curve.fps[i]);
    // No positive: scikit-learn sets recall to 1 for every threshold (and warns).
    pr.recall[r] = curve.positives == 0 ? 1.0 : tp / static_cast<double>(curve.positives);
    pr.thresholds[r] = curve.thresholds[i];
  }
  pr.precision[m] = 1.0;
  pr.recall[m] = 0.0;
  return pr;
}

RocCurve roc_curve(const ScoreCurve& curve, bool drop_intermediate) {
  const size_t m = curve.size();
  std::vector<size_t> kept;
  kept.reserve(m);
  for (size_t i = 0; i < m; ++i) {
    // A point is a corner (kept) unless both counts are linear through it; scikit-learn
    // tests the second differences and only drops when there are more than two points.
    const bool interior = drop_intermediate && m > 2 && i > 0 && i + 1 < m;
    if (interior && curve.fps[i - 1] - 2 * curve.fps[i] + curve.fps[i + 1] == 0 &&
        curve.tps[i - 1] - 2 * curve.tps[i] + curve.tps[i + 1] == 0)
      continue;
    kept.push_back(i);
  }
  RocCurve roc;
  roc.fpr.reserve(kept.size() + 1);
  roc.tpr.reserve(kept.size() + 1);
  roc.thresholds.reserve(kept.size() + 1);
  // The curve starts at (0, 0) with a threshold above every score; scikit-learn 1.2 uses the
  // top score + 1 there (1.3 changed it to +inf).
  roc.thresholds.push_back(m > 0 ? curve.thresholds[0] + 1.0 : 1.0);
  roc.fpr.push_back(0.0);
  roc.tpr.push_back(0.0);
  const auto positives = static_cast<double>(curve.positives);
  const auto negatives = static_cast<double>(curve.negatives);
  for (size_t i : kept) {
    roc.thresholds.push_back(curve.thresholds[i]);
    roc.fpr.push_back(static_cast<double>(curve.fps[i]));
    roc.tpr.push_back(static_cast<double>(curve.tps[i]));
  }
  // With one class absent the rate is 0/0: scikit-learn returns NaN for the whole column.
  for (double& v : roc.fpr) v = curve.negatives == 0 ? kNaN : v / negatives;
  for (double& v : roc.tpr) v = curve.positives == 0 ? kNaN : v / positives;
  return roc;
}

}  // namespace fraudkit
