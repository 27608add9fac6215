#pragma once
// Evaluation metrics with scikit-learn 1.2 definitions (parity to 1e-9, tested against it).
// Convention everywhere: label 1 = positive (fraud); a row is predicted positive when
// score >= threshold. Scores must be finite and labels 0 or 1 (DataError otherwise); y and
// scores must have the same length, and functions that rank or average need at least one row
// (UsageError otherwise).
//
// Where scikit-learn is undefined or warns, we return a documented value (docs/metrics.md):
// ROC-AUC with one class -> NaN (scikit-learn raises); ROC curve with one class -> NaN rates
// for the missing class (as scikit-learn); precision with no predicted positive, recall with
// no positive, F-beta with both zero -> 0 (zero_division=0); MCC with a zero marginal -> 0;
// balanced accuracy with one class -> the recall of the class present (as scikit-learn);
// AP with no positive -> 0 (scikit-learn 1.2 sets recall to 1 everywhere, returns -0.0 and
// warns); precision@k / recall@k with nothing flagged or no positive -> 0.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fraudkit {

// The shared basis of every ranking metric, curve and threshold policy: distinct scores in
// descending order with the cumulative true/false positive counts of "score >= threshold"
// (scikit-learn's _binary_clf_curve). Built with radix sorts (linear time, one block of rows
// per thread); query many times. build() validates y and scores and throws UsageError on empty input.
struct ScoreCurve {
  std::vector<double> thresholds;  // distinct scores, descending (-0.0 is merged into +0.0)
  std::vector<int64_t> tps, fps;   // rows with score >= thresholds[i]: positives / negatives
  int64_t positives = 0, negatives = 0;

  static ScoreCurve build(std::span<const uint8_t> y, std::span<const double> scores);
  size_t size() const { return thresholds.size(); }
};

struct Confusion {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  int64_t total() const { return tp + fp + tn + fn; }
};

// Cost of each outcome (e.g. C_FN = average fraud loss, C_FP = review cost + friction).
struct CostMatrix {
  double fp = 1.0, fn = 1.0, tp = 0.0, tn = 0.0;
};

// --- ranking metrics -------------------------------------------------------------------
double average_precision(const ScoreCurve& curve);  // step-wise PR-AUC (sklearn's AP)
double roc_auc(const ScoreCurve& curve);            // trapezoidal, ties as sklearn
double average_precision(std::span<const uint8_t> y, std::span<const double> scores);
double roc_auc(std::span<const uint8_t> y, std::span<const double> scores);

struct PrCurve {  // sklearn precision_recall_curve order: recall decreasing, last point (1, 0)
  std::vector<double> precision, recall, thresholds;
};
PrCurve precision_recall_curve(const ScoreCurve& curve);

// sklearn 1.2 roc_curve(drop_intermediate=True): starts at (0, 0) with threshold
// thresholds[0] + 1 (sklearn 1.3 changed that first threshold to +inf).
struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
};
RocCurve roc_curve(const ScoreCurve& curve, bool drop_intermediate = true);

// --- threshold metrics -----------------------------------------------------------------
Confusion confusion_at(std::span<const uint8_t> y, std::span<const double> scores, double threshold);
// The same from a built curve in O(log n) (a binary search over the distinct scores).
Confusion confusion_at(const ScoreCurve& curve, double threshold);
double precision(const Confusion& c);
double recall(const Confusion& c);
double fbeta(const Confusion& c, double beta);
double mcc(const Confusion& c);
double balanced_accuracy(const Confusion& c);
double accuracy(const Confusion& c);
// F-beta as scikit-learn: from the rounded precision and recall; beta >= 0 (UsageError else).
// Balanced accuracy: mean recall over the classes present. All return 0 on an empty matrix.
// Total cost C_FP*FP + C_FN*FN + C_TP*TP + C_TN*TN; divide by c.total() for cost per row.
double total_cost(const Confusion& c, const CostMatrix& cost);

// --- probability metrics ---------------------------------------------------------------
// p must be probabilities in [0, 1] (DataError otherwise; scikit-learn's log_loss would clip
// silently). log_loss clips to [eps, 1 - eps] as scikit-learn 1.2 (its default eps = 1e-15).
double log_loss(std::span<const uint8_t> y, std::span<const double> p, double eps = 1e-15);
double brier_score(std::span<const uint8_t> y, std::span<const double> p);

// --- top-k (review capacity) -----------------------------------------------------------
// The k highest-scoring rows (ties at the cut broken by row order, i.e. a stable sort).
// k >= 0 (UsageError else); k > n is clamped to n, so precision@k = hits / min(k, n).
double precision_at_k(std::span<const uint8_t> y, std::span<const double> scores, int64_t k);
double recall_at_k(std::span<const uint8_t> y, std::span<const double> scores, int64_t k);

// Per-class precision / recall / F1 / support plus macro and weighted averages, as
// sklearn's classification_report(y, pred, labels=[0, 1], zero_division=0, output_dict=True)
// (keys "0", "1", "accuracy" -- or "micro avg" when one label appears in neither y nor pred --
// "macro avg", "weighted avg"); also its text table (digits=2). UsageError on an empty matrix.
nlohmann::json classification_report(const Confusion& c);
std::string classification_report_text(const Confusion& c);

// Every metric above at one threshold, as one JSON object (the `metrics` command and the
// train/evaluate reports use this). `k` for precision@k defaults to the number of positives.
// Undefined values (roc_auc with one class) are null; log_loss and brier are null unless
// every score is in [0, 1]. Also echoes the cost matrix as "cost".
struct MetricOptions {
  double threshold = 0.5;
  double beta = 2.0;       // the F-beta reported beside F1
  CostMatrix cost{};       // for expected_cost
  int64_t k = -1;          // precision@k / recall@k; -1 = number of positives
};
nlohmann::json all_metrics(std::span<const uint8_t> y, std::span<const double> scores,
                           const MetricOptions& options);

}  // namespace fraudkit
