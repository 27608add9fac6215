// Histogram gradient boosting: test-set AP within 0.005 of XGBoost 1.7 "hist" with matching
// settings (tests/oracle/xgb_oracle.py: lossguide growth, 31 leaves, 100 rounds, learning
// rate 0.1, lambda 1, min_child_weight 1, 255 bins, the same starting margin); scores that do
// not depend on the thread count; training loss that falls; and the errors.
// Matching the bins: our cut points are scikit-learn's _BinMapper's, XGBoost's come from its
// weighted quantile sketch. On every shared dataset small enough for a test (cover and http
// belong in bench/) we compare against XGBoost fed scikit-learn's bin indices (--binning
// sklearn), which gives both libraries the same split candidates. Against XGBoost on raw
// values the AP is also within 0.005 except on smtp.csv (9 test positives: 0.551 against
// 0.411-0.425) and thyroid.csv (0.888 against 0.894), where only the cut points differ:
// with scikit-learn's cuts XGBoost scores 0.550 and 0.888.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"
#include "models/gradient_boosting.h"
#include "test_support.h"

namespace fraudkit::models {
namespace {

using Split = testing::HoldoutSplit;

Split load_split(const std::string& name) { return testing::holdout_split(name); }

BoostingParams matching_params() {
  BoostingParams p;
  p.rounds = 100;
  p.learning_rate = 0.1;
  p.max_bins = 255;
  p.max_leaves = 31;
  p.lambda = 1.0;
  p.min_child_weight = 1.0;
  return p;
}

double test_ap(const std::string& name) {
  const Split s = load_split(name);
  GradientBoosting model;
  model.fit(s.train_X, s.train_y, {}, matching_params(), 2);
  const Eigen::VectorXd scores = model.predict_proba(s.test_X);
  return average_precision(s.test_y, std::span<const double>(scores.data(), static_cast<size_t>(scores.size())));
}

double xgboost_ap(const std::string& name, const std::string& binning) {
  const auto oracle = testing::source_dir() / "tests" / "oracle" / "xgb_oracle.py";
  return testing::run_python_json(oracle, testing::dataset_path(name).string() +
                                              " --target label --rounds 100 --max-leaves 31 --learning-rate 0.1"
                                              " --reg-lambda 1 --min-child-weight 1 --max-bin 255 --binning " +
                                              binning)["ap"]
      .get<double>();
}

TEST(GradientBoosting, TestApWithinHalfAPointOfXgboostOnTheSameBins) {
  for (const std::string name : {"annthyroid.csv", "campaign.csv", "cardio.csv", "mammography.csv", "satimage-2.csv",
                                 "shuttle.csv", "smtp.csv", "thyroid.csv"}) {
    const double ap = test_ap(name), peer = xgboost_ap(name, "sklearn");
    EXPECT_NEAR(ap, peer, 0.005) << name;
    std::printf("%-16s AP fraudkit %.4f  xgboost on the same bins %.4f\n", name.c_str(), ap, peer);
  }
}

TEST(GradientBoosting, TestApWithinHalfAPointOfXgboostOnRawValues) {
  for (const std::string name :
       {"annthyroid.csv", "campaign.csv", "cardio.csv", "mammography.csv", "satimage-2.csv", "shuttle.csv"}) {
    const double ap = test_ap(name), peer = xgboost_ap(name, "xgboost");
    EXPECT_NEAR(ap, peer, 0.005) << name;
    std::printf("%-16s AP fraudkit %.4f  xgboost %.4f\n", name.c_str(), ap, peer);
  }
}

TEST(GradientBoosting, ScoresDoNotDependOnTheThreadCountAndTheLossFalls) {
  const Split s = load_split("mammography.csv");
  BoostingParams p = matching_params();
  p.rounds = 20;
  GradientBoosting one, two;
  one.fit(s.train_X, s.train_y, {}, p, 1);
  two.fit(s.train_X, s.train_y, {}, p, 2);
  const Eigen::VectorXd a = one.decision_function(s.test_X), b = two.decision_function(s.test_X);
  for (Eigen::Index r = 0; r < a.size(); ++r) ASSERT_EQ(a[r], b[r]) << "row " << r;
  EXPECT_EQ(one.training_loss(), two.training_loss());
  {  // 66k training rows: the histogram sums and the row partition run in parallel blocks
    const Split big = load_split("smtp.csv");
    BoostingParams q = matching_params();
    q.rounds = 10;
    GradientBoosting x, y;
    x.fit(big.train_X, big.train_y, {}, q, 1);
    y.fit(big.train_X, big.train_y, {}, q, 2);
    const Eigen::VectorXd c = x.decision_function(big.test_X, 1), d = y.decision_function(big.test_X, 2);
    for (Eigen::Index r = 0; r < c.size(); ++r) ASSERT_EQ(c[r], d[r]) << "smtp row " << r;
  }
  double previous = 1e300;
  for (int rounds = 1; rounds <= 20; ++rounds) {  // each round lowers the training loss
    p.rounds = rounds;
    GradientBoosting m;
    m.fit(s.train_X, s.train_y, {}, p, 2);
    EXPECT_LT(m.training_loss(), previous) << rounds << " rounds";
    previous = m.training_loss();
  }
}

TEST(GradientBoosting, SubsamplingIsSeededAndDoesNotDependOnTheThreadCount) {
  const Split s = load_split("mammography.csv");
  BoostingParams p = matching_params();
  p.rounds = 15;
  p.subsample = 0.5;
  p.colsample = 0.5;  // 3 of mammography's 6 features per tree
  p.seed = 7;
  GradientBoosting one, two, other_seed;
  one.fit(s.train_X, s.train_y, {}, p, 1);
  two.fit(s.train_X, s.train_y, {}, p, 2);
  p.seed = 8;
  other_seed.fit(s.train_X, s.train_y, {}, p, 2);
  const Eigen::VectorXd a = one.decision_function(s.test_X), b = two.decision_function(s.test_X),
                        c = other_seed.decision_function(s.test_X);
  for (Eigen::Index r = 0; r < a.size(); ++r) ASSERT_EQ(a[r], b[r]) << "row " << r;
  EXPECT_NE(a, c) << "another seed draws other rows and features";
  const double n = static_cast<double>(s.train_X.rows());
  for (const HistogramTree& tree : one.trees()) {
    // The root holds the drawn rows: Binomial(n, 0.5) is within 5 standard deviations of n / 2.
    EXPECT_NEAR(tree.nodes()[0].rows, n / 2, 5 * std::sqrt(n / 4));
    std::set<int> used;
    for (const TreeNode& node : tree.nodes())
      if (node.feature >= 0) used.insert(node.feature);
    EXPECT_LE(used.size(), 3u) << "a tree split on more features than colsample allows";
  }
}

TEST(GradientBoosting, EarlyStoppingKeepsTheBestRoundOnTheHeldOutRows) {
  const Split s = load_split("mammography.csv");
  for (const std::string metric : {"logloss", "ap"}) {
    BoostingParams p = matching_params();
    p.rounds = 400;
    p.learning_rate = 0.5;  // overfits quickly, so the held-out score turns
    p.early_stopping_rounds = 10;
    p.early_stopping_metric = metric;
    GradientBoosting model;
    model.fit(s.train_X, s.train_y, {}, p, 2);
    const std::vector<double>& score = model.validation_score();
    const size_t kept = model.trees().size();
    ASSERT_LT(score.size(), 400u) << metric << ": never stopped";
    ASSERT_EQ(score.size(), kept + 10) << metric << ": stopped after the patience ran out";
    const auto better = [&](double x, double y) { return metric == "ap" ? x > y : x < y; };
    for (size_t i = 0; i < score.size(); ++i)
      if (i != kept - 1) {
        EXPECT_FALSE(better(score[i], score[kept - 1])) << metric << " round " << i;
      }
  }
}

TEST(GradientBoosting, BadInputIsAClearError) {
  Eigen::MatrixXd X(4, 1);
  X << 1, 2, 3, 4;
  const std::vector<uint8_t> one_class{0, 0, 0, 0}, y{0, 1, 0, 1};
  GradientBoosting model;
  EXPECT_THROW(model.fit(X, one_class, {}, {}, 1), DataError);
  EXPECT_THROW(model.fit(X, std::vector<uint8_t>{0, 1}, {}, {}, 1), UsageError);
  const std::vector<double> negative{1, -1, 1, 1};
  EXPECT_THROW(model.fit(X, y, negative, {}, 1), DataError);
  BoostingParams bad;
  bad.learning_rate = 0;
  EXPECT_THROW(model.fit(X, y, {}, bad, 1), UsageError);
  bad = {};
  bad.early_stopping_metric = "auc";
  EXPECT_THROW(model.fit(X, y, {}, bad, 1), UsageError);
  bad = {};
  bad.early_stopping_rounds = 3;  // one positive of each class cannot be split 2 ways
  EXPECT_THROW(model.fit(X, std::vector<uint8_t>{0, 1, 0, 0}, {}, bad, 1), DataError);
  model.fit(X, y, {}, {.rounds = 2}, 1);
  EXPECT_THROW(model.predict_proba(Eigen::MatrixXd(2, 3)), UsageError);
}

}  // namespace
}  // namespace fraudkit::models
