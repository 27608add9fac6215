// RandomOverSampler: plain bootstrap (repeats in `kept`) and smoothed bootstrap (shrinkage).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"
#include "sampling/over_sampler_test_support.h"

namespace fraudkit {
namespace {

using testing::over::Data;
using testing::over::load_shared;
using testing::over::run_sampler;

TEST(OverSamplerRandom, RepeatsRowsOfTheGrownClassUniformlyAfterEveryInputRow) {
  const Data d = load_shared("thyroid");  // 93 positives, 3,586 rows drawn
  const ResampleResult r = run_sampler("ros", {}, d, 4);
  const auto n = static_cast<uint32_t>(d.y.size());
  EXPECT_EQ(r.synthetic.rows(), 0);
  EXPECT_TRUE(r.synthetic_y.empty());
  ASSERT_EQ(r.kept.size(), static_cast<size_t>(2 * d.count(0)));
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(r.kept[i], i);
  std::map<uint32_t, int64_t> drawn;
  for (size_t i = n; i < r.kept.size(); ++i) {
    ASSERT_LT(r.kept[i], n);
    ASSERT_EQ(d.y[r.kept[i]], 1) << "drew a row of the other class";
    ++drawn[r.kept[i]];
  }
  // Chi-square goodness of fit to uniform over the 93 positives (df 92: mean 92, sd ~13.6).
  const double draws = static_cast<double>(r.kept.size() - n), expect = draws / static_cast<double>(d.count(1));
  double chi2 = 0;
  for (uint32_t i = 0; i < n; ++i)
    if (d.y[i] == 1) chi2 += std::pow(static_cast<double>(drawn[i]) - expect, 2) / expect;
  EXPECT_LT(chi2, 92 + 6 * 13.6);
  EXPECT_EQ(r.report.at("positives_out"), d.count(0));
  EXPECT_TRUE(r.report.at("shrinkage").is_null());
}

TEST(OverSamplerRandom, PlainBootstrapCopiesCategoricalColumnsAndMissingValues) {
  // imbalanced-learn's RandomOverSampler accepts anything it can copy, NaN included.
  Data d = load_shared("cardio");
  d.X(0, 0) = std::numeric_limits<double>::quiet_NaN();
  d.categorical.assign(static_cast<size_t>(d.X.cols()), 0);
  d.categorical[2] = 1;
  const ResampleResult r = run_sampler("ros", {{"sampling_strategy", "0:1700,1:300"}}, d);
  EXPECT_EQ(r.kept.size(), d.y.size() + (1700 - d.count(0)) + (300 - d.count(1)));
  for (size_t i = d.y.size(); i < d.y.size() + static_cast<size_t>(1700 - d.count(0)); ++i) EXPECT_EQ(d.y[r.kept[i]], 0);
}

TEST(OverSamplerRandom, SmoothedBootstrapNoiseFollowsImbalancedLearnsBandwidth) {
  const Data d = load_shared("thyroid");
  const double shrinkage = 0.7;
  const ResampleResult r = run_sampler("ros", {{"shrinkage", shrinkage}}, d);
  EXPECT_EQ(r.kept.size(), d.y.size());
  ASSERT_EQ(r.synthetic.rows(), d.count(0) - d.count(1));
  // h = shrinkage (4 / ((p + 2) n))^(1 / (p + 4)) std_class (ddof 0).
  const RowMatrix pos = testing::over::rows_of(d.X, d.y, 1);
  const double p = static_cast<double>(d.X.cols()), n = static_cast<double>(d.X.rows());
  const auto h = r.report.at("classes").at("1").at("noise_std").get<std::vector<double>>();
  for (Eigen::Index c = 0; c < d.X.cols(); ++c) {
    const double mean = pos.col(c).mean();
    const double sd = std::sqrt((pos.col(c).array() - mean).square().mean());
    EXPECT_NEAR(h[static_cast<size_t>(c)], shrinkage * std::pow(4 / ((p + 2) * n), 1 / (p + 4)) * sd, 1e-12 * (1 + sd));
  }
}

TEST(OverSamplerRandom, SmoothedBootstrapMomentsMatchImbalancedLearn) {
  std::vector<testing::over::MomentCase> cases;
  for (const std::string name : {"thyroid", "cardio", "mammography"})
    cases.push_back({"ros", {{"shrinkage", 2.0}}, load_shared(name), {{"method", "ros"}, {"shrinkage", 2.0}}});
  cases.push_back({"ros", {{"shrinkage", 0.0}}, load_shared("annthyroid"), {{"method", "ros"}, {"shrinkage", 0.0}}});
  testing::over::check_moments(cases);
}

TEST(OverSamplerRandom, SmoothedBootstrapLeavesCategoricalColumnsUnperturbed) {
  Data d = load_shared("cardio");
  d.categorical.assign(static_cast<size_t>(d.X.cols()), 0);
  d.categorical[3] = 1;
  for (Eigen::Index r = 0; r < d.X.rows(); ++r) d.X(r, 3) = static_cast<double>(r % 4);
  const ResampleResult r = run_sampler("ros", {{"shrinkage", 1.0}}, d);
  for (Eigen::Index i = 0; i < r.synthetic.rows(); ++i) {
    const double v = r.synthetic(i, 3);
    EXPECT_TRUE(v == 0 || v == 1 || v == 2 || v == 3) << v;
  }
  EXPECT_EQ(r.report.at("classes").at("1").at("noise_std")[3], 0.0);
  // Smoothing needs complete data.
  d.X(5, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(run_sampler("ros", {{"shrinkage", 1.0}}, d), DataError);
  EXPECT_NO_THROW(run_sampler("ros", {}, d));
}

TEST(OverSamplerRandom, ParametersAndErrors) {
  const Data d = load_shared("thyroid");
  EXPECT_THROW(run_sampler("ros", {{"shrinkage", -2.0}}, d), UsageError);
  EXPECT_THROW(run_sampler("ros", {{"sampling_strategy", "0.01"}}, d), DataError);
  EXPECT_THROW(run_sampler("ros", {{"replacement", true}}, d), UsageError);
  EXPECT_EQ(make_sampler("ros", {})->params_to_json(), (nlohmann::json{{"sampling_strategy", "auto"}, {"shrinkage", -1.0}}));
}

}  // namespace
}  // namespace fraudkit
