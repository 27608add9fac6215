// Hand-computed cases, brute-force cross-checks, documented undefined values and input errors
// for the metrics (scikit-learn parity itself is in metrics_parity_test.cc).
#include "fraudkit/metrics.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fraudkit/error.h"

namespace fraudkit {
namespace {

using Labels = std::vector<uint8_t>;
using Scores = std::vector<double>;

TEST(ScoreCurve, MatchesTheScikitLearnDocExampleByHand) {
  // y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8] (scikit-learn's docstring example).
  const ScoreCurve c = ScoreCurve::build(Labels{0, 0, 1, 1}, Scores{0.1, 0.4, 0.35, 0.8});
  EXPECT_EQ(c.thresholds, (Scores{0.8, 0.4, 0.35, 0.1}));
  EXPECT_EQ(c.tps, (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(c.fps, (std::vector<int64_t>{0, 1, 1, 2}));
  EXPECT_EQ(c.positives, 2);
  EXPECT_EQ(c.negatives, 2);
  // AP = 0.5 * 1 (first positive at precision 1) + 0.5 * 2/3.
  EXPECT_DOUBLE_EQ(average_precision(c), 0.5 + 0.5 * 2.0 / 3.0);
  // Positive-negative pairs ordered correctly: 3 of 4.
  EXPECT_DOUBLE_EQ(roc_auc(c), 0.75);
  const PrCurve pr = precision_recall_curve(c);
  EXPECT_EQ(pr.thresholds, (Scores{0.1, 0.35, 0.4, 0.8}));
  EXPECT_EQ(pr.recall, (Scores{1, 1, 0.5, 0.5, 0}));
  EXPECT_EQ(pr.precision, (Scores{0.5, 2.0 / 3.0, 0.5, 1, 1}));
  const RocCurve roc = roc_curve(c);
  EXPECT_EQ(roc.thresholds, (Scores{1.8, 0.8, 0.4, 0.35, 0.1}));
  EXPECT_EQ(roc.fpr, (Scores{0, 0, 0.5, 0.5, 1}));
  EXPECT_EQ(roc.tpr, (Scores{0, 0.5, 0.5, 1, 1}));
}

TEST(ScoreCurve, TiesAcrossClassesFormOneStepAndHalfCountInTheAuc) {
  // Three rows tied at 0.5 (two positives, one negative), one negative below.
  const Labels y{1, 0, 1, 0};
  const Scores s{0.5, 0.5, 0.5, 0.1};
  const ScoreCurve c = ScoreCurve::build(y, s);
  EXPECT_EQ(c.thresholds, (Scores{0.5, 0.1}));
  EXPECT_EQ(c.tps, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(c.fps, (std::vector<int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(average_precision(c), 2.0 / 3.0);
  // Pairs: (pos, neg@0.5) tie -> 1/2 each, (pos, neg@0.1) correct -> 1 each: (1 + 2) / 4.
  EXPECT_DOUBLE_EQ(roc_auc(c), 0.75);
}

TEST(ScoreCurve, TreatsNegativeZeroAsZero) {
  const ScoreCurve c = ScoreCurve::build(Labels{1, 0}, Scores{-0.0, 0.0});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.thresholds[0], 0.0);
  EXPECT_FALSE(std::signbit(c.thresholds[0]));
}

// Brute force: for every distinct score, count the rows at or above it from scratch.
void expect_curve_matches_brute_force(const Labels& y, const Scores& s) {
  const ScoreCurve c = ScoreCurve::build(y, s);
  std::set<double, std::greater<>> distinct(s.begin(), s.end());  // -0.0 == 0.0 merges
  ASSERT_EQ(c.size(), distinct.size());
  size_t i = 0;
  for (double t : distinct) {
    int64_t tp = 0, fp = 0;
    for (size_t r = 0; r < y.size(); ++r)
      if (s[r] >= t) (y[r] ? tp : fp) += 1;
    ASSERT_EQ(c.thresholds[i], t);
    ASSERT_EQ(c.tps[i], tp) << "threshold " << t;
    ASSERT_EQ(c.fps[i], fp) << "threshold " << t;
    ++i;
  }
  EXPECT_EQ(c.positives, std::count(y.begin(), y.end(), 1));
  EXPECT_EQ(c.negatives, std::count(y.begin(), y.end(), 0));
}

TEST(ScoreCurve, MatchesBruteForceOnRandomTiedData) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    const size_t n = 1 + rng() % 600;  // beyond the radix sort's comparison-sort cut-off too
    Labels y(n);
    Scores s(n);
    for (size_t i = 0; i < n; ++i) {
      y[i] = rng() % 4 == 0;
      s[i] = static_cast<double>(static_cast<int>(rng() % 21) - 10) / 4.0;  // 21 levels, +-
      if (s[i] == 0 && rng() % 2) s[i] = -0.0;
    }
    expect_curve_matches_brute_force(y, s);
  }
}

TEST(ScoreCurve, MatchesASortedReferenceOnALargeInputWithAnyThreadCount) {
  // Large enough for the parallel blocks; the reference is a plain sort of (score, label).
  // 3 threads gives uneven blocks; 1 thread is the serial path.
  std::mt19937_64 rng(11);
  const size_t n = 300000;
  Labels y(n);
  Scores s(n);
  std::vector<std::pair<double, int>> rows(n);
  for (size_t i = 0; i < n; ++i) {
    y[i] = rng() % 50 == 0;
    s[i] = std::round(std::ldexp(static_cast<double>(rng() >> 11), -53) * 1e4) / 1e4 - 0.3;
    rows[i] = {s[i], y[i]};
  }
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first > b.first; });
  Scores thresholds;
  std::vector<int64_t> tps, fps;
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < n; ++i) {
    (rows[i].second ? tp : fp) += 1;
    if (i + 1 == n || rows[i + 1].first != rows[i].first) {
      thresholds.push_back(rows[i].first);
      tps.push_back(tp);
      fps.push_back(fp);
    }
  }
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    const ScoreCurve c = ScoreCurve::build(y, s);
    EXPECT_EQ(c.thresholds, thresholds) << threads << " threads";
    EXPECT_EQ(c.tps, tps) << threads << " threads";
    EXPECT_EQ(c.fps, fps) << threads << " threads";
  }
  omp_set_num_threads(saved);
}

