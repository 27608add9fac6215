// Native categorical splits in gradient boosting: test-set AP within 0.005 of XGBoost 1.7 with
// enable_categorical on a data set with a 40-category column (partition splits), a 3-category
// column (one-vs-rest splits) and missing categories (tests/oracle/xgb_oracle.py
// --categorical); the one-hot folding by hand; the artifact round trip; explanations that add
// up to the margin and land on the row's own category column.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "common/random.h"
#include "fraudkit/classifier.h"
#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"
#include "fraudkit/preprocess.h"
#include "models/boosting_classifier.h"
#include "models/category_folding.h"
#include "test_support.h"

namespace fraudkit {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// 20,000 card transactions: the fraud log-odds depend on the merchant (40 merchants, each with
// its own risk, 3% of rows without one), the channel (3) and the amount.
std::string categorical_csv() {
  Rng rng(42);
  std::vector<double> merchant_risk(40);
  for (double& r : merchant_risk) r = rng.normal() * 1.2;
  const char* channels[] = {"app", "pos", "web"};
  const double channel_risk[] = {0.0, -0.8, 0.9};
  std::string csv = "amount,merchant_id,channel,hour,label\n";
  for (int i = 0; i < 20000; ++i) {
    const double amount = std::exp(3.5 + rng.normal());
    const int merchant = static_cast<int>(rng.below(40)), channel = static_cast<int>(rng.below(3));
    const bool unknown = rng.uniform() < 0.03;
    const int hour = static_cast<int>(rng.below(24));
    const double logit = -4.2 + (unknown ? 1.0 : merchant_risk[static_cast<size_t>(merchant)]) +
                         channel_risk[channel] + 0.4 * (std::log(amount) - 3.5) + (hour < 6 ? 0.7 : 0.0);
    const bool fraud = rng.uniform() < 1 / (1 + std::exp(-logit));
    char line[128];
    std::snprintf(line, sizeof line, "%.2f,%s,%s,%d,%d\n", amount,
                  unknown ? "" : ("m" + std::string(merchant < 10 ? "0" : "") + std::to_string(merchant)).c_str(),
                  channels[channel], hour, fraud ? 1 : 0);
    csv += line;
  }
  return csv;
}

struct Fitted {
  std::unique_ptr<Classifier> model;
  Preprocessor preprocess;
  Eigen::MatrixXd test_X;
  std::vector<uint8_t> test_y;
};

// Rows r % 10 < 7 train, the others test, as the oracle splits them.
Fitted fit_on(const std::filesystem::path& csv, const std::string& categorical) {
  CsvOptions options;
  options.target = "label";
  options.declared_types = {{"merchant_id", ColumnType::kCategorical}, {"channel", ColumnType::kCategorical}};
  const Dataset data = read_csv(csv.string(), options).data;
  std::vector<uint32_t> train, test;
  for (uint32_t r = 0; r < data.rows(); ++r) (r % 10 < 7 ? train : test).push_back(r);
  Fitted f;
  f.preprocess = Preprocessor({.scale = false});
  f.preprocess.fit(data, train);
  const Eigen::MatrixXd X = f.preprocess.transform(data, train);
  std::vector<uint8_t> y;
  for (const uint32_t r : train) y.push_back(data.target[r]);
  for (const uint32_t r : test) f.test_y.push_back(data.target[r]);
  f.test_X = f.preprocess.transform(data, test);
  f.model = make_classifier("gradient_boosting", {{"rounds", 100}, {"max_leaves", 31}, {"learning_rate", 0.1},
                                                  {"categorical", categorical}});
  f.model->set_one_hot_blocks(f.preprocess.one_hot_blocks());
  f.model->fit(X, y, {});
  return f;
}

double ap_of(const Fitted& f, const Eigen::VectorXd& scores) {
  return average_precision(f.test_y, std::span<const double>(scores.data(), static_cast<size_t>(scores.size())));
}

class BoostingCategorical : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::write_file(*dir_ / "categorical.csv", categorical_csv());
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::filesystem::path csv() { return *dir_ / "categorical.csv"; }
  static testing::TempDir* dir_;
};
testing::TempDir* BoostingCategorical::dir_ = nullptr;

TEST_F(BoostingCategorical, TestApWithinHalfAPointOfXgboostWithEnableCategorical) {
  const Fitted f = fit_on(csv(), "native");
  const double ap = ap_of(f, f.model->predict_proba(f.test_X));
  const auto oracle = testing::source_dir() / "tests" / "oracle" / "xgb_oracle.py";
  const double peer = testing::run_python_json(
      oracle, csv().string() +
                  " --target label --rounds 100 --max-leaves 31 --learning-rate 0.1 --reg-lambda 1"
                  " --min-child-weight 1 --max-bin 255 --binning sklearn --categorical merchant_id,channel")["ap"]
                          .get<double>();
  const Fitted one_hot = fit_on(csv(), "onehot");
  std::printf("categorical AP fraudkit %.4f  xgboost enable_categorical %.4f  (fraudkit on one-hot columns %.4f)\n", ap,
              peer, ap_of(one_hot, one_hot.model->predict_proba(one_hot.test_X)));
  EXPECT_NEAR(ap, peer, 0.005);
  EXPECT_EQ(f.model->fit_report()["categorical_features"], 2);
}

