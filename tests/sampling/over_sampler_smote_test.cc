// SMOTE: output layout, geometry of the new rows, distribution parity with imbalanced-learn,
// determinism and errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"
#include "sampling/over_sampler_test_support.h"
#include "sampling/smote_core.h"

namespace fraudkit {
namespace {

using testing::over::Data;
using testing::over::load_shared;

ResampleResult run(const std::string& name, const nlohmann::json& params, const Data& d, uint64_t seed = 0,
                   int threads = 0) {
  RunContext ctx;
  ctx.seed = seed;
  ctx.threads = threads;
  return make_sampler(name, params)->fit_resample(d.input(), ctx);
}

// Two Gaussian blobs: 300 negatives, 40 positives, 3 features.
Data blobs(int negatives = 300, int positives = 40) {
  Data d;
  d.name = "blobs";
  d.X.resize(negatives + positives, 3);
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  for (int r = 0; r < negatives + positives; ++r) {
    const bool pos = r % ((negatives + positives) / positives) == 0 && std::count(d.y.begin(), d.y.end(), 1) < positives;
    d.y.push_back(pos ? 1 : 0);
    for (int c = 0; c < 3; ++c) d.X(r, c) = (pos ? 2.0 : 0.0) + next() + 0.5 * next();
  }
  return d;
}

TEST(OverSamplerSmote, KeepsEveryInputRowInOrderThenAddsTheMinorityRows) {
  const Data d = blobs();
  const ResampleResult r = run("smote", {}, d);
  ASSERT_EQ(r.kept.size(), d.y.size());
  for (size_t i = 0; i < r.kept.size(); ++i) EXPECT_EQ(r.kept[i], i);
  EXPECT_EQ(r.synthetic.rows(), d.count(0) - d.count(1));
  EXPECT_EQ(r.synthetic.cols(), d.X.cols());
  ASSERT_EQ(r.synthetic_y.size(), static_cast<size_t>(r.synthetic.rows()));
  for (uint8_t v : r.synthetic_y) EXPECT_EQ(v, 1);
  EXPECT_EQ(r.report.at("positives_out"), d.count(0));
  EXPECT_EQ(r.report.at("created"), d.count(0) - d.count(1));
  EXPECT_EQ(r.report.at("k_neighbors"), 5);
  const Resampled out = materialize(d.input(), r);
  EXPECT_EQ(out.X.topRows(d.X.rows()), d.X);
}

TEST(OverSamplerSmote, ExplicitCountsCanGrowBothClassesClassZeroFirst) {
  const Data d = blobs();
  const ResampleResult r = run("smote", {{"sampling_strategy", "0:350,1:100"}}, d);
  ASSERT_EQ(r.synthetic_y.size(), 50u + 60u);
  for (size_t i = 0; i < r.synthetic_y.size(); ++i) EXPECT_EQ(r.synthetic_y[i], i < 50 ? 0 : 1) << i;
  // Class 0's new rows stay among class 0 (the blobs do not overlap in the first feature's mean).
  double mean0 = 0, mean1 = 0;
  for (Eigen::Index i = 0; i < 50; ++i) mean0 += r.synthetic(i, 0) / 50;
  for (Eigen::Index i = 50; i < 110; ++i) mean1 += r.synthetic(i, 0) / 60;
  EXPECT_LT(mean0, 1.3);
  EXPECT_GT(mean1, 2.2);
}

// Every new row is seed + u (neighbour - seed), u in [0, 1), for a seed of the class and one of
// its k nearest class rows (computed here by brute force); u is uniform.
void expect_on_minority_segments(const Data& d, int k, size_t check) {
  SCOPED_TRACE(d.name);
  const ResampleResult r = run("smote", {{"k_neighbors", k}}, d, 7);
  const RowMatrix minority = testing::over::rows_of(d.X, d.y, 1);
  const auto allowed = testing::over::within_kth(minority, minority, k + 1);
  double sum_u = 0;
  int64_t n_u = 0;
  for (Eigen::Index x = 0; x < std::min<Eigen::Index>(r.synthetic.rows(), static_cast<Eigen::Index>(check)); ++x) {
    bool found = false;
    for (Eigen::Index s = 0; s < minority.rows() && !found; ++s)
      for (uint32_t j : allowed[static_cast<size_t>(s)])
        if (testing::over::on_segment(minority, s, minority, j, r.synthetic, x, 1.0)) {
          found = true;
          const double len = testing::over::distance(minority, s, minority, j);
          if (len > 0) {
            sum_u += testing::over::distance(minority, s, r.synthetic, x) / len;
            ++n_u;
          }
          break;
        }
    ASSERT_TRUE(found) << "new row " << x << " is on no segment from a minority row to one of its " << k
                       << " nearest minority rows";
  }
  if (n_u > 200) {
    EXPECT_NEAR(sum_u / static_cast<double>(n_u), 0.5, 5 / std::sqrt(12.0 * static_cast<double>(n_u)));
  }
}

TEST(OverSamplerSmote, NewRowsLieBetweenASeedAndOneOfItsNearestMinorityRows) {
  expect_on_minority_segments(blobs(), 5, 400);
  expect_on_minority_segments(load_shared("thyroid"), 5, 400);
  expect_on_minority_segments(load_shared("cardio"), 3, 300);
  expect_on_minority_segments(load_shared("mammography"), 5, 300);  // many duplicate rows
  expect_on_minority_segments(load_shared("smtp", 3000), 5, 300);   // 30 positives
}

TEST(OverSamplerSmote, MomentsOfNewRowsMatchImbalancedLearn) {
  const std::vector<std::string> names = {"thyroid", "cardio", "satimage-2", "annthyroid", "mammography"};
  const int seeds = 3;
  testing::TempDir dir;
  nlohmann::json jobs = nlohmann::json::array();
  std::vector<Data> data;
  for (const auto& name : names) {
    data.push_back(load_shared(name));
    const auto path = dir / (name + ".csv");
    testing::over::write_data_csv(path, data.back());
    jobs.push_back({{"cmd", "moments"}, {"data", path.string()}, {"method", "smote"}, {"seeds", "0,1,2"}});
  }
  const nlohmann::json theirs = testing::over::run_oracle(jobs);
  for (size_t i = 0; i < names.size(); ++i) {
    std::vector<ResampleResult> runs;
    for (int s = 0; s < seeds; ++s) runs.push_back(run("smote", {}, data[i], 100 + static_cast<uint64_t>(s)));
    std::vector<const RowMatrix*> parts;
    for (const auto& r : runs) parts.push_back(&r.synthetic);
    const auto ours = testing::over::moments_of(parts);
    EXPECT_EQ(ours.n, theirs[i].at("n").get<int64_t>()) << names[i];
    const double worst = testing::over::expect_moments_match(ours, testing::over::moments_from_json(theirs[i]), names[i]);
    RecordProperty("worst_z_" + names[i], std::to_string(worst));
  }
}

TEST(OverSamplerSmote, SameSeedSameRowsWhateverTheThreadCount) {
  const Data d = load_shared("mammography");  // 10,663 new rows: several generation blocks
  const ResampleResult one = run("smote", {}, d, 5, 1);
  const ResampleResult two = run("smote", {}, d, 5, 2);
  const ResampleResult again = run("smote", {}, d, 5, 0);
  EXPECT_EQ(one.synthetic, two.synthetic);
  EXPECT_EQ(one.synthetic, again.synthetic);
  EXPECT_EQ(one.kept, two.kept);
  const ResampleResult other = run("smote", {}, d, 6, 2);
  EXPECT_NE(one.synthetic, other.synthetic);
}

TEST(OverSamplerSmote, RefusesWhatItCannotResampleWithAnActionableMessage) {
  Data d = blobs();
  auto message = [&](const nlohmann::json& params, const Data& data) -> std::string {
    try {
      run("smote", params, data);
    } catch (const DataError& e) {
      return std::string("DataError: ") + e.what();
    } catch (const UsageError& e) {
      return std::string("UsageError: ") + e.what();
    }
    return "no error";
  };
  Data nan = d;
  nan.X(3, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(message({}, nan), ::testing::AllOf(::testing::HasSubstr("DataError"), ::testing::HasSubstr("impute")));
  Data categorical = d;
  categorical.categorical = {0, 1, 0};
  EXPECT_THAT(message({}, categorical), ::testing::AllOf(::testing::HasSubstr("DataError"),
                                                         ::testing::HasSubstr("smotenc")));
  EXPECT_THAT(message({{"k_neighbors", 40}}, d),
              ::testing::AllOf(::testing::HasSubstr("DataError"), ::testing::HasSubstr("k_neighbors needs 41 rows of class 1")));
  EXPECT_EQ(message({{"k_neighbors", 39}}, d), "no error");
  Data single = d;
  std::fill(single.y.begin(), single.y.end(), 0);
  EXPECT_THAT(message({}, single), ::testing::AllOf(::testing::HasSubstr("DataError"), ::testing::HasSubstr("single class")));
  EXPECT_THAT(message({{"sampling_strategy", "0.05"}}, d),
              ::testing::AllOf(::testing::HasSubstr("DataError"), ::testing::HasSubstr("increase the ratio")));
  EXPECT_THAT(message({{"sampling_strategy", "1:10"}}, d),
              ::testing::AllOf(::testing::HasSubstr("DataError"), ::testing::HasSubstr("greater or equal")));
  EXPECT_THAT(message({{"sampling_strategy", "majority"}}, d), ::testing::HasSubstr("UsageError"));
  EXPECT_THAT(message({{"sampling_strategy", "most"}}, d), ::testing::HasSubstr("UsageError: smote: sampling_strategy"));
  EXPECT_THAT(message({{"knn_algorithm", "ball_tree"}}, d), ::testing::HasSubstr("UsageError: smote: parameter 'knn_algorithm'"));
  EXPECT_THAT(message({{"k_neighbors", 0}}, d), ::testing::HasSubstr("UsageError"));
  EXPECT_THAT(message({{"k", 3}}, d), ::testing::HasSubstr("unknown parameter 'k'"));
}

TEST(OverSamplerSmote, ParametersRoundTripThroughJson) {
  const nlohmann::json params = {{"sampling_strategy", "0.5"}, {"k_neighbors", 3}, {"knn_algorithm", "brute"}};
  const auto sampler = make_sampler("smote", params);
  EXPECT_EQ(sampler->params_to_json(), params);
  EXPECT_EQ(sampler->type_name(), "smote");
  EXPECT_EQ(sampler->sampling_type(), SamplingType::kOverSampling);
  EXPECT_EQ(make_sampler("smote", sampler->params_to_json())->params_to_json(), params);
}

TEST(OverSamplerSmote, EveryNeighbourAlgorithmGivesTheSameRows) {
  const Data d = load_shared("thyroid");
  const ResampleResult brute = run("smote", {{"knn_algorithm", "brute"}}, d, 3);
  const ResampleResult tree = run("smote", {{"knn_algorithm", "kd_tree"}}, d, 3);
  EXPECT_EQ(brute.synthetic, tree.synthetic);
}

}  // namespace
}  // namespace fraudkit

namespace fraudkit {
namespace {

// Kolmogorov-Smirnov distance between the sample and U[0, width).
double ks_uniform(std::vector<double> u, double width) {
  std::sort(u.begin(), u.end());
  double d = 0;
  const double n = static_cast<double>(u.size());
  for (size_t i = 0; i < u.size(); ++i) {
    const double f = u[i] / width;
    d = std::max({d, std::abs(f - static_cast<double>(i) / n), std::abs(static_cast<double>(i + 1) / n - f)});
  }
  return d;
}

// The core on a 1-D segment from 0 to 1: each new value is the step u itself.
TEST(OverSamplerSmoteCore, StepsAreUniformOnZeroOneAndHalfStepsOnZeroHalf) {
  RowMatrix seeds(1, 1), targets(2, 1);
  seeds << 0.0;
  targets << 1.0, 1.0;
  const std::vector<uint32_t> to_full = {0}, to_half = {1};
  const std::vector<uint8_t> half = {0, 1};
  const int64_t n = 20000;
  for (int variant = 0; variant < 2; ++variant) {
    sampling::over::InterpolationSource src;
    src.seeds = &seeds;
    src.targets = &targets;
    src.neighbours = variant == 0 ? to_full : to_half;
    src.k = 1;
    src.half_step = half;
    RowMatrix out(n, 1);
    sampling::over::interpolate(src, n, 99, 2, out, 0);
    std::vector<double> u(out.data(), out.data() + n);
    const double width = variant == 0 ? 1.0 : 0.5;
    EXPECT_GE(*std::min_element(u.begin(), u.end()), 0.0);
    EXPECT_LT(*std::max_element(u.begin(), u.end()), width);
    EXPECT_LT(ks_uniform(u, width), 1.95 / std::sqrt(static_cast<double>(n))) << "width " << width;  // alpha 0.001
  }
}

// Seeds are drawn uniformly among the seed rows, neighbours uniformly among each seed's k;
// fixed seeds (ADASYN) are honoured; copied columns keep the seed's value.
TEST(OverSamplerSmoteCore, SeedsAndNeighboursAreDrawnUniformlyAndCopiedColumnsKeepTheSeed) {
  RowMatrix seeds(4, 2), targets(3, 2);
  seeds << 0, 100, 10, 101, 20, 102, 30, 103;
  targets << 1, 7, 2, 8, 3, 9;
  // Seed s steps toward targets {s % 3, (s + 1) % 3}.
  const std::vector<uint32_t> neighbours = {0, 1, 1, 2, 2, 0, 0, 1};
  const std::vector<uint8_t> copy = {0, 1};
  sampling::over::InterpolationSource src;
  src.seeds = &seeds;
  src.targets = &targets;
  src.neighbours = neighbours;
  src.k = 2;
  src.copy_columns = copy;
  const int64_t n = 16000;
  RowMatrix out(n + 1, 2);
  std::vector<uint32_t> seed_of(n);
  sampling::over::interpolate(src, n, 5, 2, out, 1, seed_of);
  std::vector<int64_t> per_seed(4, 0);
  for (int64_t r = 0; r < n; ++r) {
    const uint32_t s = seed_of[static_cast<size_t>(r)];
    ++per_seed[s];
    EXPECT_EQ(out(r + 1, 1), seeds(s, 1));  // copied, not interpolated
    const double x = out(r + 1, 0);
    bool between = false;  // on the segment toward one of the seed's two neighbours
    for (int j = 0; j < 2; ++j) {
      const double t = targets(neighbours[s * 2 + static_cast<size_t>(j)], 0);
      between |= x >= std::min(t, seeds(s, 0)) && x <= std::max(t, seeds(s, 0));
    }
    EXPECT_TRUE(between) << x << " from seed " << s;
  }
  for (int64_t c : per_seed) EXPECT_NEAR(static_cast<double>(c), n / 4.0, 4 * std::sqrt(n * 0.25 * 0.75));

  const std::vector<uint32_t> fixed = {3, 3, 0, 1, 2};
  src.fixed_seeds = fixed;
  std::vector<uint32_t> seed_of_fixed(fixed.size());
  RowMatrix out2(5, 2);
  sampling::over::interpolate(src, 5, 5, 1, out2, 0, seed_of_fixed);
  EXPECT_EQ(seed_of_fixed, fixed);
  for (int r = 0; r < 5; ++r) EXPECT_EQ(out2(r, 1), seeds(fixed[static_cast<size_t>(r)], 1));
}

}  // namespace
}  // namespace fraudkit