TEST(ScoreCurve, ReportsTheFirstBadRowWhateverTheThreadCount) {
  const size_t n = 400000;
  Labels y(n, 0);
  Scores s(n, 0.5);
  y[350000] = 9;                 // in the last block
  s[250000] = std::nan("");      // earlier, in another block: this one must be reported
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    try {
      ScoreCurve::build(y, s);
      ADD_FAILURE() << "expected a DataError";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("score at row 250000"), std::string::npos) << e.what();
    }
  }
  omp_set_num_threads(saved);
}

TEST(RocAuc, EqualsTheMannWhitneyPairCount) {
  // AUC = P(score+ > score-) + P(tie) / 2 over all positive-negative pairs.
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 30; ++trial) {
    const size_t n = 2 + rng() % 200;
    Labels y(n);
    Scores s(n);
    for (size_t i = 0; i < n; ++i) {
      y[i] = rng() % 3 == 0;
      s[i] = static_cast<double>(rng() % 9);
    }
    y[0] = 1;
    y[1] = 0;
    double pairs = 0, wins = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        if (y[i] == 1 && y[j] == 0) {
          pairs += 1;
          wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
        }
    EXPECT_NEAR(roc_auc(y, s), wins / pairs, 1e-12);
  }
}

TEST(ConfusionAt, FromTheCurveEqualsTheDirectCount) {
  std::mt19937_64 rng(5);
  Labels y(500);
  Scores s(500);
  for (size_t i = 0; i < y.size(); ++i) {
    y[i] = rng() % 5 == 0;
    s[i] = static_cast<double>(rng() % 30) / 10.0;
  }
  const ScoreCurve c = ScoreCurve::build(y, s);
  for (double t : {-1.0, 0.0, 0.05, 0.1, 1.5, 2.9, 2.95, 3.0, 100.0}) {
    const Confusion a = confusion_at(y, s, t), b = confusion_at(c, t);
    EXPECT_EQ(a.tp, b.tp) << t;
    EXPECT_EQ(a.fp, b.fp) << t;
    EXPECT_EQ(a.tn, b.tn) << t;
    EXPECT_EQ(a.fn, b.fn) << t;
  }
}

