// Reason codes: each model's contributions add up to its raw score (log-odds for logistic
// regression and boosting, probability for the forest), logistic regression's are exactly
// coefficient x standardised value, the top-k are ordered by size, models without
// explanations say so, and `predict --explain K` writes them.
#include <cmath>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "fraudkit/artifact.h"
#include "fraudkit/error.h"
#include "fraudkit/generate.h"
#include "fraudkit/training.h"
#include "models/logistic_classifier.h"
#include "test_support.h"

namespace fraudkit {
namespace {

const Dataset& data() {
  static const Dataset d = make_transactions(TransactionParams{.rows = 4000, .fraud_rate = 0.05, .seed = 17});
  return d;
}

TrainOutcome trained(const std::string& model) {
  TrainOptions o;
  o.model = model;
  return train_model(data(), o, RunContext{});
}

TEST(Explanations, ContributionsAddUpToTheRawScore) {
  for (const std::string name : {"logistic_regression", "gradient_boosting", "random_forest"}) {
    const TrainOutcome t = trained(name);
    std::vector<uint32_t> rows;  // every 7th row keeps the forest's TreeSHAP quick under the sanitizers
    for (uint32_t r = 0; r < data().rows(); r += 7) rows.push_back(r);
    const Eigen::MatrixXd X = t.model.preprocess.transform(data(), rows);
    const Eigen::MatrixXd c = t.model.classifier->contributions(X);
    ASSERT_EQ(c.cols(), X.cols() + 1) << name;
    const Eigen::VectorXd p = t.model.classifier->predict_proba(X);
    const bool log_odds = t.model.classifier->contribution_scale() == "log-odds";
    EXPECT_EQ(t.model.classifier->contribution_scale(), name == "random_forest" ? "probability" : "log-odds");
    for (Eigen::Index r = 0; r < X.rows(); ++r) {
      // Compared as probabilities: the logit of a score near 1 loses digits (1 - p).
      const double sum = c.row(r).sum();
      EXPECT_NEAR(log_odds ? 1 / (1 + std::exp(-sum)) : sum, p[r], 1e-12) << name << " row " << r;
    }
  }
}

TEST(Explanations, LogisticRegressionIsCoefficientTimesStandardisedValue) {
  const TrainOutcome t = trained("logistic_regression");
  const auto& lr = dynamic_cast<const LogisticClassifier&>(*t.model.classifier).model();
  const Eigen::MatrixXd X = t.model.preprocess.transform(data(), data().all_rows());
  const Eigen::MatrixXd c = t.model.classifier->contributions(X);
  for (Eigen::Index r = 0; r < 20; ++r) {
    for (Eigen::Index j = 0; j < X.cols(); ++j) EXPECT_EQ(c(r, j), lr.coef()[j] * X(r, j));
    EXPECT_EQ(c(r, X.cols()), lr.intercept());
  }
}

TEST(Explanations, TopReasonsAreTheLargestContributionsInOrder) {
  const TrainOutcome t = trained("gradient_boosting");
  const std::vector<uint32_t> rows = {0, 1, 2, 3, 4, 5};
  const auto reasons = t.model.explain(data(), rows, 3);
  const Eigen::MatrixXd X = t.model.preprocess.transform(data(), rows);
  const Eigen::MatrixXd c = t.model.classifier->contributions(X);
  const std::vector<std::string> names = t.model.preprocess.output_names();
  ASSERT_EQ(reasons.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(reasons[i].size(), 3u);
    std::vector<double> sizes;
    for (Eigen::Index j = 0; j < X.cols(); ++j) sizes.push_back(std::abs(c(static_cast<Eigen::Index>(i), j)));
    std::sort(sizes.rbegin(), sizes.rend());
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(std::abs(reasons[i][k].contribution), sizes[k]) << "row " << i << " reason " << k;
      const auto at = std::find(names.begin(), names.end(), reasons[i][k].feature);
      ASSERT_NE(at, names.end());
      EXPECT_EQ(reasons[i][k].contribution, c(static_cast<Eigen::Index>(i), at - names.begin()));
    }
  }
  EXPECT_THROW(trained("isolation_forest").model.explain(data(), rows, 3), UsageError);
}

TEST(Explanations, PredictWritesReasonColumns) {
  testing::TempDir tmp;
  const std::string csv = (tmp / "tx.csv").string(), model = (tmp / "m.fkm").string();
  ASSERT_EQ(testing::run_cli("generate transactions --rows 3000 --fraud-rate 0.05 --seed 2 --out " + csv).exit_code, 0);
  ASSERT_EQ(testing::run_cli("train --data " + csv + " --target is_fraud --model gradient_boosting --param rounds=20 --out " +
                             model).exit_code, 0);
  const auto r = testing::run_cli("predict --model " + model + " --data " + csv + " --explain 2 --out " +
                                  (tmp / "s.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(testing::read_file(tmp / "s.csv"));
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header, "score,decision,reason_1,contribution_1,reason_2,contribution_2");
  size_t rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    ASSERT_EQ(f.size(), 6u) << line;
    EXPECT_GE(std::abs(std::stod(f[3])), std::abs(std::stod(f[5]))) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 3000u);
  const auto bad = testing::run_cli("predict --model " + model + " --data " + csv + " --explain 0 --out " +
                                    (tmp / "t.csv").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(tmp / "t.csv"));
}

}  // namespace
}  // namespace fraudkit
