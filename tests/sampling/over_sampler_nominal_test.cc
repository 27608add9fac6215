// SMOTENC (mixed numeric + categorical) and SMOTEN (categorical only) against imbalanced-learn:
// counts, the SMOTENC distance constant, numeric moments, category frequencies, where the new
// values come from, wide categoricals, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "fraudkit/error.h"
#include "fraudkit/generate.h"
#include "fraudkit/sampler.h"
#include "sampling/over_sampler_test_support.h"

namespace fraudkit {
namespace {

using testing::over::Data;
using testing::over::run_sampler;

// The reference transaction simulator: amount, hour, day_of_week, merchant_category,
// distance_from_home, transaction_count_24h. day_of_week (7 codes) and merchant_category (5)
// are the categorical columns.
Data mixed_transactions(int rows, int seed) {
  TransactionParams p;
  p.rows = rows;
  p.fraud_rate = 0.05;
  p.seed = seed;
  Data d = testing::over::from_dataset(make_transactions(p), "transactions");
  d.categorical = {0, 0, 1, 1, 0, 0};
  return d;
}

// thyroid with a 10-level categorical column binned from its first feature (class-dependent).
Data thyroid_with_bins() {
  Data d = testing::over::load_shared("thyroid");
  Data out;
  out.name = "thyroid+bins";
  out.y = d.y;
  out.X.resize(d.X.rows(), d.X.cols() + 1);
  out.X.leftCols(d.X.cols()) = d.X;
  for (Eigen::Index r = 0; r < d.X.rows(); ++r) out.X(r, d.X.cols()) = std::min(9.0, std::floor(d.X(r, 0) * 10));
  out.categorical.assign(static_cast<size_t>(out.X.cols()), 0);
  out.categorical.back() = 1;
  return out;
}

// Categorical-only: hour, day_of_week and merchant_category of the transactions.
Data categorical_transactions(int rows, int seed) {
  const Data mixed = mixed_transactions(rows, seed);
  Data d;
  d.name = "categorical transactions";
  d.y = mixed.y;
  d.X = mixed.X.middleCols(1, 3);
  d.categorical = {1, 1, 1};
  return d;
}

std::string csv_indices(const std::vector<uint8_t>& mask) {
  std::string s;
  for (size_t c = 0; c < mask.size(); ++c)
    if (mask[c]) s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

TEST(OverSamplerNominal, SmotencDistanceConstantIsImbalancedLearnsMedianStd) {
  const std::vector<Data> data = {mixed_transactions(3000, 1), thyroid_with_bins()};
  testing::TempDir dir;
  nlohmann::json jobs = nlohmann::json::array();
  for (size_t i = 0; i < data.size(); ++i) {
    const auto path = dir / ("d" + std::to_string(i) + ".csv");
    testing::over::write_data_csv(path, data[i]);
    jobs.push_back({{"cmd", "smotenc-constant"}, {"data", path.string()}, {"categorical", csv_indices(data[i].categorical)}});
  }
  const nlohmann::json theirs = testing::over::run_oracle(jobs);
  for (size_t i = 0; i < data.size(); ++i) {
    const ResampleResult r = run_sampler("smotenc", {}, data[i]);
    const double ours = r.report.at("median_std").get<double>(), want = theirs[i].at("median_std").get<double>();
    EXPECT_NEAR(ours, want, 1e-12 * want) << data[i].name;
    EXPECT_NEAR(r.report.at("mismatch_sq").get<double>(), theirs[i].at("mismatch_sq").get<double>(), 1e-12 * want * want);
  }
}

TEST(OverSamplerNominal, SmotencAndSmotenMomentsAndCategoryFrequenciesMatchImbalancedLearn) {
  const Data mixed = mixed_transactions(6000, 2);
  const Data bins = thyroid_with_bins();
  const Data nominal = categorical_transactions(6000, 4);
  std::vector<testing::over::MomentCase> cases = {
      {"smotenc", {}, mixed, {{"method", "smotenc"}, {"categorical", csv_indices(mixed.categorical)}}},
      {"smotenc", {}, bins, {{"method", "smotenc"}, {"categorical", csv_indices(bins.categorical)}}},
      {"smoten", {}, nominal, {{"method", "smoten"}}},
  };
  const auto outcomes = testing::over::check_moments(cases);
  for (size_t i = 0; i < cases.size(); ++i) {
    std::vector<const RowMatrix*> parts;
    for (const auto& r : outcomes[i].runs) parts.push_back(&r.synthetic);
    for (size_t c = 0; c < cases[i].data.categorical.size(); ++c)
      if (cases[i].data.categorical[c])
        testing::over::expect_category_frequencies_match(parts, outcomes[i].oracle.at("categories").at(std::to_string(c)),
                                                         static_cast<Eigen::Index>(c), cases[i].sampler + " on " + cases[i].data.name);
  }
}

TEST(OverSamplerNominal, CountsMatchImbalancedLearnForEveryStrategy) {
  const Data mixed = mixed_transactions(2000, 5);
  const Data nominal = categorical_transactions(2000, 6);
  const int64_t n1 = mixed.count(1), m1 = nominal.count(1);
  testing::TempDir dir;
  testing::over::write_data_csv(dir / "mixed.csv", mixed);
  testing::over::write_data_csv(dir / "nominal.csv", nominal);
  const std::vector<std::string> mixed_strategies = {"auto", "not minority", "all", "0.5", "1:" + std::to_string(3 * n1),
                                                     "0:" + std::to_string(mixed.count(0) + 20) + ",1:" + std::to_string(n1 + 7)};
  const std::vector<std::string> nominal_strategies = {"auto", "not majority", "0.25", "1:" + std::to_string(2 * m1)};
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
    return s;
  };
  const nlohmann::json theirs = testing::over::run_oracle(nlohmann::json::array(
      {{{"cmd", "counts"}, {"data", (dir / "mixed.csv").string()}, {"methods", "smotenc"},
        {"strategies", joined(mixed_strategies)}, {"categorical", csv_indices(mixed.categorical)}},
       {{"cmd", "counts"}, {"data", (dir / "nominal.csv").string()}, {"methods", "smoten"},
        {"strategies", joined(nominal_strategies)}}}));
  auto check = [](const std::string& sampler, const Data& d, const std::vector<std::string>& strategies,
                  const nlohmann::json& expect) {
    for (const auto& s : strategies) {
      const ResampleResult r = run_sampler(sampler, {{"sampling_strategy", s}}, d);
      const std::array<int64_t, 2> ours = {r.report.at("negatives_out").get<int64_t>(), r.report.at("positives_out").get<int64_t>()};
      const std::array<int64_t, 2> want = {expect.at(s)[0].get<int64_t>(), expect.at(s)[1].get<int64_t>()};
      EXPECT_EQ(ours, want) << sampler << " " << s;
    }
  };
  check("smotenc", mixed, mixed_strategies, theirs[0].at("smotenc"));
  check("smoten", nominal, nominal_strategies, theirs[1].at("smoten"));
}

// Numeric columns of a new row lie on a segment from a seed to one of its k nearest class rows
// under the SMOTENC metric; each categorical value is held by one of that seed's neighbours and
// (checked on the exact neighbour list) is one of the most frequent there.
TEST(OverSamplerNominal, SmotencValuesComeFromTheSeedsNeighbours) {
  const Data d = mixed_transactions(3000, 7);
  const int k = 5;
  const ResampleResult r = run_sampler("smotenc", {{"k_neighbors", k}}, d, 1);
  const double mismatch_sq = r.report.at("mismatch_sq").get<double>();
  const RowMatrix pos = testing::over::rows_of(d.X, d.y, 1);
  const auto allowed = testing::over::within_kth(pos, pos, k + 1, d.categorical, mismatch_sq);
  const auto exact = testing::over::brute_knn(pos, pos, k + 1, d.categorical, mismatch_sq);
  std::vector<uint8_t> numeric_only = d.categorical;  // on_segment skips the categorical columns
  // A segment s -> j is also j -> s when both are each other's neighbours: either end may be the
  // seed, so every matching pair is tried.
  int checked = 0, modal = 0;
  for (Eigen::Index x = 0; x < std::min<Eigen::Index>(r.synthetic.rows(), 400); ++x) {
    bool found = false, found_modal = false;
    for (Eigen::Index s = 0; s < pos.rows() && !found_modal; ++s) {
      for (uint32_t j : allowed[static_cast<size_t>(s)]) {
        if (!testing::over::on_segment(pos, s, pos, j, r.synthetic, x, 1.0, 1e-9, numeric_only)) continue;
        bool held = true, is_modal = true;
        for (size_t c = 0; c < d.categorical.size(); ++c) {
          if (!d.categorical[c]) continue;
          const auto col = static_cast<Eigen::Index>(c);
          bool any = false;
          for (uint32_t n : allowed[static_cast<size_t>(s)]) any |= n != s && pos(n, col) == r.synthetic(x, col);
          held &= any;
          std::map<double, int> votes;
          for (size_t m = 1; m < exact[static_cast<size_t>(s)].size(); ++m) ++votes[pos(exact[static_cast<size_t>(s)][m], col)];
          int top = 0;
          for (const auto& [v, n] : votes) top = std::max(top, n);
          is_modal &= votes[r.synthetic(x, col)] == top;
        }
        found |= held;
        found_modal |= held && is_modal;
        if (found_modal) break;
      }
    }
    ASSERT_TRUE(found) << "new row " << x << " is not explained by any seed and its neighbours";
    ++checked;
    modal += found_modal;
  }
  EXPECT_GE(modal, checked * 99 / 100) << "categorical values should be the neighbours' most frequent codes";
}

// Every new SMOTEN row is, column by column, the most frequent code among a class row's
// k + 1 nearest class rows (itself included) under the value difference metric, computed here
// by brute force with imbalanced-learn's formula; ties to the smallest code.
TEST(OverSamplerNominal, SmotenRowsAreNeighbourhoodModesUnderTheValueDifferenceMetric) {
  const Data d = categorical_transactions(3000, 8);
  const int k = 5;
  const ResampleResult r = run_sampler("smoten", {{"k_neighbors", k}}, d, 2);
  // P(class | code) per column over all rows.
  const Eigen::Index p = d.X.cols();
  std::vector<std::map<double, std::array<double, 2>>> prob(static_cast<size_t>(p));
  for (Eigen::Index c = 0; c < p; ++c) {
    for (Eigen::Index i = 0; i < d.X.rows(); ++i) prob[static_cast<size_t>(c)][d.X(i, c)][d.y[static_cast<size_t>(i)]] += 1;
    for (auto& [code, n] : prob[static_cast<size_t>(c)]) {
      const double total = n[0] + n[1];
      n = {n[0] / total, n[1] / total};
    }
  }
  const RowMatrix pos = testing::over::rows_of(d.X, d.y, 1);
  auto vdm = [&](Eigen::Index a, Eigen::Index b) {
    double s = 0;
    for (Eigen::Index c = 0; c < p; ++c) {
      const auto& pa = prob[static_cast<size_t>(c)][pos(a, c)];
      const auto& pb = prob[static_cast<size_t>(c)][pos(b, c)];
      const double l1 = std::abs(pa[0] - pb[0]) + std::abs(pa[1] - pb[1]);
      s += l1 * l1;
    }
    return s;
  };
  // Per class row: its neighbourhood (ties at the k+1-th distance included) and, when that has
  // exactly k + 1 rows, its mode row.
  std::set<std::vector<double>> modes;
  std::vector<std::vector<std::set<double>>> codes_near(static_cast<size_t>(pos.rows()));
  for (Eigen::Index s = 0; s < pos.rows(); ++s) {
    std::vector<double> dist(static_cast<size_t>(pos.rows()));
    for (Eigen::Index j = 0; j < pos.rows(); ++j) dist[static_cast<size_t>(j)] = vdm(s, j);
    std::vector<double> sorted = dist;
    std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
    const double limit = sorted[static_cast<size_t>(k)];
    std::vector<Eigen::Index> near;
    for (Eigen::Index j = 0; j < pos.rows(); ++j)
      if (dist[static_cast<size_t>(j)] <= limit * (1 + 1e-12) + 1e-15) near.push_back(j);
    codes_near[static_cast<size_t>(s)].resize(static_cast<size_t>(p));
    for (Eigen::Index j : near)
      for (Eigen::Index c = 0; c < p; ++c) codes_near[static_cast<size_t>(s)][static_cast<size_t>(c)].insert(pos(j, c));
    if (near.size() != static_cast<size_t>(k) + 1) continue;
    std::vector<double> mode(static_cast<size_t>(p));
    for (Eigen::Index c = 0; c < p; ++c) {
      std::map<double, int> votes;
      for (Eigen::Index j : near) ++votes[pos(j, c)];
      int top = 0;
      for (const auto& [v, n] : votes)
        if (n > top) {  // map order: ties keep the smaller code
          top = n;
          mode[static_cast<size_t>(c)] = v;
        }
    }
    modes.insert(mode);
  }
  ASSERT_FALSE(modes.empty());
  int exact = 0;
  for (Eigen::Index x = 0; x < r.synthetic.rows(); ++x) {
    const std::vector<double> row(r.synthetic.row(x).data(), r.synthetic.row(x).data() + p);
    if (modes.count(row)) {
      ++exact;
      continue;
    }
    bool compatible = false;  // a class row whose neighbourhood has a boundary tie
    for (const auto& near : codes_near) {
      bool all = true;
      for (Eigen::Index c = 0; c < p; ++c) all &= near[static_cast<size_t>(c)].count(row[static_cast<size_t>(c)]) > 0;
      compatible |= all;
    }
    ASSERT_TRUE(compatible) << "new row " << x << " is no neighbourhood mode";
  }
  RecordProperty("exact_mode_rows", exact);
  EXPECT_GT(exact, r.synthetic.rows() / 2);
}

// The metric and the mode read codes only through equality and order: large, sparse codes give
// the same rows, relabelled (same seed).
TEST(OverSamplerNominal, SmotenDependsOnCodesOnlyThroughTheirOrder) {
  const Data d = categorical_transactions(2000, 10);
  Data sparse = d;
  sparse.X = d.X.array() * 100003.0 + 7.0;
  const ResampleResult a = run_sampler("smoten", {}, d, 4), b = run_sampler("smoten", {}, sparse, 4);
  ASSERT_EQ(a.synthetic.rows(), b.synthetic.rows());
  EXPECT_EQ(RowMatrix(a.synthetic.array() * 100003.0 + 7.0), b.synthetic);
}

// Wide categoricals (1,000 levels per column): memory stays proportional to the data; every
// voted code is a code some class row holds.
TEST(OverSamplerNominal, SmotencHandlesWideCategoricals) {
  const int rows = 20000;
  Data d;
  d.name = "wide";
  d.X.resize(rows, 8);
  uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  for (int r = 0; r < rows; ++r) {
    const bool pos = r % 50 == 0;
    d.y.push_back(pos ? 1 : 0);
    for (int c = 0; c < 5; ++c) d.X(r, c) = next() + (pos ? 0.5 : 0.0);
    for (int c = 5; c < 8; ++c) d.X(r, c) = std::floor(next() * 1000);
  }
  d.categorical = {0, 0, 0, 0, 0, 1, 1, 1};
  const ResampleResult r = run_sampler("smotenc", {}, d);
  ASSERT_EQ(r.synthetic.rows(), d.count(0) - d.count(1));
  std::vector<std::set<double>> held(3);
  for (Eigen::Index i = 0; i < d.X.rows(); ++i)
    if (d.y[static_cast<size_t>(i)] == 1)
      for (int c = 0; c < 3; ++c) held[static_cast<size_t>(c)].insert(d.X(i, 5 + c));
  for (Eigen::Index i = 0; i < r.synthetic.rows(); ++i)
    for (int c = 0; c < 3; ++c) ASSERT_TRUE(held[static_cast<size_t>(c)].count(r.synthetic(i, 5 + c))) << i;
  EXPECT_GT(r.report.at("classes").at("1").at("votes_tied").get<int64_t>(), 0);  // all 5 codes differ: ties
}

TEST(OverSamplerNominal, RefusesWhatItCannotResampleWithImbalancedLearnsWording) {
  const Data mixed = mixed_transactions(1000, 9);
  auto message = [](const std::string& name, const Data& d, const nlohmann::json& params = {}) -> std::string {
    try {
      run_sampler(name, params, d);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  Data numeric = mixed;
  numeric.categorical.clear();
  EXPECT_THAT(message("smotenc", numeric), ::testing::HasSubstr("requires some categorical features"));
  Data all_categorical = mixed;
  all_categorical.categorical.assign(6, 1);
  for (Eigen::Index r = 0; r < all_categorical.X.rows(); ++r)
    for (Eigen::Index c = 0; c < 6; ++c) all_categorical.X(r, c) = std::floor(all_categorical.X(r, c));
  EXPECT_THAT(message("smotenc", all_categorical), ::testing::HasSubstr("requires some numerical features"));
  EXPECT_EQ(message("smoten", all_categorical), "no error");
  EXPECT_THAT(message("smoten", mixed), ::testing::HasSubstr("is numeric; SMOTEN works on categorical columns only"));
  EXPECT_THAT(message("smoten", numeric), ::testing::HasSubstr("is numeric"));
  Data negative = mixed;
  negative.X(3, 3) = -1;  // the Dataset's missing-category code
  EXPECT_THAT(message("smotenc", negative), ::testing::HasSubstr("missing value at row 3"));
  negative.X(3, 3) = 2.5;
  EXPECT_THAT(message("smotenc", negative), ::testing::HasSubstr("expected a category code"));
  Data nan = mixed;
  nan.X(4, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(message("smotenc", nan), ::testing::HasSubstr("impute"));
  EXPECT_THAT(message("smotenc", mixed, {{"k_neighbors", 1000}}), ::testing::HasSubstr("k_neighbors needs 1001 rows"));
  EXPECT_THAT(message("smoten", all_categorical, {{"k_neighbors", 1000}}), ::testing::HasSubstr("k_neighbors needs 1001 rows"));
}

}  // namespace
}  // namespace fraudkit