TEST(ThresholdMetrics, HandComputedConfusion) {
  const Confusion c{3, 1, 4, 2};  // tp, fp, tn, fn
  EXPECT_DOUBLE_EQ(precision(c), 0.75);
  EXPECT_DOUBLE_EQ(recall(c), 0.6);
  EXPECT_DOUBLE_EQ(fbeta(c, 1.0), 2.0 * 3 / (2.0 * 3 + 1 + 2));
  EXPECT_DOUBLE_EQ(fbeta(c, 2.0), 5.0 * 3 / (5.0 * 3 + 4.0 * 2 + 1));
  EXPECT_DOUBLE_EQ(fbeta(c, 0.0), precision(c));  // beta = 0 is precision
  EXPECT_DOUBLE_EQ(mcc(c), (3.0 * 4 - 1.0 * 2) / std::sqrt(4.0 * 5 * 5 * 6));
  EXPECT_DOUBLE_EQ(balanced_accuracy(c), (0.6 + 0.8) / 2);
  EXPECT_DOUBLE_EQ(accuracy(c), 0.7);
  EXPECT_DOUBLE_EQ(total_cost(c, {1.0, 10.0, 0.0, 0.0}), 1.0 + 20.0);
  EXPECT_DOUBLE_EQ(total_cost(c, {2.0, 10.0, -5.0, 0.5}), 2.0 + 20.0 - 15.0 + 2.0);
}

TEST(ThresholdMetrics, ConfusionCountsScoreAtThresholdAsFlagged) {
  const Confusion c = confusion_at(Labels{1, 0, 1, 0}, Scores{0.5, 0.5, 0.2, 0.1}, 0.5);
  EXPECT_EQ(c.tp, 1);
  EXPECT_EQ(c.fp, 1);
  EXPECT_EQ(c.tn, 1);
  EXPECT_EQ(c.fn, 1);
}

TEST(ThresholdMetrics, UndefinedCasesReturnTheDocumentedValues) {
  const Confusion nothing_flagged{0, 0, 5, 3};
  EXPECT_EQ(precision(nothing_flagged), 0.0);
  EXPECT_EQ(mcc(nothing_flagged), 0.0);  // a zero marginal
  const Confusion no_positive{0, 2, 3, 0};
  EXPECT_EQ(recall(no_positive), 0.0);
  EXPECT_EQ(fbeta(no_positive, 1.0), 0.0);
  EXPECT_EQ(mcc(no_positive), 0.0);
  EXPECT_DOUBLE_EQ(balanced_accuracy(no_positive), 0.6);  // recall of the class present
  EXPECT_DOUBLE_EQ(balanced_accuracy(Confusion{4, 0, 0, 1}), 0.8);  // no negative
  EXPECT_EQ(balanced_accuracy(Confusion{}), 0.0);
  EXPECT_EQ(accuracy(Confusion{}), 0.0);
}

