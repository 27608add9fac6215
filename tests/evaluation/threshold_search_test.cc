// choose_threshold: hand-computed cases for every policy, infeasible targets and their
// fallbacks, and a brute-force search (confusion recomputed from scratch at every candidate,
// objectives compared as exact fractions) asserting optimality and the higher-threshold tie rule.
#include "fraudkit/threshold.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "fraudkit/error.h"

namespace fraudkit {
namespace {

using Labels = std::vector<uint8_t>;
using Scores = std::vector<double>;

// Six rows, descending scores; labels 1 1 0 1 0 0. Candidates (threshold: tp, fp):
// nothing: 0,0 | 0.9: 1,0 | 0.8: 2,0 | 0.7: 2,1 | 0.6: 3,1 | 0.5: 3,2 | 0.4: 3,3.
const Labels kY{1, 1, 0, 1, 0, 0};
const Scores kS{0.9, 0.8, 0.7, 0.6, 0.5, 0.4};

ThresholdChoice choose(const std::string& spec, const Labels& y = kY, const Scores& s = kS) {
  return choose_threshold(ThresholdPolicy::parse(spec), y, s);
}

TEST(ChooseThreshold, F1AndFbetaByHand) {
  // F1 = 2tp / (2tp + fp + fn): 0.5, 0.8, 0.667, 0.857, 0.75, 0.667 -> 0.6.
  ThresholdChoice c = choose("f1");
  EXPECT_EQ(c.threshold, 0.6);
  EXPECT_DOUBLE_EQ(c.objective, 6.0 / 7.0);
  EXPECT_TRUE(c.feasible);
  EXPECT_EQ(c.validation.tp, 3);
  EXPECT_EQ(c.validation.fp, 1);
  EXPECT_EQ(c.validation.tn, 2);
  EXPECT_EQ(c.validation.fn, 0);
  EXPECT_FALSE(c.note.empty());
  // F0.5 weighs precision: 0.8 (tp 2, fp 0) scores 2.5 / 2.75.
  c = choose("fbeta:0.5");
  EXPECT_EQ(c.threshold, 0.8);
  EXPECT_DOUBLE_EQ(c.objective, 2.5 / 2.75);
  // F3 weighs recall: 0.6 gives 30 / 31 against 30 / 32 at 0.5.
  EXPECT_EQ(choose("fbeta:3").threshold, 0.6);
}

TEST(ChooseThreshold, CostByHandWithTheBayesThreshold) {
  // C_FP = 1, C_FN = 10: costs 30, 20, 10, 11, 1, 2, 3 -> 0.6.
  ThresholdChoice c = choose("cost:1:10");
  EXPECT_EQ(c.threshold, 0.6);
  EXPECT_DOUBLE_EQ(c.objective, 1.0);
  EXPECT_DOUBLE_EQ(c.bayes_threshold, 1.0 / 11.0);
  // Equal costs: 3, 2, 1, 2, 1, 2, 3 -> a tie between 0.8 and 0.6 goes to the higher one.
  c = choose("cost:1:1");
  EXPECT_EQ(c.threshold, 0.8);
  EXPECT_DOUBLE_EQ(c.objective, 1.0);
  EXPECT_DOUBLE_EQ(c.bayes_threshold, 0.5);
  // With C_TP and C_TN the Bayes threshold is (C_FP - C_TN) / (C_FP - C_TN + C_FN - C_TP).
  EXPECT_DOUBLE_EQ(choose("cost:3:10:-2:1").bayes_threshold, 2.0 / 14.0);
  EXPECT_EQ(choose("f1").bayes_threshold, -1);
}

TEST(ChooseThreshold, CapacityByHandNeverExceedsTheLimitAtTies) {
  EXPECT_EQ(choose("capacity:1/3").threshold, 0.8);  // limit 2
  EXPECT_EQ(choose("capacity:1/2").threshold, 0.7);  // limit 3
  EXPECT_EQ(choose("capacity:1/1").threshold, 0.4);  // everything
  // Rows 2-4 tie at 0.8: flagging them would make 4 > 2, so only the top row is flagged.
  const Scores tied{0.9, 0.8, 0.8, 0.8, 0.5, 0.4};
  ThresholdChoice c = choose("capacity:1/3", kY, tied);
  EXPECT_EQ(c.threshold, 0.9);
  EXPECT_EQ(c.objective, 1.0);
  EXPECT_EQ(c.validation.tp + c.validation.fp, 1);
  // A limit of 0 rows (floor(0.1 * 6)) flags nothing: a threshold just above the top score.
  c = choose("capacity:1/10");
  EXPECT_EQ(c.threshold, std::nextafter(0.9, std::numeric_limits<double>::infinity()));
  EXPECT_EQ(c.validation.tp + c.validation.fp, 0);
}

TEST(ChooseThreshold, CapacityLimitIsTheFloorDespiteBinaryRounding) {
  EXPECT_EQ(capacity_limit(7.0 / 100.0, 100), 7);
  EXPECT_EQ(capacity_limit(0.07, 100), 7);
  EXPECT_EQ(capacity_limit(1.0 / 3.0, 3), 1);
  EXPECT_EQ(capacity_limit(1.0 / 3.0, 5), 1);
  EXPECT_EQ(capacity_limit(0.01, 99), 0);
  EXPECT_EQ(capacity_limit(1.0, 12345), 12345);
  for (int64_t per = 1; per <= 300; ++per)
    for (int64_t k = 1; k <= per; k += 7)
      for (int64_t n : {1, 17, 100, 1000, 99991})
        ASSERT_EQ(capacity_limit(static_cast<double>(k) / static_cast<double>(per), n), k * n / per)
            << k << "/" << per << " of " << n;
}

TEST(ChooseThreshold, TargetPrecisionByHand) {
  // Precision >= 0.75 at 0.9, 0.8 (1.0) and 0.6 (0.75): the most recall is at 0.6.
  ThresholdChoice c = choose("precision:0.75");
  EXPECT_TRUE(c.feasible);
  EXPECT_EQ(c.threshold, 0.6);
  EXPECT_DOUBLE_EQ(c.objective, 1.0);
  c = choose("precision:0.8");
  EXPECT_EQ(c.threshold, 0.8);
  EXPECT_DOUBLE_EQ(c.objective, 2.0 / 3.0);
  EXPECT_EQ(choose("precision:1").threshold, 0.8);
}

TEST(ChooseThreshold, TargetRecallByHand) {
  ThresholdChoice c = choose("recall:0.6");  // recall 2/3 first reached at 0.8, precision 1
  EXPECT_TRUE(c.feasible);
  EXPECT_EQ(c.threshold, 0.8);
  EXPECT_DOUBLE_EQ(c.objective, 1.0);
  c = choose("recall:1");  // precisions 0.75, 0.6, 0.5 at full recall
  EXPECT_EQ(c.threshold, 0.6);
  EXPECT_DOUBLE_EQ(c.objective, 0.75);
}

TEST(ChooseThreshold, UnreachablePrecisionFallsBackToTheMostPreciseThreshold) {
  // Precisions: 0.9 -> 0, 0.8 -> 1/2, 0.7 -> 1/3, 0.6 -> 1/2. Both 1/2 points tie; the one
  // with more recall (0.6) is taken.
  const ThresholdChoice c = choose("precision:0.9", Labels{0, 1, 0, 1}, Scores{0.9, 0.8, 0.7, 0.6});
  EXPECT_FALSE(c.feasible);
  EXPECT_EQ(c.threshold, 0.6);
  EXPECT_DOUBLE_EQ(c.objective, 0.5);
  EXPECT_NE(c.note.find("INFEASIBLE"), std::string::npos) << c.note;
}

TEST(ChooseThreshold, WithoutValidationPositivesEveryPolicyFlagsNothing) {
  const Labels y{0, 0, 0};
  const Scores s{0.2, 0.7, 0.7};
  const double above = std::nextafter(0.7, std::numeric_limits<double>::infinity());
  for (const std::string spec : {"f1", "cost:1:10", "precision:0.5", "recall:0.5", "capacity:1/3"}) {
    const ThresholdChoice c = choose(spec, y, s);
    EXPECT_EQ(c.threshold, above) << spec;
    EXPECT_EQ(c.validation.fp, 0) << spec;
    const bool target = spec.rfind("precision", 0) == 0 || spec.rfind("recall", 0) == 0;
    EXPECT_EQ(c.feasible, !target) << spec;
  }
}

TEST(ChooseThreshold, RejectsBadInput) {
  EXPECT_THROW(choose("f1", Labels{}, Scores{}), UsageError);
  EXPECT_THROW(choose("f1", Labels{0, 1}, Scores{0.5}), UsageError);
  EXPECT_THROW(choose("f1", Labels{0, 2}, Scores{0.5, 0.1}), DataError);
  EXPECT_THROW(choose("f1", Labels{0, 1}, Scores{0.5, std::nan("")}), DataError);
  ThresholdPolicy p;
  p.kind = ThresholdPolicyKind::kPrecision;
  p.target = 0;
  EXPECT_THROW(choose_threshold(p, kY, kS), UsageError);
}

// --- brute force --------------------------------------------------------------------------

struct Counts {
  int64_t tp = 0, fp = 0, fn = 0, tn = 0;
};

Counts count_at(const Labels& y, const Scores& s, double t) {
  Counts c;
  for (size_t i = 0; i < y.size(); ++i) {
    const bool flagged = s[i] >= t;
    if (y[i]) (flagged ? c.tp : c.fn) += 1;
    else (flagged ? c.fp : c.tn) += 1;
  }
  return c;
}

// a/b > c/d for non-negative counts with positive denominators, by cross-multiplication
// (exact: every value here is a small integer or a multiple of 1/4).
bool greater_fraction(double a, double b, double c, double d) { return a * d > c * b; }

// The candidate the brute force expects: among feasible candidates the best one, ties to the
// higher threshold. Candidates are every distinct score plus "flag nothing"; the confusion is
// recounted from the rows at each one.
double brute_force_best(const Labels& y, const Scores& s, const std::function<bool(const Counts&)>& feasible,
                        const std::function<bool(const Counts&, const Counts&)>& better, bool& found) {
  std::set<double, std::greater<>> candidates(s.begin(), s.end());
  candidates.insert(std::nextafter(*candidates.begin(), std::numeric_limits<double>::infinity()));
  found = false;
  double best_t = 0;
  Counts best;
  for (double t : candidates) {  // descending: a later candidate must be strictly better
    const Counts c = count_at(y, s, t);
    if (!feasible(c)) continue;
    if (!found || better(c, best)) {
      found = true;
      best = c;
      best_t = t;
    }
  }
  return best_t;
}

auto always = [](const Counts&) { return true; };

TEST(ChooseThreshold, BruteForceAgreesOnRandomTiedData) {
  std::mt19937_64 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  int checked = 0, infeasible = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = 1 + static_cast<size_t>(pick(60));
    const int levels = std::vector<int>{2, 4, 8, 30}[static_cast<size_t>(pick(4))];
    const int positive_per_mille = std::vector<int>{0, 50, 200, 500, 1000}[static_cast<size_t>(pick(5))];
    Labels y(n);
    Scores s(n);
    for (size_t i = 0; i < n; ++i) {
      y[i] = pick(1000) < positive_per_mille;
      s[i] = (pick(levels) + (y[i] ? pick(3) : 0)) / static_cast<double>(levels);
    }
    SCOPED_TRACE("trial " + std::to_string(trial) + " n=" + std::to_string(n));
    const auto positives = static_cast<int64_t>(std::count(y.begin(), y.end(), 1));
    auto d = [](int64_t v) { return static_cast<double>(v); };
    bool found = false;

    // F-beta with beta^2 in {1/4, 1, 4}: (1+b2) tp / ((1+b2) tp + b2 fn + fp), 0 when 0/0.
    for (const double beta : {0.5, 1.0, 2.0}) {
      const double b2 = beta * beta;
      auto num = [&](const Counts& c) { return (1 + b2) * d(c.tp); };
      auto den = [&](const Counts& c) {
        const double v = num(c) + b2 * d(c.fn) + d(c.fp);
        return v == 0 ? 1.0 : v;
      };
      const double expected = brute_force_best(y, s, always, [&](const Counts& a, const Counts& b) {
        return greater_fraction(num(a), den(a), num(b), den(b));
      }, found);
      ThresholdPolicy p;
      p.beta = beta;
      EXPECT_EQ(choose_threshold(p, y, s).threshold, expected) << "beta " << beta;
      ++checked;
    }
    // Cost with small integer costs (exact sums, so ties are real ties).
    {
      const ThresholdPolicy p = ThresholdPolicy::parse("cost:" + std::to_string(1 + pick(3)) + ":" +
                                                       std::to_string(1 + pick(20)));
      auto cost = [&](const Counts& c) { return p.cost.fp * d(c.fp) + p.cost.fn * d(c.fn); };
      const double expected = brute_force_best(y, s, always, [&](const Counts& a, const Counts& b) {
        return cost(a) < cost(b);
      }, found);
      const ThresholdChoice choice = choose_threshold(p, y, s);
      EXPECT_EQ(choice.threshold, expected) << p.spec();
      const Counts at = count_at(y, s, choice.threshold);
      EXPECT_EQ(choice.validation.tp, at.tp);
      EXPECT_EQ(choice.validation.fp, at.fp);
      EXPECT_EQ(choice.validation.tn, at.tn);
      EXPECT_EQ(choice.validation.fn, at.fn);
      EXPECT_EQ(choice.objective, cost(at));
      ++checked;
    }
    // Capacity K/N: the most rows flagged without exceeding floor(K * n / N).
    {
      const int64_t per = 1 + pick(20), k = 1 + pick(static_cast<int>(per));
      const int64_t limit = k * static_cast<int64_t>(n) / per;
      const double expected = brute_force_best(
          y, s, [&](const Counts& c) { return c.tp + c.fp <= limit; },
          [&](const Counts& a, const Counts& b) { return a.tp + a.fp > b.tp + b.fp; }, found);
      ASSERT_TRUE(found);  // flagging nothing always fits
      const ThresholdPolicy p = ThresholdPolicy::parse("capacity:" + std::to_string(k) + "/" + std::to_string(per));
      const ThresholdChoice choice = choose_threshold(p, y, s);
      EXPECT_EQ(choice.threshold, expected) << p.spec();
      EXPECT_LE(choice.validation.tp + choice.validation.fp, limit);
      ++checked;
    }
    // Targets num/den: precision >= target maximising recall; recall >= target maximising
    // precision. Precision of nothing flagged counts as 0, so it never meets a target.
    for (const auto& [num, den] : std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {2, 3}, {3, 4}, {9, 10}, {1, 1}}) {
      const double target = d(num) / d(den);
      auto precise_enough = [&](const Counts& c) { return c.tp + c.fp > 0 && c.tp * den >= num * (c.tp + c.fp); };
      auto more_recall = [&](const Counts& a, const Counts& b) { return a.tp > b.tp; };
      double expected = brute_force_best(y, s, precise_enough, more_recall, found);
      const bool precision_feasible = found;
      if (!found) {  // fallback: most precise, then most recall, then the higher threshold
        ++infeasible;
        auto precision_of = [&](const Counts& c) { return std::pair(d(c.tp), c.tp + c.fp == 0 ? 1.0 : d(c.tp + c.fp)); };
        expected = brute_force_best(y, s, always, [&](const Counts& a, const Counts& b) {
          const auto [an, ad] = precision_of(a);
          const auto [bn, bd] = precision_of(b);
          if (greater_fraction(an, ad, bn, bd)) return true;
          return !greater_fraction(bn, bd, an, ad) && a.tp > b.tp;
        }, found);
      }
      ThresholdPolicy p;
      p.kind = ThresholdPolicyKind::kPrecision;
      p.target = target;
      ThresholdChoice choice = choose_threshold(p, y, s);
      EXPECT_EQ(choice.threshold, expected) << "precision " << target;
      EXPECT_EQ(choice.feasible, precision_feasible) << "precision " << target;
      ++checked;

      auto recalls_enough = [&](const Counts& c) { return positives > 0 && c.tp * den >= num * positives; };
      auto more_precise = [&](const Counts& a, const Counts& b) {
        return greater_fraction(d(a.tp), d(a.tp + a.fp), d(b.tp), d(b.tp + b.fp));  // both flag rows
      };
      expected = brute_force_best(y, s, recalls_enough, more_precise, found);
      if (!found) expected = std::nextafter(*std::max_element(s.begin(), s.end()), std::numeric_limits<double>::infinity());
      p.kind = ThresholdPolicyKind::kRecall;
      choice = choose_threshold(p, y, s);
      EXPECT_EQ(choice.threshold, expected) << "recall " << target;
      EXPECT_EQ(choice.feasible, found) << "recall " << target;
      ++checked;
    }
  }
  EXPECT_GT(checked, 4000);
  EXPECT_GT(infeasible, 50);  // the fallback path was exercised
}

}  // namespace
}  // namespace fraudkit