TEST_F(BoostingCategorical, SavedAndLoadedModelScoresTheSame) {
  const Fitted f = fit_on(csv(), "native");
  const nlohmann::json state = f.model->state_to_json();
  ASSERT_TRUE(state.contains("one_hot_blocks"));
  const std::unique_ptr<Classifier> loaded =
      load_classifier("gradient_boosting", f.model->params_to_json(), nlohmann::json::parse(state.dump()));
  const Eigen::VectorXd a = f.model->predict_proba(f.test_X), b = loaded->predict_proba(f.test_X);
  for (Eigen::Index r = 0; r < a.size(); ++r) ASSERT_EQ(a[r], b[r]) << "row " << r;
  // The trees do split on sets of merchants.
  size_t categorical_splits = 0;
  for (const auto& tree : state.at("trees"))
    if (tree.contains("left_categories"))
      for (const auto& codes : tree.at("left_categories")) categorical_splits += !codes.is_null();
  EXPECT_GT(categorical_splits, 100u);
  // A block that points outside the columns is refused.
  nlohmann::json bad = state;
  bad["one_hot_blocks"][0]["width"] = 1000;
  EXPECT_THROW(load_classifier("gradient_boosting", f.model->params_to_json(), bad), ArtifactError);
  // So is a category set with a code past 255.
  bad = state;
  for (auto& tree : bad["trees"])
    if (tree.contains("left_categories"))
      for (auto& codes : tree["left_categories"])
        if (!codes.is_null()) codes.push_back(300);
  EXPECT_THROW(load_classifier("gradient_boosting", f.model->params_to_json(), bad), ArtifactError);
}

TEST_F(BoostingCategorical, ContributionsAddUpAndLandOnTheRowsOwnCategory) {
  const Fitted f = fit_on(csv(), "native");
  const Eigen::MatrixXd X = f.test_X.topRows(300);
  const Eigen::MatrixXd phi = f.model->contributions(X);
  ASSERT_EQ(phi.cols(), X.cols() + 1);
  const Eigen::VectorXd p = f.model->predict_proba(X);
  const std::vector<OneHotBlock> blocks = f.preprocess.one_hot_blocks();
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    EXPECT_NEAR(phi.row(r).sum(), std::log(p[r] / (1 - p[r])), 1e-9) << "row " << r;
    for (const OneHotBlock& b : blocks) {
      // A missing category's contribution sits on the block's first column.
      const bool missing = X.row(r).segment(b.first, b.width).sum() == 0;
      for (int c = b.first; c < b.first + b.width; ++c) {
        if (X(r, c) == 0 && !(missing && c == b.first)) {
          EXPECT_EQ(phi(r, c), 0.0) << "row " << r << " column " << c << " is not the row's category";
        }
      }
    }
  }
}

TEST(CategoryFolding, BlocksBecomeCodeColumns) {
  // Columns: x, a=0, a=1, a=2, y, b=0, b=1 (b wider than 1 category is folded too).
  const OneHotBlock blocks[] = {{1, 3}, {5, 2}};
  const models::CategoryFolding folding(7, blocks, 255);
  EXPECT_EQ(folding.categories(), (std::vector<int>{0, 3, 0, 2}));
  Eigen::MatrixXd X(4, 7);
  X << 0.5, 0, 1, 0, 7, 1, 0,  //
      -1, 0, 0, 0, 8, 0, 1,    // a missing or unseen: all zeros
      2, 0.3, 0.7, 0, 9, 0, 1,  // an interpolated (SMOTE) row: the larger share wins
      kNaN, 0, 0, 1, kNaN, 1, 0;
  const Eigen::MatrixXd F = folding.fold(X);
  ASSERT_EQ(F.cols(), 4);
  const double want[4][4] = {{0.5, 1, 7, 0}, {-1, kNaN, 8, 1}, {2, 1, 9, 1}, {kNaN, 2, kNaN, 0}};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) {
      if (std::isnan(want[r][c])) EXPECT_TRUE(std::isnan(F(r, c))) << r << "," << c;
      else EXPECT_EQ(F(r, c), want[r][c]) << r << "," << c;
    }
  std::vector<double> row(4);
  folding.fold_row(X.row(2).eval().data(), row.data());
  EXPECT_EQ(row, (std::vector<double>{2, 1, 9, 1}));
  // A block with more categories than the bins hold stays one-hot.
  EXPECT_EQ(models::CategoryFolding(7, blocks, 2).categories(), (std::vector<int>{0, 0, 0, 0, 0, 2}));
  const OneHotBlock overlapping[] = {{1, 3}, {2, 2}};
  EXPECT_THROW(models::CategoryFolding(7, overlapping, 255), UsageError);
}

}  // namespace
}  // namespace fraudkit
