// Contract of every over-sampler: class counts identical to imbalanced-learn's for every
// strategy on every shared dataset; the output is the input rows then new rows; same seed, same
// output whatever the thread count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <future>
#include <map>
#include "fraudkit/error.h"
#include "fraudkit/generate.h"
#include "fraudkit/sampler.h"
#include "sampling/over_sampler_test_support.h"

namespace fraudkit {
namespace {

using testing::over::Data;

ResampleResult run(const std::string& name, const nlohmann::json& params, const Data& d, uint64_t seed = 0,
                   int threads = 0) {
  RunContext ctx;
  ctx.seed = seed;
  ctx.threads = threads;
  return make_sampler(name, params)->fit_resample(d.input(), ctx);
}

std::string strip_csv(std::string name) { return name.substr(0, name.size() - 4); }

// Strategies tried on a dataset (some are impossible on some data: then both must refuse).
// Growing the majority class too (neighbours among all its rows) only on the small datasets, to
// keep the run short.
std::vector<std::string> strategies_for(const Data& d) {
  const int64_t n0 = d.count(0), n1 = d.count(1);
  std::vector<std::string> out = {"auto", "minority", "not minority", "not majority", "all", "0.5",
                                  "1:" + std::to_string(2 * n1)};
  if (d.y.size() <= 4000) out.push_back("0:" + std::to_string(n0 + 40) + ",1:" + std::to_string(n1 + 300));
  return out;
}

// ADASYN's per-row ratios per (dataset, class), computed once.
struct AdasynRatios {
  std::vector<double> ratio[2];
  bool ties[2] = {false, false};
  bool done[2] = {false, false};
};

// See the adasyn note below.
void expect_adasyn_counts(const Data& d, const std::string& strategy, std::array<int64_t, 2> ours,
                          std::array<int64_t, 2> theirs, AdasynRatios& cache) {
  const auto target = resolve_sampling_strategy(SamplingStrategy::parse(strategy), std::array<int64_t, 2>{d.count(0), d.count(1)},
                                                SamplingType::kOverSampling);
  bool any_ties = false;
  for (const auto& [cls, n] : target) {
    if (n == 0) continue;
    if (!cache.done[cls]) {
      cache.ratio[cls] = testing::over::adasyn_ratios(d, cls, 5, &cache.ties[cls]);
      cache.done[cls] = true;
    }
    bool near_half = false;
    const bool ties = cache.ties[cls];
    const auto g = testing::over::adasyn_rows_per_seed(cache.ratio[cls], n, &near_half);
    int64_t created = 0;
    for (int64_t v : g) created += v;
    if (!near_half) {
      EXPECT_EQ(ours[static_cast<size_t>(cls)], d.count(cls) + created) << "class " << cls << " vs brute force";
    }
    any_ties |= ties;
    if (ties) {
      const int64_t difference = std::abs(ours[static_cast<size_t>(cls)] - theirs[static_cast<size_t>(cls)]);
      EXPECT_LE(difference, std::max<int64_t>(2, n / 100)) << "class " << cls;
      if (difference > 0) {
        std::string key = "adasyn_difference_" + d.name + "_" + strategy;
        for (char& ch : key)
          if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        ::testing::Test::RecordProperty(key, std::to_string(difference) + " of " + std::to_string(n));
      }
    } else {
      EXPECT_EQ(ours[static_cast<size_t>(cls)], theirs[static_cast<size_t>(cls)]) << "class " << cls;
    }
  }
  if (!any_ties) {
    EXPECT_EQ(ours, theirs);
  }
}

const std::vector<std::string> kNumericSamplers = {"ros", "smote", "borderline1", "borderline2", "adasyn"};

// Every shared dataset (the big ones thinned to at most min(2,000, 60,000 / columns) negatives
// and a fifth of that in positives; the same rows go to imbalanced-learn), every numeric over-sampler, every strategy: rows per class
// after resampling equal imbalanced-learn's. Exceptions, each explained in docs/samplers_over.md:
// - "minority": imbalanced-learn 0.10's parameter validation refuses it for over-samplers
//   although its check_sampling_strategy defines it; in binary data it means what "auto" means,
//   so imbalanced-learn runs with "auto" here.
// - adasyn: its counts depend on the labels of each row's neighbours. Where equally distant rows
//   straddle a row's first or n_neighbors-th neighbour (duplicates: http, smtp, mammography...),
//   scikit-learn's tree order and the engine's (smaller index first) can pick different rows.
//   There ours must equal a brute-force count with the engine's tie rule, and differ from
//   imbalanced-learn's by at most 1% of the rows asked for; elsewhere they are equal.
// - borderline2: imbalanced-learn 0.10 creates int(f (n + 1)) + int((1 - f) n) rows, f ~ Beta(10,
//   10), which is n or n - 1; fraudkit creates exactly n, like borderline1. Checked: ours =
//   imbalanced-learn's borderline-1 counts (same danger rule, exactly n rows) and
//   |ours - theirs| <= 1. When the majority class is grown, 0.10's borderline-2 fails with an
//   IndexError (its neighbour-index bug); fraudkit does not.
TEST(OverSamplerContract, ClassCountsMatchImbalancedLearnForEveryStrategyOnEverySharedDataset) {
  testing::TempDir dir;
  std::vector<Data> data;
  nlohmann::json jobs = nlohmann::json::array();
  for (const std::string& file : testing::shared_dataset_names()) {
    // Caps shrink with the column count so every dataset costs about the same.
    std::ifstream in(testing::dataset_path(file));
    std::string header;
    std::getline(in, header);
    const auto features = static_cast<int64_t>(std::count(header.begin(), header.end(), ','));  // label is last
    const int64_t negatives = std::min<int64_t>(2000, 60000 / features);
    data.push_back(testing::over::load_shared(strip_csv(file), negatives, std::min<int64_t>(800, negatives / 5)));
    const auto path = dir / file;
    testing::over::write_data_csv(path, data.back());
    std::string strategies;
    for (const auto& s : strategies_for(data.back())) strategies += (strategies.empty() ? "" : ";") + (s == "minority" ? "auto" : s);
    jobs.push_back({{"cmd", "counts"}, {"data", path.string()}, {"methods", "ros,smote,borderline1,borderline2,adasyn"},
                    {"strategies", strategies}});
  }
  ASSERT_GE(data.size(), 10u);
  // imbalanced-learn runs (one Python process) while fraudkit runs every case.
  auto oracle = std::async(std::launch::async, [&] { return testing::over::run_oracle(jobs); });
  struct Outcome {
    std::string error;
    std::array<int64_t, 2> counts{0, 0};
  };
  std::vector<std::map<std::string, Outcome>> ours_all(data.size());
  for (size_t i = 0; i < data.size(); ++i)
    for (const std::string& sampler : kNumericSamplers)
      for (const std::string& strategy : strategies_for(data[i])) {
        SCOPED_TRACE(data[i].name + " / " + sampler + " / " + strategy);
        Outcome& o = ours_all[i][sampler + "|" + strategy];
        try {
          const ResampleResult r = run(sampler, {{"sampling_strategy", strategy}}, data[i]);
          o.counts = {r.report.at("negatives_out").get<int64_t>(), r.report.at("positives_out").get<int64_t>()};
          // The report agrees with the rows themselves.
          std::array<int64_t, 2> counted{0, 0};
          for (uint32_t k : r.kept) ++counted[data[i].y[k]];
          for (uint8_t v : r.synthetic_y) ++counted[v];
          EXPECT_EQ(counted, o.counts);
          EXPECT_EQ(r.synthetic.rows(), static_cast<Eigen::Index>(r.synthetic_y.size()));
        } catch (const Error& e) {
          o.error = e.what();
        }
      }
  const nlohmann::json theirs = oracle.get();
  size_t compared = 0, expected = 0;
  for (const Data& d : data) expected += kNumericSamplers.size() * strategies_for(d).size();
  for (size_t i = 0; i < data.size(); ++i) {
    const Data& d = data[i];
    AdasynRatios adasyn;
    for (const std::string& sampler : kNumericSamplers) {
      for (const std::string& strategy : strategies_for(d)) {
        SCOPED_TRACE(d.name + " / " + sampler + " / " + strategy);
        const nlohmann::json& expect = theirs[i].at(sampler).at(strategy == "minority" ? "auto" : strategy);
        const std::string& error = ours_all[i][sampler + "|" + strategy].error;
        const std::array<int64_t, 2> ours = ours_all[i][sampler + "|" + strategy].counts;
        ++compared;
        if (expect.is_object() && sampler == "borderline2" &&
            expect.at("error").get<std::string>().starts_with("IndexError")) {
          EXPECT_TRUE(error.empty()) << error;
          continue;
        }
        if (expect.is_object()) {
          EXPECT_FALSE(error.empty()) << "imbalanced-learn refuses: " << expect.dump() << "; fraudkit gave " << ours[0]
                                      << "/" << ours[1];
          continue;
        }
        ASSERT_TRUE(error.empty()) << error << " (imbalanced-learn: " << expect.dump() << ")";
        const std::array<int64_t, 2> want = {expect[0].get<int64_t>(), expect[1].get<int64_t>()};
        if (sampler == "borderline2") {
          const nlohmann::json& one = theirs[i].at("borderline1").at(strategy == "minority" ? "auto" : strategy);
          EXPECT_EQ(ours[0], one[0].get<int64_t>());
          EXPECT_EQ(ours[1], one[1].get<int64_t>());
          EXPECT_LE(std::abs(ours[0] - want[0]) + std::abs(ours[1] - want[1]), 1);
        } else if (sampler == "adasyn") {
          expect_adasyn_counts(d, strategy, ours, want, adasyn);
        } else {
          EXPECT_EQ(ours, want);
        }
      }
    }
  }
  EXPECT_EQ(compared, expected);
}

// A mixed numeric + categorical dataset: the reference transaction simulator.
Data transactions(int rows = 3000, int seed = 3) {
  TransactionParams p;
  p.rows = rows;
  p.fraud_rate = 0.05;
  p.seed = seed;
  return testing::over::from_dataset(make_transactions(p), "transactions");
}

// Categorical-only data: the transactions' integer columns as categories.
Data categorical_only(int rows = 3000) {
  Data mixed = transactions(rows);
  Data d;
  d.name = "categorical";
  d.y = mixed.y;
  d.X.resize(mixed.X.rows(), 3);
  d.X.col(0) = mixed.X.col(1);  // hour
  d.X.col(1) = mixed.X.col(2);  // day_of_week
  d.X.col(2) = mixed.X.col(3);  // merchant_category
  d.categorical = {1, 1, 1};
  return d;
}

struct Case {
  std::string sampler;
  nlohmann::json params;
  Data data;
};

std::vector<Case> every_over_sampler() {
  const Data numeric = testing::over::load_shared("thyroid");
  Data mixed = transactions();
  return {{"ros", {}, mixed},
          {"ros", {{"shrinkage", 1.0}}, mixed},
          {"smote", {}, numeric},
          {"borderline1", {}, numeric},
          {"borderline2", {}, numeric},
          {"adasyn", {}, numeric},
          {"smotenc", {}, mixed},
          {"smoten", {}, categorical_only()}};
}

TEST(OverSamplerContract, OutputIsEveryInputRowThenNewRowsSameForEverySeedAndThreadCount) {
  for (const Case& c : every_over_sampler()) {
    SCOPED_TRACE(c.sampler + " " + c.params.dump());
    const ResampleResult one = run(c.sampler, c.params, c.data, 11, 1);
    const ResampleResult two = run(c.sampler, c.params, c.data, 11, 2);
    const ResampleResult other_seed = run(c.sampler, c.params, c.data, 12, 2);
    const auto n = static_cast<uint32_t>(c.data.y.size());
    ASSERT_GE(one.kept.size(), n);
    for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(one.kept[i], i);
    for (uint32_t k : one.kept) ASSERT_LT(k, n);  // only rows it was given
    EXPECT_EQ(one.kept, two.kept);
    EXPECT_EQ(one.synthetic, two.synthetic);
    EXPECT_EQ(one.synthetic_y, two.synthetic_y);
    EXPECT_TRUE(one.synthetic != other_seed.synthetic || one.kept != other_seed.kept);
    EXPECT_GT(one.rows_out(), c.data.y.size());
    EXPECT_EQ(one.report.at("rows_out").get<size_t>(), one.rows_out());
    EXPECT_EQ(one.synthetic.cols(), c.data.X.cols());
    // Parameters survive a round trip.
    const auto sampler = make_sampler(c.sampler, c.params);
    EXPECT_EQ(make_sampler(c.sampler, sampler->params_to_json())->params_to_json(), sampler->params_to_json());
    EXPECT_EQ(sampler->type_name(), c.sampler);
    EXPECT_EQ(sampler->sampling_type(), SamplingType::kOverSampling);
  }
}

TEST(OverSamplerContract, SingleClassDataIsRefusedByEveryOverSampler) {
  for (Case c : every_over_sampler()) {
    SCOPED_TRACE(c.sampler);
    std::fill(c.data.y.begin(), c.data.y.end(), 1);
    try {
      run(c.sampler, c.params, c.data);
      ADD_FAILURE() << "no error";
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("single class"));
    }
  }
}

TEST(OverSamplerContract, EveryOverSamplerIsRegisteredWithHelp) {
  for (const std::string name : {"ros", "smote", "smotenc", "smoten", "borderline1", "borderline2", "adasyn"}) {
    bool found = false;
    for (const auto& info : registered_samplers())
      if (info.name == name) {
        found = true;
        EXPECT_THAT(info.params_help, ::testing::HasSubstr("sampling_strategy")) << name;
      }
    EXPECT_TRUE(found) << name;
  }
}

}  // namespace
}  // namespace fraudkit
