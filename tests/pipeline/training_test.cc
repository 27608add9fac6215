// The training spine's honesty invariants: fit sees train rows only, the threshold comes from
// validation only, and the test metrics are those of the frozen threshold on the test rows.
#include "fraudkit/training.h"

#include <cmath>

#include <gtest/gtest.h>

#include "fraudkit/generate.h"

namespace fraudkit {
namespace {

struct TrainedRun {
  Dataset data;
  TrainValTest split;
  TrainOutcome out;
};

TrainedRun run_with(TrainOptions o, uint64_t seed = 5) {
  TrainedRun r;
  r.data = make_transactions(TransactionParams{.rows = 6000, .fraud_rate = 0.03, .seed = 11});
  RunContext ctx;
  ctx.seed = seed;
  r.split = stratified_split(r.data, o.split, seed);  // the same split train_model makes
  r.out = train_model(r.data, o, ctx);
  return r;
}

std::vector<uint8_t> labels(const Dataset& d, const RowSet& rows) {
  std::vector<uint8_t> y;
  for (uint32_t r : rows) y.push_back(d.target[r]);
  return y;
}

TEST(Training, PreprocessingIsFittedOnTrainRowsOnly) {
  TrainedRun r = run_with(TrainOptions{});
  const int amount = r.data.find_column("amount");
  double sum = 0;
  for (uint32_t row : r.split.train) sum += r.data.columns[static_cast<size_t>(amount)].values[row];
  const double train_mean = sum / static_cast<double>(r.split.train.size());
  EXPECT_NEAR(r.out.model.preprocess.columns()[0].mean, train_mean, 1e-9 * std::abs(train_mean));
  double all = 0;
  for (double v : r.data.columns[static_cast<size_t>(amount)].values) all += v;
  EXPECT_NE(r.out.model.preprocess.columns()[0].mean, all / static_cast<double>(r.data.rows()));
}

TEST(Training, ThresholdIsTheValidationOptimumAndTestUsesItFrozen) {
  TrainOptions o;
  o.policy = ThresholdPolicy::parse("fbeta:2");
  TrainedRun r = run_with(o);
  const Model& m = r.out.model;
  // Recompute the validation optimum by brute force over every candidate threshold.
  const std::vector<double> s_val = m.score(r.data, r.split.validation);
  const std::vector<uint8_t> y_val = labels(r.data, r.split.validation);
  double best = -1;
  for (double t : s_val) best = std::max(best, fbeta(confusion_at(y_val, s_val, t), 2.0));
  EXPECT_NEAR(fbeta(confusion_at(y_val, s_val, m.threshold), 2.0), best, 1e-12);
  // The reported test confusion is the frozen threshold applied to the test rows.
  const std::vector<double> s_test = m.score(r.data, r.split.test);
  const Confusion c = confusion_at(labels(r.data, r.split.test), s_test, m.threshold);
  const auto& rc = r.out.report.at("test").at("confusion");
  EXPECT_EQ(rc.at("tp").get<int64_t>(), c.tp);
  EXPECT_EQ(rc.at("fp").get<int64_t>(), c.fp);
  EXPECT_EQ(rc.at("fn").get<int64_t>(), c.fn);
  EXPECT_EQ(r.out.report.at("test").at("threshold").get<double>(), m.threshold);
}

TEST(Training, FlippingTestLabelsChangesNothingButTheTestMetrics) {
  // If any test label leaked into fitting or tuning, flipping them would move something.
  TrainedRun a = run_with(TrainOptions{});
  Dataset flipped = a.data;
  for (uint32_t row : a.split.test) flipped.target[row] ^= 1;
  RunContext ctx;
  ctx.seed = 5;
  const TrainOutcome b = train_on_split(flipped, a.split, TrainOptions{}, ctx);
  EXPECT_EQ(b.model.threshold, a.out.model.threshold);
  EXPECT_EQ(b.model.classifier->state_to_json(), a.out.model.classifier->state_to_json());
  EXPECT_EQ(b.report.at("validation").at("average_precision"), a.out.report.at("validation").at("average_precision"));
  EXPECT_NE(b.report.at("test").at("average_precision"), a.out.report.at("test").at("average_precision"));
}

// With an unpenalised intercept the optimum satisfies sum_i w_i (p_i - y_i) = 0 over the
// training rows: unweighted, the mean score equals the training prevalence; balanced, the
// weighted residuals cancel with w1/w0 = n0/n1 — so balanced scores are pushed up.
TEST(Training, ClassWeightsEnterTheFitAsTheInterceptEquationRequires) {
  TrainOptions plain, balanced;
  balanced.class_weight = ClassWeight::parse("balanced");
  TrainedRun a = run_with(plain), b = run_with(balanced);
  const std::vector<uint8_t> y = labels(a.data, a.split.train);
  const auto pa = a.out.model.score(a.data, a.split.train), pb = b.out.model.score(b.data, b.split.train);
  double n1 = 0;
  for (uint8_t v : y) n1 += v;
  const double n0 = static_cast<double>(y.size()) - n1;
  double resid_a = 0, resid_b = 0, mean_a = 0, mean_b = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    resid_a += pa[i] - y[i];
    resid_b += (y[i] ? n0 : n1) * (pb[i] - y[i]);  // weights proportional to n/(2 n_class)
    mean_a += pa[i];
    mean_b += pb[i];
  }
  EXPECT_NEAR(resid_a, 0.0, 1e-6 * n1);
  EXPECT_NEAR(resid_b, 0.0, 1e-6 * n1 * n0);
  EXPECT_GT(mean_b, 2 * mean_a);
}

// C * sum(w * loss) with every w = 2 is the objective of C' = 2C without weights.
TEST(Training, UniformSampleWeightOfTwoEqualsDoublingC) {
  Dataset data = make_transactions(TransactionParams{.rows = 5000, .fraud_rate = 0.04, .seed = 2});
  RunContext ctx;
  TrainOptions doubled_c;
  doubled_c.model_params = {{"C", 2.0}};
  const TrainOutcome reference = train_model(data, doubled_c, ctx);
  data.weights.assign(data.rows(), 2.0);
  const TrainOutcome weighted = train_model(data, TrainOptions{}, ctx);
  const auto a = weighted.model.classifier->state_to_json(), b = reference.model.classifier->state_to_json();
  ASSERT_EQ(a.at("coef").size(), b.at("coef").size());
  for (size_t j = 0; j < a.at("coef").size(); ++j)
    EXPECT_NEAR(a.at("coef")[j].get<double>(), b.at("coef")[j].get<double>(), 1e-7);
  EXPECT_NEAR(a.at("intercept").get<double>(), b.at("intercept").get<double>(), 1e-7);
  EXPECT_TRUE(weighted.report.at("data").at("sample_weights").get<bool>());
}

TEST(Training, ReportCarriesTheDecisionsAndTheSplit) {
  TrainedRun r = run_with(TrainOptions{});
  const auto& d = r.out.report.at("data");
  EXPECT_EQ(d.at("train").at("rows").get<size_t>(), r.split.train.size());
  EXPECT_EQ(d.at("test").at("rows").get<size_t>(), r.split.test.size());
  EXPECT_EQ(d.at("fingerprint").get<std::string>(), r.data.fingerprint());
  EXPECT_EQ(r.out.report.at("threshold").at("policy").get<std::string>(), "f1");
  EXPECT_TRUE(r.out.report.at("model").at("fit_report").at("converged").get<bool>());
}

}  // namespace
}  // namespace fraudkit
