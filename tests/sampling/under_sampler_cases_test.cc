// Under-samplers on cases small enough to work out by hand (the expected rows are derived in
// the comments), plus errors, determinism and the random under-sampler's draw.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "fraudkit/error.h"
#include "sampling/sampler_support.h"
#include "sampling/under_sampler_support.h"
#include "sampling/under_support.h"

namespace fraudkit {
namespace {

using namespace testing::under;
using Rows = std::vector<uint32_t>;

Data line(std::vector<double> x, std::vector<uint8_t> y) {
  Data d;
  d.X.resize(static_cast<Eigen::Index>(x.size()), 1);
  for (size_t i = 0; i < x.size(); ++i) d.X(static_cast<Eigen::Index>(i), 0) = x[i];
  d.y = std::move(y);
  return d;
}

Rows kept(const std::string& sampler, const nlohmann::json& params, const Data& d) { return run(sampler, params, d).kept; }

// ---- Tomek links --------------------------------------------------------------------------
// x:  0    1    1.5  5    6    10   20
// y:  0    0    1    0    1    1    0        (4 negatives, 3 positives: class 0 is the majority)
// nearest: 0->1, 1->2, 2->1, 3->4, 4->3, 5->4, 6->5. Mutual cross-class pairs: (1,2), (3,4).
TEST(UnderSamplerTomek, RemovesLinkMembersOfTheTargetedClasses) {
  const Data d = line({0, 1, 1.5, 5, 6, 10, 20}, {0, 0, 1, 0, 1, 1, 0});
  EXPECT_EQ(kept("tomek", {}, d), (Rows{0, 2, 4, 5, 6}));  // auto: the majority's members go
  EXPECT_EQ(kept("tomek", {{"sampling_strategy", "majority"}}, d), (Rows{0, 2, 4, 5, 6}));
  EXPECT_EQ(kept("tomek", {{"sampling_strategy", "all"}}, d), (Rows{0, 5, 6}));
  EXPECT_EQ(kept("tomek", {{"sampling_strategy", "not majority"}}, d), (Rows{0, 1, 3, 5, 6}));
  const ResampleResult r = run("tomek", {}, d);
  EXPECT_EQ(r.report.at("link_members_removed").get<int>(), 2);
  EXPECT_EQ(r.report.at("negatives_out").get<int>(), 2);
  EXPECT_EQ(r.synthetic.rows(), 0);
  EXPECT_EQ(r.synthetic.cols(), 1);
}

// Exact duplicates with different labels: column 1 of a 2-NN search that includes the row
// itself is, with ties broken by index, the row itself for the later copy, so the pair is not
// mutual and is no link. (scikit-learn may order the copies either way; see the docs.)
TEST(UnderSamplerTomek, DuplicatesAcrossClassesAreNoLinkWithIndexOrderedTies) {
  const Data d = line({0, 0, 5, 9, 9.5}, {0, 1, 0, 0, 0});
  // 3<->4 are mutual but same class; 0 and 1: nearest of 0 is 1, nearest of 1 is 1 itself.
  EXPECT_EQ(kept("tomek", {{"sampling_strategy", "all"}}, d), (Rows{0, 1, 2, 3, 4}));
}

TEST(UnderSamplerTomek, IsTheSameWithEitherSearchAndThreadCount) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> v(0, 9);
  Data d;
  d.X.resize(2000, 4);
  for (Eigen::Index i = 0; i < d.X.rows(); ++i) {
    d.y.push_back(i % 7 == 0);
    for (Eigen::Index c = 0; c < 4; ++c) d.X(i, c) = v(rng) * 0.5;  // a coarse grid: many ties
  }
  const Rows a = run("tomek", {{"knn_algorithm", "brute"}, {"sampling_strategy", "all"}}, d, 1).kept;
  EXPECT_EQ(run("tomek", {{"knn_algorithm", "kd_tree"}, {"sampling_strategy", "all"}}, d, 2).kept, a);
  EXPECT_EQ(run("tomek", {{"sampling_strategy", "all"}}, d, 2).kept, a);
  const Rows e = run("enn", {{"knn_algorithm", "brute"}, {"kind_sel", "mode"}}, d, 1).kept;
  EXPECT_EQ(run("enn", {{"knn_algorithm", "kd_tree"}, {"kind_sel", "mode"}}, d, 2).kept, e);
  for (const char* nm : {"nearmiss1", "nearmiss2", "nearmiss3"}) {
    const Rows m = run(nm, {{"knn_algorithm", "brute"}}, d, 1).kept;
    EXPECT_EQ(run(nm, {{"knn_algorithm", "kd_tree"}}, d, 2).kept, m) << nm;
  }
}

// ---- Edited nearest neighbours ------------------------------------------------------------
// idx: 0    1    2    3    4    5    6    7    8
// x:   0    1    2    2.4  5    6    7    15   -1
// y:   0    0    0    1    1    1    1    0    0      (5 negatives, 4 positives)
// 3 neighbours each (the row itself excluded):
//   0: {1, 8, 2} all 0      1: {0, 2, 3}  two 0, one 1     2: {3, 1, 0} two 0, one 1
//   7: {6, 5, 4} all 1      8: {0, 1, 2}  all 0
//   3: {2, 1, 0} all 0      4: {5, 6, 3}  all 1    5: {4, 6, 3} all 1    6: {5, 4, 3} all 1
Data enn_case() { return line({0, 1, 2, 2.4, 5, 6, 7, 15, -1}, {0, 0, 0, 1, 1, 1, 1, 0, 0}); }

TEST(UnderSamplerEnn, AllKeepsRowsWhoseNeighboursAllAgree) {
  const Data d = enn_case();
  // auto edits class 0 only; output lists class 0's rows, then class 1's.
  EXPECT_EQ(kept("enn", {}, d), (Rows{0, 8, 3, 4, 5, 6}));
  EXPECT_EQ(kept("enn", {{"sampling_strategy", "all"}}, d), (Rows{0, 8, 4, 5, 6}));
  EXPECT_EQ(kept("enn", {{"sampling_strategy", "not majority"}}, d), (Rows{0, 1, 2, 7, 8, 4, 5, 6}));
}

TEST(UnderSamplerEnn, ModeKeepsRowsMostNeighboursAgreeWith) {
  const Data d = enn_case();
  EXPECT_EQ(kept("enn", {{"kind_sel", "mode"}}, d), (Rows{0, 1, 2, 8, 3, 4, 5, 6}));
  EXPECT_EQ(kept("enn", {{"kind_sel", "mode"}, {"sampling_strategy", "all"}}, d), (Rows{0, 1, 2, 8, 4, 5, 6}));
}

// With an even vote, scipy's mode picks the smaller class. x: 0 1 2 3, y: 0 0 1 1, two
// neighbours each: 0 -> {1, 2}, 1 -> {0, 2}, 2 -> {1, 3}, 3 -> {2, 1}: one of each class every
// time, so the mode is 0 for all: rows 0 and 1 stay, rows 2 and 3 go.
TEST(UnderSamplerEnn, ModeTieGoesToClassZero) {
  const Data d = line({0, 1, 2, 3}, {0, 0, 1, 1});
  EXPECT_EQ(kept("enn", {{"kind_sel", "mode"}, {"n_neighbors", 2}, {"sampling_strategy", "all"}}, d), (Rows{0, 1}));
}

// ---- NearMiss -------------------------------------------------------------------------------
// idx: 0    1    2    3    4    5    6     7    8
// x:   1    0    5    9    10   14   19.5  20   30
// y:   0    1    0    0    1    0    0     1    0      minority (class 1): x = 0, 10, 20
// Class-0 rows a0..a5 = idx 0, 2, 3, 5, 6, 8 at x = 1, 5, 9, 14, 19.5, 30; auto keeps 3.
Data near_miss_case() { return line({1, 0, 5, 9, 10, 14, 19.5, 20, 30}, {0, 1, 0, 0, 1, 0, 0, 1, 0}); }

TEST(UnderSamplerNearMiss, Version1KeepsRowsNearestToTheirNearestMinority) {
  const Data d = near_miss_case();
  // n_neighbors 1: scores 1, 5, 1, 4, 0.5, 10 -> ascending a4 (0.5), a0 (1), a2 (1, after a0:
  // the sort is stable), a3 ... -> rows 6, 0, 3; then class 1 unchanged.
  EXPECT_EQ(kept("nearmiss1", {{"n_neighbors", 1}}, d), (Rows{6, 0, 3, 1, 4, 7}));
  // n_neighbors 3 = every minority row: sums 29, 25, 21, 24, 29.5, 60 -> a2, a3, a1.
  EXPECT_EQ(kept("nearmiss1", {}, d), (Rows{3, 5, 2, 1, 4, 7}));
  EXPECT_EQ(kept("nearmiss1", {{"n_neighbors", 1}, {"sampling_strategy", "0:2"}}, d), (Rows{6, 0, 1, 4, 7}));
}

TEST(UnderSamplerNearMiss, Version2KeepsRowsNearestToTheirFarthestMinority) {
  const Data d = near_miss_case();
  // n_neighbors 1: farthest minority at 19, 15, 11, 14, 19.5, 30 -> a2, a3, a1.
  EXPECT_EQ(kept("nearmiss2", {{"n_neighbors", 1}}, d), (Rows{3, 5, 2, 1, 4, 7}));
  // n_neighbors 2: two farthest summed: 28, 20, 20, 20, 29, 50 -> a three-way tie kept in class
  // order (stable sort): a1, a2, a3.
  EXPECT_EQ(kept("nearmiss2", {{"n_neighbors", 2}}, d), (Rows{2, 3, 5, 1, 4, 7}));
  // ratio 0.75: keep int(3 / 0.75) = 4 -> then a0 (28).
  EXPECT_EQ(kept("nearmiss2", {{"n_neighbors", 2}, {"sampling_strategy", "0.75"}}, d), (Rows{2, 3, 5, 0, 1, 4, 7}));
}

TEST(UnderSamplerNearMiss, Version3PreselectsThenKeepsTheFarthest) {
  const Data d = near_miss_case();
  // n_neighbors_ver3 1: nearest class-0 row of each minority row: a0, a2, a4 -> exactly 3.
  // Scores (nearest minority) 1, 1, 0.5 -> farthest first, stable: a0, a2, a4.
  EXPECT_EQ(kept("nearmiss3", {{"n_neighbors", 1}, {"n_neighbors_ver3", 1}}, d), (Rows{0, 3, 6, 1, 4, 7}));
  // n_neighbors_ver3 2: a0,a1 | a2,a3 | a4,a3 -> candidates a0..a4 scored 1, 5, 1, 4, 0.5
  // -> a1 (5), a3 (4), a0 (1).
  EXPECT_EQ(kept("nearmiss3", {{"n_neighbors", 1}, {"n_neighbors_ver3", 2}}, d), (Rows{2, 5, 0, 1, 4, 7}));
  // Asking for 5 of the 3 candidates keeps the 3 (imbalanced-learn warns) and says so.
  const ResampleResult r = run("nearmiss3", {{"n_neighbors", 1}, {"n_neighbors_ver3", 1}, {"sampling_strategy", "0:5"}}, d);
  EXPECT_EQ(r.kept, (Rows{0, 3, 6, 1, 4, 7}));
  EXPECT_EQ(r.report.at("short_of_target_class_0").get<int>(), 2);
  EXPECT_EQ(r.report.at("preselected_class_0").get<int>(), 3);
}

// Scores are sums of Euclidean (not squared) distances. Minority rows at (0, 0) and (6, 0);
// a = (1, 0) is at 1 and 5 (sum 6, squares 26), b = (3, 1.5) at 3.354 twice (sum 6.708,
// squares 22.5): keeping one class-0 row keeps a; summing squares would keep b.
TEST(UnderSamplerNearMiss, SumsDistancesNotSquares) {
  Data d;
  d.X.resize(5, 2);
  d.X << 0, 0, 6, 0, 1, 0, 3, 1.5, 50, 50;
  d.y = {1, 1, 0, 0, 0};
  EXPECT_EQ(kept("nearmiss1", {{"n_neighbors", 2}, {"sampling_strategy", "0:1"}}, d), (Rows{2, 0, 1}));
}

// ---- Random under-sampling ------------------------------------------------------------------

// Every k-th row (k = rows / positives) is a positive; the second feature is all NaN: random
// under-sampling never looks at the features.
Data imbalanced(size_t negatives, size_t positives) {
  Data d;
  const size_t n = negatives + positives, k = n / positives;
  d.X.resize(static_cast<Eigen::Index>(n), 2);
  for (size_t i = 0; i < n; ++i) {
    d.X(static_cast<Eigen::Index>(i), 0) = static_cast<double>(i);
    d.X(static_cast<Eigen::Index>(i), 1) = std::nan("");
    d.y.push_back(i % k == 1 ? 1 : 0);
  }
  return d;
}

Rows rows_of(const Data& d, int cls) {
  Rows out;
  for (size_t i = 0; i < d.y.size(); ++i)
    if (d.y[i] == cls) out.push_back(static_cast<uint32_t>(i));
  return out;
}

TEST(UnderSamplerRandom, KeepsTheRequestedCountsClassByClass) {
  Data d = imbalanced(90, 10);
  d.categorical = {0, 1};  // copied through untouched
  ASSERT_EQ(d.count(1), 10);
  const ResampleResult r = run("rus", {}, d);
  ASSERT_EQ(r.kept.size(), 20u);
  EXPECT_EQ(kept_counts(r, d.y), (std::array<int64_t, 2>{10, 10}));
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(d.y[r.kept[i]], 0) << "class 0 first";
  const Rows positives(r.kept.begin() + 10, r.kept.end());
  EXPECT_EQ(positives, rows_of(d, 1)) << "an untargeted class keeps all rows in input order";
  EXPECT_EQ(std::set<uint32_t>(r.kept.begin(), r.kept.end()).size(), 20u) << "without replacement: distinct";
  EXPECT_EQ(kept_counts(run("rus", {{"sampling_strategy", "0.5"}}, d), d.y), (std::array<int64_t, 2>{20, 10}));
  EXPECT_EQ(kept_counts(run("rus", {{"sampling_strategy", "0:30,1:4"}}, d), d.y), (std::array<int64_t, 2>{30, 4}));
  EXPECT_EQ(kept_counts(run("rus", {{"sampling_strategy", "all"}}, d), d.y), (std::array<int64_t, 2>{10, 10}));
  EXPECT_EQ(kept_counts(run("rus", {{"sampling_strategy", "0:0"}}, d), d.y), (std::array<int64_t, 2>{0, 10}));
}

TEST(UnderSamplerRandom, WithReplacementRowsRepeat) {
  const Data d = imbalanced(60, 30);
  const ResampleResult r = run("rus", {{"replacement", true}, {"sampling_strategy", "0:50"}}, d);
  ASSERT_EQ(kept_counts(r, d.y), (std::array<int64_t, 2>{50, 30}));
  // 50 draws from 60 rows repeat with probability 1 - 60!/(10! 60^50) > 1 - 1e-9.
  EXPECT_LT(std::set<uint32_t>(r.kept.begin(), r.kept.begin() + 50).size(), 50u);
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(d.y[r.kept[i]], 0);
}

TEST(UnderSamplerRandom, EveryRowIsEquallyLikely) {
  const Data d = imbalanced(20, 5);
  std::vector<int> hits(d.y.size(), 0);
  constexpr int kSeeds = 4000;
  for (int s = 0; s < kSeeds; ++s)
    for (uint32_t k : run("rus", {}, d, 1, static_cast<uint64_t>(s)).kept) ++hits[k];
  for (size_t i = 0; i < d.y.size(); ++i) {
    if (d.y[i] == 1) {
      EXPECT_EQ(hits[i], kSeeds);
    } else {  // binomial(4000, 1/4): mean 1000, sd 27
      EXPECT_NEAR(hits[i], 1000, 150) << i;
    }
  }
}

TEST(UnderSamplerRandom, SameSeedSameRows) {
  const Data d = imbalanced(900, 100);
  EXPECT_EQ(run("rus", {}, d, 1, 5).kept, run("rus", {}, d, 2, 5).kept);
  EXPECT_NE(run("rus", {}, d, 1, 5).kept, run("rus", {}, d, 1, 6).kept);
}

// ---- errors, parameters, registry -----------------------------------------------------------

const char* kNeighbourSamplers[] = {"tomek", "enn", "nearmiss1", "nearmiss2", "nearmiss3"};

std::string error_of(const std::string& sampler, const nlohmann::json& params, const Data& d) {
  try {
    run(sampler, params, d);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(UnderSamplerErrors, NeighbourSamplersRefuseUnusableData) {
  const Data good = near_miss_case();
  for (const char* s : kNeighbourSamplers) {
    SCOPED_TRACE(s);
    Data nan = good;
    nan.X(4, 0) = std::nan("");
    EXPECT_THROW(run(s, {}, nan), DataError);
    EXPECT_NE(error_of(s, {}, nan).find("impute"), std::string::npos) << error_of(s, {}, nan);
    Data cat = good;
    cat.categorical = {1};
    EXPECT_NE(error_of(s, {}, cat).find("one-hot"), std::string::npos) << error_of(s, {}, cat);
    Data single = good;
    std::fill(single.y.begin(), single.y.end(), 1);
    EXPECT_THROW(run(s, {}, single), DataError);
    EXPECT_NE(error_of(s, {}, single).find("single class"), std::string::npos) << error_of(s, {}, single);
    Data bad_label = good;
    bad_label.y[0] = 2;
    EXPECT_THROW(run(s, {}, bad_label), DataError);
  }
}

TEST(UnderSamplerErrors, TooFewRowsForTheNeighbourCount) {
  const Data d = near_miss_case();  // 9 rows, 3 of the minority
  const std::string enn = error_of("enn", {{"n_neighbors", 9}}, d);
  EXPECT_NE(enn.find("n_neighbors"), std::string::npos) << enn;
  EXPECT_NE(enn.find("at most 8"), std::string::npos) << enn;
  EXPECT_EQ(run("enn", {{"n_neighbors", 8}}, d).kept.size() > 0, true);
  for (const char* nm : {"nearmiss1", "nearmiss2", "nearmiss3"}) {
    const std::string m = error_of(nm, {{"n_neighbors", 4}}, d);
    EXPECT_NE(m.find("n_neighbors"), std::string::npos) << m;
    EXPECT_NE(m.find("at most 3"), std::string::npos) << m;
  }
  const std::string v3 = error_of("nearmiss3", {{"n_neighbors_ver3", 7}}, d);  // 6 class-0 rows
  EXPECT_NE(v3.find("n_neighbors_ver3"), std::string::npos) << v3;
}

TEST(UnderSamplerErrors, BadParametersAreUsageErrors) {
  for (const char* s : {"rus", "tomek", "enn", "nearmiss1", "nearmiss2", "nearmiss3"}) {
    SCOPED_TRACE(s);
    EXPECT_THROW(make_sampler(s, {{"n_jobs", 2}}), UsageError);
    EXPECT_THROW(make_sampler(s, {{"sampling_strategy", "some"}}), UsageError);
    EXPECT_THROW(make_sampler(s, {{"sampling_strategy", 0.5}}), UsageError);  // must be text
  }
  EXPECT_THROW(make_sampler("enn", {{"kind_sel", "median"}}), UsageError);
  EXPECT_THROW(make_sampler("enn", {{"n_neighbors", 0}}), UsageError);
  EXPECT_THROW(make_sampler("nearmiss3", {{"n_neighbors_ver3", 0}}), UsageError);
  EXPECT_THROW(make_sampler("tomek", {{"knn_algorithm", "ball_tree"}}), UsageError);
  const Data d = enn_case();
  // Cleaning samplers take classes, not numbers; under-samplers refuse "minority".
  EXPECT_THROW(run("tomek", {{"sampling_strategy", "0.5"}}, d), UsageError);
  EXPECT_THROW(run("enn", {{"sampling_strategy", "0:3"}}, d), UsageError);
  EXPECT_THROW(run("rus", {{"sampling_strategy", "minority"}}, d), UsageError);
  EXPECT_THROW(run("nearmiss1", {{"sampling_strategy", "0:6"}}, d), DataError);  // only 5 negatives
}

TEST(UnderSamplerErrors, ParametersRoundTripAndHaveHelp) {
  for (const auto& info : registered_samplers()) {
    const std::string n = info.name;
    if (n != "rus" && n != "tomek" && n != "enn" && n.rfind("nearmiss", 0) != 0 && n != "smoteenn" && n != "smotetomek")
      continue;
    SCOPED_TRACE(n);
    EXPECT_NE(info.params_help.find("sampling_strategy"), std::string::npos);
    const auto s = make_sampler(n, {{"sampling_strategy", "all"}});
    EXPECT_EQ(s->type_name(), n);
    const nlohmann::json p = s->params_to_json();
    EXPECT_EQ(p.at("sampling_strategy"), "all");
    EXPECT_EQ(make_sampler(n, p)->params_to_json(), p);
  }
  EXPECT_EQ(make_sampler("tomek", {})->sampling_type(), SamplingType::kCleanSampling);
  EXPECT_EQ(make_sampler("enn", {})->sampling_type(), SamplingType::kCleanSampling);
  EXPECT_EQ(make_sampler("rus", {})->sampling_type(), SamplingType::kUnderSampling);
  EXPECT_EQ(make_sampler("nearmiss2", {})->sampling_type(), SamplingType::kUnderSampling);
}

// ---- searches cut into slices -------------------------------------------------------------
// ENN and NearMiss query the targeted class in slices of kQuerySlice rows straight from X. With
// more targeted rows than one slice, the kept rows must equal a reference that searches the
// gathered class in one query.
Data many_rows(size_t minority) {
  const size_t majority = sampling::kQuerySlice + 9000;
  std::mt19937_64 gen(7);
  std::normal_distribution<double> noise(0, 1);
  Data d;
  d.X.resize(static_cast<Eigen::Index>(majority + minority), 3);
  for (Eigen::Index r = 0; r < d.X.rows(); ++r) {
    const bool positive = static_cast<size_t>(r) >= majority;
    for (Eigen::Index c = 0; c < 3; ++c) d.X(r, c) = std::round((noise(gen) + (positive ? 1.5 : 0)) * 100) / 100;
    d.y.push_back(positive ? 1 : 0);
  }
  return d;
}

TEST(UnderSamplerSlices, EnnMatchesOneGatheredQuery) {
  // ENN searches a targeted class that is most of the data with one self search, so the sliced
  // path needs a targeted class above one slice yet under half the rows: "not majority" targets
  // a minority of kQuerySlice + 1000 rows.
  const Data d = many_rows(sampling::kQuerySlice + 1000);
  const Rows majority = sampling::rows_of_class(d.y, 0), minority = sampling::rows_of_class(d.y, 1);
  const NearestNeighbors nn(d.X);
  const KnnResult r = nn.query(sampling::gather_rows(d.X, minority), 4);
  Rows expected = majority;
  for (size_t q = 0; q < minority.size(); ++q)
    if (d.y[r.index(q, 1)] == 1 && d.y[r.index(q, 2)] == 1 && d.y[r.index(q, 3)] == 1) expected.push_back(minority[q]);
  ASSERT_GT(minority.size(), sampling::kQuerySlice);
  ASSERT_LT(2 * minority.size(), d.y.size());
  EXPECT_LT(expected.size(), d.y.size());  // the case removes rows
  EXPECT_EQ(kept("enn", {{"sampling_strategy", "not majority"}}, d), expected);
}

TEST(UnderSamplerSlices, NearMiss1MatchesOneGatheredQuery) {
  const Data d = many_rows(3000);
  const Rows majority = sampling::rows_of_class(d.y, 0), minority = sampling::rows_of_class(d.y, 1);
  const RowMatrix X_minority = sampling::gather_rows(d.X, minority);
  const NearestNeighbors nn(X_minority);
  const KnnResult r = nn.query(sampling::gather_rows(d.X, majority), 3);
  std::vector<double> score(majority.size());
  for (size_t q = 0; q < majority.size(); ++q) score[q] = ((0.0 + r.distance(q, 0)) + r.distance(q, 1)) + r.distance(q, 2);
  Rows order(majority.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return score[a] < score[b]; });
  Rows expected;
  for (size_t i = 0; i < minority.size(); ++i) expected.push_back(majority[order[i]]);
  expected.insert(expected.end(), minority.begin(), minority.end());
  EXPECT_EQ(kept("nearmiss1", {}, d), expected);
}

}  // namespace
}  // namespace fraudkit