TEST(RankingMetrics, UndefinedCasesReturnTheDocumentedValues) {
  const double ap = average_precision(Labels{0, 0, 0}, Scores{0.1, 0.5, 0.5});
  EXPECT_EQ(ap, 0.0);
  EXPECT_FALSE(std::signbit(ap));  // scikit-learn 1.2 returns -0.0 here
  EXPECT_TRUE(std::isnan(roc_auc(Labels{0, 0}, Scores{0.1, 0.5})));
  EXPECT_TRUE(std::isnan(roc_auc(Labels{1}, Scores{0.1})));
  EXPECT_EQ(average_precision(Labels{1, 1}, Scores{0.1, 0.5}), 1.0);
  const RocCurve roc = roc_curve(ScoreCurve::build(Labels{1, 1, 1}, Scores{0.1, 0.5, 0.5}));
  EXPECT_EQ(roc.tpr, (Scores{0, 2.0 / 3.0, 1}));
  for (double f : roc.fpr) EXPECT_TRUE(std::isnan(f));
}

TEST(ProbabilityMetrics, HandComputed) {
  EXPECT_DOUBLE_EQ(log_loss(Labels{1, 0}, Scores{0.8, 0.3}), -(std::log(0.8) + std::log(0.7)) / 2);
  EXPECT_DOUBLE_EQ(brier_score(Labels{1, 0}, Scores{0.8, 0.3}), (0.04 + 0.09) / 2);
  // A certain, wrong prediction is clipped to eps instead of giving infinity.
  EXPECT_NEAR(log_loss(Labels{1}, Scores{0.0}), -std::log(1e-15), 1e-9);
  EXPECT_NEAR(log_loss(Labels{1}, Scores{0.0}, 1e-3), -std::log(1e-3), 1e-12);
}

