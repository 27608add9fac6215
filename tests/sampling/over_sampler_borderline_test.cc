// BorderlineSMOTE (borderline1, borderline2): danger rows, geometry of the new rows, moments vs
// imbalanced-learn (borderline-1) and vs the oracle's fixed borderline-2, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"
#include "sampling/over_sampler_test_support.h"

namespace fraudkit {
namespace {

using testing::over::Data;
using testing::over::load_shared;
using testing::over::run_sampler;

// Positions (within the class rows) of class-1 rows in danger, by brute force:
// m/2 <= other-class rows among the m nearest (m + 1 searched over all rows, first dropped) < m.
std::vector<uint32_t> brute_danger(const Data& d, int m) {
  const RowMatrix minority = testing::over::rows_of(d.X, d.y, 1);
  const auto nn = testing::over::brute_knn(d.X, minority, m + 1);
  std::vector<uint32_t> out;
  for (size_t q = 0; q < nn.size(); ++q) {
    int other = 0;
    for (int j = 1; j <= m; ++j) other += d.y[nn[q][static_cast<size_t>(j)]] != 1;
    if (2 * other >= m && other < m) out.push_back(static_cast<uint32_t>(q));
  }
  return out;
}

// Every new row starts at a danger row. borderline1: toward one of its k nearest class rows with
// t in [0, 1]; borderline2: toward one of its k nearest rows of any class, t in [0, 1] for its
// class and t in [0, 0.5] for the other.
void expect_borderline_geometry(const Data& d, int kind, int k, int m, size_t check) {
  SCOPED_TRACE(d.name + " borderline" + std::to_string(kind));
  const ResampleResult r = run_sampler("borderline" + std::to_string(kind), {{"k_neighbors", k}, {"m_neighbors", m}}, d, 3);
  const std::vector<uint32_t> danger = brute_danger(d, m);
  ASSERT_FALSE(danger.empty());
  EXPECT_EQ(r.report.at("classes").at("1").at("danger_rows").get<size_t>(), danger.size());
  const RowMatrix minority = testing::over::rows_of(d.X, d.y, 1);
  RowMatrix seeds(static_cast<Eigen::Index>(danger.size()), d.X.cols());
  for (size_t i = 0; i < danger.size(); ++i) seeds.row(static_cast<Eigen::Index>(i)) = minority.row(danger[i]);
  const RowMatrix& pool = kind == 1 ? minority : d.X;
  const auto allowed = testing::over::within_kth(pool, seeds, k + 1);
  int64_t toward_other = 0;
  for (Eigen::Index x = 0; x < std::min<Eigen::Index>(r.synthetic.rows(), static_cast<Eigen::Index>(check)); ++x) {
    bool found = false;
    for (Eigen::Index s = 0; s < seeds.rows() && !found; ++s)
      for (uint32_t j : allowed[static_cast<size_t>(s)]) {
        const bool other = kind == 2 && d.y[j] != 1;
        if (testing::over::on_segment(seeds, s, pool, j, r.synthetic, x, other ? 0.5 : 1.0)) {
          found = true;
          toward_other += other;
          break;
        }
      }
    ASSERT_TRUE(found) << "new row " << x << " does not start at a danger row toward an allowed neighbour";
  }
  if (kind == 2) {
    EXPECT_GT(toward_other, 0) << "borderline2 never stepped toward the other class";
  }
}

TEST(OverSamplerBorderline, NewRowsStartAtDangerRowsAndStepTowardTheirNeighbours) {
  for (int kind : {1, 2}) {
    expect_borderline_geometry(load_shared("thyroid"), kind, 5, 10, 300);
    expect_borderline_geometry(load_shared("cardio"), kind, 3, 6, 300);
    expect_borderline_geometry(load_shared("mammography"), kind, 5, 10, 200);  // duplicates
  }
}

TEST(OverSamplerBorderline, MomentsMatchImbalancedLearnBorderline1AndTheFixedBorderline2) {
  std::vector<testing::over::MomentCase> cases;
  for (const std::string name : {"thyroid", "cardio", "annthyroid", "mammography"}) {
    const Data d = load_shared(name);
    cases.push_back({"borderline1", {}, d, {{"method", "borderline1"}}});
    cases.push_back({"borderline2", {}, d, {{"method", "borderline2_fixed"}}});
  }
  testing::over::check_moments(cases);
}

TEST(OverSamplerBorderline, NoRowInDangerMeansNoNewRowsAsImbalancedLearn) {
  // Two far-apart clusters: every minority row's neighbours are minority rows (safe).
  Data d;
  d.name = "separated";
  d.X.resize(60, 2);
  for (int r = 0; r < 60; ++r) {
    const bool pos = r < 15;
    d.y.push_back(pos ? 1 : 0);
    d.X(r, 0) = (pos ? 100.0 : 0.0) + r % 7;
    d.X(r, 1) = r % 5;
  }
  for (const std::string name : {"borderline1", "borderline2"}) {
    const ResampleResult r = run_sampler(name, {}, d);
    EXPECT_EQ(r.synthetic.rows(), 0) << name;
    EXPECT_EQ(r.kept.size(), 60u);
    EXPECT_EQ(r.report.at("classes").at("1").at("danger_rows"), 0);
    EXPECT_THAT(r.report.at("classes").at("1").at("note").get<std::string>(), ::testing::HasSubstr("no row"));
  }
}

TEST(OverSamplerBorderline, RefusesBadInputWithActionableMessages) {
  const Data d = load_shared("thyroid");
  auto message = [&](const std::string& name, const nlohmann::json& params, const Data& data) -> std::string {
    try {
      run_sampler(name, params, data);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  Data small;
  small.X.resize(8, 2);
  small.X.setRandom();
  small.y = {0, 0, 0, 0, 0, 1, 1, 1};
  EXPECT_THAT(message("borderline1", {{"k_neighbors", 2}}, small), ::testing::HasSubstr("m_neighbors needs 11 rows"));
  EXPECT_THAT(message("borderline1", {{"k_neighbors", 3}, {"m_neighbors", 3}}, small),
              ::testing::HasSubstr("k_neighbors needs 4 rows of class 1"));
  // borderline2 searches its k neighbours among all rows: 3 + 1 <= 8 is fine.
  EXPECT_EQ(message("borderline2", {{"k_neighbors", 3}, {"m_neighbors", 3}}, small).find("k_neighbors"), std::string::npos);
  Data nan = d;
  nan.X(10, 2) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(message("borderline2", {}, nan), ::testing::HasSubstr("impute"));
  Data categorical = d;
  categorical.categorical.assign(static_cast<size_t>(d.X.cols()), 0);
  categorical.categorical[1] = 1;
  EXPECT_THAT(message("borderline1", {}, categorical), ::testing::HasSubstr("smotenc"));
  EXPECT_THAT(message("borderline1", {{"kind", "borderline-1"}}, d), ::testing::HasSubstr("unknown parameter 'kind'"));
  EXPECT_THAT(message("borderline2", {{"m_neighbors", 0}}, d), ::testing::HasSubstr("out of range"));
}

}  // namespace
}  // namespace fraudkit
