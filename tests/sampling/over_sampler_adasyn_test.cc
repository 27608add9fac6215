// ADASYN: per-seed counts, new rows grouped by seed in class-row order, geometry, moments vs
// imbalanced-learn, its two errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"
#include "sampling/over_sampler_test_support.h"

namespace fraudkit {
namespace {

using testing::over::Data;
using testing::over::load_shared;
using testing::over::run_sampler;

void expect_adasyn_layout(const Data& d, int k, size_t check) {
  SCOPED_TRACE(d.name);
  const int64_t n = d.count(0) - d.count(1);
  bool near_half = false, ties = false;
  const std::vector<int64_t> g =
      testing::over::adasyn_rows_per_seed(testing::over::adasyn_ratios(d, 1, k, &ties), n, &near_half);
  const ResampleResult r = run_sampler("adasyn", {{"n_neighbors", k}}, d, 9);
  int64_t total = 0;
  for (int64_t v : g) total += v;
  if (!near_half) {
    ASSERT_EQ(r.synthetic.rows(), total);
  }
  EXPECT_EQ(r.report.at("classes").at("1").at("requested"), n);
  EXPECT_EQ(r.report.at("classes").at("1").at("created"), r.synthetic.rows());
  // Row x comes from seed s where x falls in s's block (rows = repeat(arange, g)).
  const RowMatrix minority = testing::over::rows_of(d.X, d.y, 1);
  const auto allowed = testing::over::within_kth(minority, minority, k + 1);
  Eigen::Index x = 0;
  for (size_t s = 0; s < g.size() && static_cast<size_t>(x) < check; ++s)
    for (int64_t i = 0; i < g[s] && static_cast<size_t>(x) < check; ++i, ++x) {
      bool found = false;
      for (uint32_t j : allowed[s])
        found |= testing::over::on_segment(minority, static_cast<Eigen::Index>(s), minority, j, r.synthetic, x, 1.0);
      ASSERT_TRUE(found) << "new row " << x << " is not between class row " << s << " and one of its neighbours";
    }
}

TEST(OverSamplerAdasyn, EachRowSeedsItsRoundedShareInClassOrderTowardItsNeighbours) {
  expect_adasyn_layout(load_shared("thyroid"), 5, 1500);
  expect_adasyn_layout(load_shared("cardio"), 4, 1500);
  expect_adasyn_layout(load_shared("mammography"), 5, 1500);
}

TEST(OverSamplerAdasyn, MomentsMatchImbalancedLearn) {
  std::vector<testing::over::MomentCase> cases;
  for (const std::string name : {"thyroid", "cardio", "annthyroid", "satimage-2"})
    cases.push_back({"adasyn", {}, load_shared(name), {{"method", "adasyn"}}});
  testing::over::check_moments(cases);
}

TEST(OverSamplerAdasyn, RefusesDataWhereNoNeighbourIsOfTheOtherClass) {
  Data d;
  d.name = "separated";
  d.X.resize(60, 2);
  for (int r = 0; r < 60; ++r) {
    const bool pos = r < 15;
    d.y.push_back(pos ? 1 : 0);
    d.X(r, 0) = (pos ? 100.0 : 0.0) + r % 7;
    d.X(r, 1) = r % 5;
  }
  try {
    run_sampler("adasyn", {}, d);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("Not any neigbours belong to the majority class"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("Use SMOTE instead"));
  }
}

TEST(OverSamplerAdasyn, RefusesARequestThatRoundsToNoRowAtAll) {
  // Alternating classes on a line: 19 positives have 2 negative neighbours of 2, the last (39)
  // has 1 of 2; shares 1/19.5 and 0.5/19.5. One new row rounds to 0 for every seed.
  Data d;
  d.name = "even";
  d.X.resize(40, 1);
  for (int r = 0; r < 40; ++r) {
    d.y.push_back(static_cast<uint8_t>(r % 2));
    d.X(r, 0) = r;
  }
  try {
    run_sampler("adasyn", {{"sampling_strategy", "1:21"}, {"n_neighbors", 2}}, d);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("No samples will be generated with the provided ratio settings"));
  }
  const ResampleResult r = run_sampler("adasyn", {{"sampling_strategy", "1:60"}, {"n_neighbors", 2}}, d);
  // 40 new rows asked: rint(40 / 19.5) = 2 for 19 seeds, rint(20 / 19.5) = 1 for the last: 39.
  EXPECT_EQ(r.synthetic.rows(), 39);
  EXPECT_EQ(r.report.at("positives_out"), 59);
}

TEST(OverSamplerAdasyn, RefusesBadInputWithActionableMessages) {
  const Data d = load_shared("thyroid");
  auto message = [&](const nlohmann::json& params, const Data& data) -> std::string {
    try {
      run_sampler("adasyn", params, data);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_THAT(message({{"n_neighbors", 93}}, d), ::testing::HasSubstr("n_neighbors needs 94 rows of class 1"));
  Data nan = d;
  nan.X(0, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(message({}, nan), ::testing::HasSubstr("impute"));
  Data categorical = d;
  categorical.categorical.assign(static_cast<size_t>(d.X.cols()), 1);
  EXPECT_THAT(message({}, categorical), ::testing::HasSubstr("smotenc"));
  EXPECT_THAT(message({{"k_neighbors", 5}}, d), ::testing::HasSubstr("unknown parameter 'k_neighbors'"));
}

}  // namespace
}  // namespace fraudkit