TEST(TopK, TiesAtTheCutAreTakenInRowOrder) {
  // Row 0 is alone at the top; rows 1-3 tie at 0.5, so k = 2 takes row 1.
  const Scores s{0.9, 0.5, 0.5, 0.5};
  EXPECT_DOUBLE_EQ(precision_at_k(Labels{0, 1, 1, 0}, s, 2), 0.5);
  EXPECT_DOUBLE_EQ(precision_at_k(Labels{0, 0, 1, 1}, s, 2), 0.0);
  EXPECT_DOUBLE_EQ(precision_at_k(Labels{0, 1, 1, 0}, s, 3), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(recall_at_k(Labels{0, 1, 1, 0}, s, 3), 1.0);
  EXPECT_DOUBLE_EQ(recall_at_k(Labels{0, 0, 1, 1}, s, 2), 0.0);
}

TEST(TopK, EdgeValuesOfK) {
  const Labels y{1, 0, 1};
  const Scores s{0.2, 0.9, 0.4};
  EXPECT_EQ(precision_at_k(y, s, 0), 0.0);   // nothing flagged
  EXPECT_EQ(recall_at_k(y, s, 0), 0.0);
  EXPECT_DOUBLE_EQ(precision_at_k(y, s, 10), 2.0 / 3.0);  // clamped to n
  EXPECT_DOUBLE_EQ(recall_at_k(y, s, 10), 1.0);
  EXPECT_EQ(recall_at_k(Labels{0, 0}, Scores{1, 2}, 1), 0.0);  // no positive
}

TEST(AllMetrics, ReportsNullForUndefinedAndNonProbabilityValues) {
  const Labels y{0, 0, 0};
  MetricOptions o;
  {
    const nlohmann::json j = all_metrics(y, Scores{0.1, 0.6, 0.2}, o);
    EXPECT_TRUE(j["roc_auc"].is_null());
    EXPECT_EQ(j["average_precision"], 0.0);
    EXPECT_FALSE(j["log_loss"].is_null());
    EXPECT_EQ(j["k"], 0);
    EXPECT_EQ(j["positives"], 0);
  }
  const nlohmann::json j = all_metrics(Labels{0, 1}, Scores{-1.0, 2.0}, o);
  EXPECT_TRUE(j["log_loss"].is_null());
  EXPECT_TRUE(j["brier"].is_null());
  EXPECT_EQ(j["roc_auc"], 1.0);
  EXPECT_EQ(j["confusion"]["tp"], 1);
  EXPECT_EQ(j["cost"]["fn"], 1.0);
}

TEST(MetricErrors, BadInputsThrowTheDocumentedErrorKinds) {
  const Labels y{0, 1, 1};
  const Scores s{0.1, 0.2, 0.3};
  EXPECT_THROW(ScoreCurve::build(y, Scores{0.1, 0.2}), UsageError);
  EXPECT_THROW(ScoreCurve::build(Labels{}, Scores{}), UsageError);
  EXPECT_THROW(ScoreCurve::build(Labels{0, 2, 1}, s), DataError);
  EXPECT_THROW(ScoreCurve::build(y, Scores{0.1, std::nan(""), 0.3}), DataError);
  EXPECT_THROW(ScoreCurve::build(y, Scores{0.1, std::numeric_limits<double>::infinity(), 0.3}), DataError);
  EXPECT_THROW(roc_auc(y, Scores{0.1, 0.2, -std::numeric_limits<double>::infinity()}), DataError);
  EXPECT_THROW(confusion_at(y, Scores{0.1, 0.2}, 0.5), UsageError);
  EXPECT_THROW(confusion_at(y, s, std::nan("")), UsageError);
  EXPECT_THROW(confusion_at(ScoreCurve::build(y, s), std::nan("")), UsageError);
  EXPECT_THROW(confusion_at(Labels{0, 3, 1}, s, 0.5), DataError);
  EXPECT_THROW(log_loss(y, Scores{0.1, 1.2, 0.3}), DataError);
  EXPECT_THROW(brier_score(y, Scores{0.1, -0.01, 0.3}), DataError);
  EXPECT_THROW(log_loss(y, s, 0.7), UsageError);
  EXPECT_THROW(log_loss(Labels{}, Scores{}), UsageError);
  EXPECT_THROW(precision_at_k(y, s, -1), UsageError);
  EXPECT_THROW(recall_at_k(y, Scores{0.1, std::nan(""), 0.3}, 1), DataError);
  EXPECT_THROW(fbeta(Confusion{1, 1, 1, 1}, -1.0), UsageError);
  EXPECT_THROW(classification_report(Confusion{}), UsageError);
  MetricOptions o;
  o.k = -2;
  EXPECT_THROW(all_metrics(y, s, o), UsageError);
  o = {};
  o.threshold = std::nan("");
  EXPECT_THROW(all_metrics(y, s, o), UsageError);
  try {
    ScoreCurve::build(Labels{0, 1, 7}, s);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
}

TEST(ClassificationReport, HandComputedDictAndTable) {
  // y = [0, 1, 1, 0, 0], pred = [0, 1, 0, 0, 1]: tp 1, fp 1, tn 2, fn 1.
  const Confusion c{1, 1, 2, 1};
  const nlohmann::json r = classification_report(c);
  EXPECT_DOUBLE_EQ(r["0"]["precision"].get<double>(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r["1"]["recall"].get<double>(), 0.5);
  EXPECT_EQ(r["0"]["support"], 3);
  EXPECT_DOUBLE_EQ(r["accuracy"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(r["macro avg"]["f1-score"].get<double>(), (2.0 / 3.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(r["weighted avg"]["precision"].get<double>(), (2.0 / 3.0 * 3 + 0.5 * 2) / 5);
  EXPECT_EQ(classification_report_text(c),
            "              precision    recall  f1-score   support\n"
            "\n"
            "           0       0.67      0.67      0.67         3\n"
            "           1       0.50      0.50      0.50         2\n"
            "\n"
            "    accuracy                           0.60         5\n"
            "   macro avg       0.58      0.58      0.58         5\n"
            "weighted avg       0.60      0.60      0.60         5\n");
}

}  // namespace
}  // namespace fraudkit
