// The sampler step of a training pipeline: it resamples training rows only, SMOTENC gets the
// categorical columns folded back to codes and the classifier gets valid one-hot blocks, and
// scoring never resamples.
#include "pipeline/sampler_step.h"

#include <gtest/gtest.h>

#include "fraudkit/generate.h"
#include "fraudkit/resample_dataset.h"
#include "fraudkit/training.h"

namespace fraudkit {
namespace {

Dataset transactions() {
  return make_transactions(TransactionParams{.rows = 4000, .fraud_rate = 0.05, .seed = 3});
}

TEST(SamplerStep, SmotencSeesCategoriesAsCodesAndTheClassifierGetsValidOneHotRows) {
  const Dataset data = transactions();
  Preprocessor pre;
  pre.fit(data, data.all_rows());
  const Eigen::MatrixXd X = pre.transform(data, data.all_rows());
  std::vector<uint8_t> y(data.target.begin(), data.target.end());
  const auto sampler = make_sampler("smotenc", nlohmann::json::object());
  RunContext ctx;
  const pipeline_detail::FitRows out = pipeline_detail::resample_fit_rows(pre, X, y, {}, *sampler, ctx);
  ASSERT_EQ(out.X.cols(), X.cols());
  ASSERT_EQ(out.X.rows(), static_cast<Eigen::Index>(out.y.size()));
  int64_t pos = 0;
  for (uint8_t v : out.y) pos += v;
  EXPECT_EQ(pos, static_cast<int64_t>(out.y.size()) - pos);  // auto: balanced
  // Every output row has exactly one hot column in each categorical block.
  Eigen::Index at = 0;
  for (const auto& c : pre.columns()) {
    if (c.type != ColumnType::kCategorical) {
      ++at;
      continue;
    }
    const auto w = static_cast<Eigen::Index>(c.categories.size());
    for (Eigen::Index r = 0; r < out.X.rows(); ++r) {
      double sum = 0;
      for (Eigen::Index j = 0; j < w; ++j) {
        const double v = out.X(r, at + j);
        ASSERT_TRUE(v == 0.0 || v == 1.0) << "row " << r;
        sum += v;
      }
      ASSERT_EQ(sum, 1.0) << "row " << r;
    }
    at += w;
  }
  // The original rows come first, unchanged.
  EXPECT_TRUE(out.X.topRows(X.rows()).isApprox(X, 0.0) || out.X.topRows(X.rows()) == X);
}

TEST(SamplerStep, SampleWeightsFollowKeptRowsAndSyntheticRowsWeighOne) {
  const Dataset data = transactions();
  Preprocessor pre;
  pre.fit(data, data.all_rows());
  const Eigen::MatrixXd X = pre.transform(data, data.all_rows());
  std::vector<uint8_t> y(data.target.begin(), data.target.end());
  std::vector<double> w(y.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = 2.0 + static_cast<double>(i % 7);
  const auto sampler = make_sampler("rus", nlohmann::json::object());
  RunContext ctx;
  const pipeline_detail::FitRows out = pipeline_detail::resample_fit_rows(pre, X, y, w, *sampler, ctx);
  ASSERT_EQ(out.sample_weights.size(), out.y.size());
  // Under-sampling creates nothing: every weight is one of the input weights (>= 2).
  for (double v : out.sample_weights) EXPECT_GE(v, 2.0);
}

TEST(SamplerStep, TrainingWithASamplerResamplesTrainOnlyAndScoringNever) {
  const Dataset data = transactions();
  TrainOptions o;
  o.sampler = "smote";
  RunContext ctx;
  size_t classifier_rows = 0, train_rows = 0;
  ctx.fit_audit = [&](std::string_view step, std::span<const uint32_t> rows, const Eigen::MatrixXd* X) {
    if (step == "sampler") train_rows = rows.size();
    if (step == "classifier") classifier_rows = static_cast<size_t>(X->rows());
  };
  const TrainOutcome t = train_model(data, o, ctx);
  const auto& s = t.report["sampler"];
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["type"], "smote");
  EXPECT_EQ(s["report"]["rows_in"].get<size_t>(), t.report["data"]["train"]["rows"].get<size_t>());
  EXPECT_EQ(train_rows, t.report["data"]["train"]["rows"].get<size_t>());
  EXPECT_EQ(classifier_rows, s["report"]["rows_out"].get<size_t>());
  EXPECT_GT(classifier_rows, train_rows);
  // Validation and test sizes are the untouched split parts.
  EXPECT_EQ(t.report["validation"]["n"].get<size_t>(), t.report["data"]["validation"]["rows"].get<size_t>());
  EXPECT_EQ(t.report["test"]["n"].get<size_t>(), t.report["data"]["test"]["rows"].get<size_t>());
  // Scoring the same rows twice gives the same scores (no resampling at scoring time).
  const RowSet rows = data.all_rows();
  EXPECT_EQ(t.model.score(data, rows), t.model.score(data, rows));
  EXPECT_EQ(t.model.score(data, rows).size(), data.rows());
}

TEST(SamplerStep, ResampleDatasetKeepsColumnsTypesAndCategories) {
  const Dataset data = transactions();
  const auto sampler = make_sampler("smotenc", nlohmann::json::object());
  RunContext ctx;
  const DatasetResampling r = resample_dataset(data, data.all_rows(), *sampler, ctx);
  ASSERT_EQ(r.data.columns.size(), data.columns.size());
  for (size_t c = 0; c < data.columns.size(); ++c) {
    EXPECT_EQ(r.data.columns[c].name(), data.columns[c].name());
    EXPECT_EQ(r.data.columns[c].type(), data.columns[c].type());
    EXPECT_EQ(r.data.columns[c].schema.categories, data.columns[c].schema.categories);
    EXPECT_EQ(r.data.columns[c].size(), r.data.rows());
  }
  // Kept rows are copies of their source rows.
  for (size_t i = 0; i < r.source_rows.size(); ++i) {
    if (r.source_rows[i] < 0) continue;
    const auto src = static_cast<size_t>(r.source_rows[i]);
    ASSERT_EQ(r.data.target[i], data.target[src]);
    for (size_t c = 0; c < data.columns.size(); ++c) {
      if (data.columns[c].is_numeric()) ASSERT_EQ(r.data.columns[c].values[i], data.columns[c].values[src]);
      else ASSERT_EQ(r.data.columns[c].codes[i], data.columns[c].codes[src]);
    }
  }
  EXPECT_EQ(r.data.count_positives(), r.data.rows() - r.data.count_positives());
}

}  // namespace
}  // namespace fraudkit
