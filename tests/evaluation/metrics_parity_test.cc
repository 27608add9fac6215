// Parity with scikit-learn 1.2 (tests/oracle/metrics_oracle.py) to 1e-9: every metric of
// all_metrics, both curves and the classification report, on real score vectors (features of
// the shared datasets used as scores) and on random vectors full of ties and edge cases.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fraudkit/metrics.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using nlohmann::json;
namespace ft = fraudkit::testing;

constexpr double kTolerance = 1e-9;

std::filesystem::path oracle() { return ft::source_dir() / "tests/oracle/metrics_oracle.py"; }

std::string exact(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// null in the oracle's JSON stands for scikit-learn's NaN or an undefined value.
void expect_near(const json& expected, double actual, const std::string& what) {
  if (expected.is_null()) {
    EXPECT_TRUE(std::isnan(actual)) << what << ": oracle says undefined, we say " << actual;
    return;
  }
  const double e = expected.get<double>();
  EXPECT_NEAR(actual, e, kTolerance) << what;
}

void expect_same_vector(const json& expected, const std::vector<double>& actual, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what << ": curve lengths differ";
  int reported = 0;
  for (size_t i = 0; i < actual.size() && reported < 5; ++i) {
    const json& e = expected[i];
    const bool ok = e.is_null() ? std::isnan(actual[i]) : std::abs(actual[i] - e.get<double>()) <= kTolerance;
    if (!ok) {
      ADD_FAILURE() << what << "[" << i << "]: expected " << e << ", got " << exact(actual[i]);
      ++reported;
    }
  }
}

struct Case {
  std::vector<uint8_t> y;
  std::vector<double> s;
  MetricOptions options;
};

// Compares all_metrics, the curves and the classification report with one oracle result.
void expect_matches_oracle(const Case& c, const json& oracle_result, const std::string& label) {
  SCOPED_TRACE(label);
  const json ours = all_metrics(c.y, c.s, c.options);
  for (const char* key : {"average_precision", "roc_auc", "precision", "recall", "f1", "f_beta",
                          "mcc", "balanced_accuracy", "accuracy", "log_loss", "brier",
                          "precision_at_k", "recall_at_k", "expected_cost", "cost_per_row",
                          "prevalence", "threshold", "beta"}) {
    const json& mine = ours.at(key);
    if (oracle_result.at(key).is_null() || mine.is_null()) {
      EXPECT_EQ(mine.is_null(), oracle_result.at(key).is_null()) << key << ": ours " << mine
                                                                  << " vs oracle " << oracle_result.at(key);
      continue;
    }
    expect_near(oracle_result.at(key), mine.get<double>(), key);
  }
  for (const char* key : {"n", "positives", "k"}) EXPECT_EQ(ours.at(key), oracle_result.at(key)) << key;
  EXPECT_EQ(ours.at("confusion"), oracle_result.at("confusion"));

  const ScoreCurve curve = ScoreCurve::build(c.y, c.s);
  const PrCurve pr = precision_recall_curve(curve);
  expect_same_vector(oracle_result["pr_curve"]["precision"], pr.precision, "pr precision");
  expect_same_vector(oracle_result["pr_curve"]["recall"], pr.recall, "pr recall");
  expect_same_vector(oracle_result["pr_curve"]["thresholds"], pr.thresholds, "pr thresholds");
  for (const bool drop : {true, false}) {
    const RocCurve roc = roc_curve(curve, drop);
    const json& e = oracle_result[drop ? "roc_curve" : "roc_curve_full"];
    const std::string name = drop ? "roc(drop_intermediate) " : "roc(full) ";
    expect_same_vector(e["fpr"], roc.fpr, name + "fpr");
    expect_same_vector(e["tpr"], roc.tpr, name + "tpr");
    expect_same_vector(e["thresholds"], roc.thresholds, name + "thresholds");
  }

  const Confusion conf = confusion_at(c.y, c.s, c.options.threshold);
  const json report = classification_report(conf);
  const json& expected_report = oracle_result["classification_report"];
  ASSERT_EQ(report.size(), expected_report.size()) << report.dump() << " vs " << expected_report.dump();
  for (const auto& [name, row] : expected_report.items()) {
    ASSERT_TRUE(report.contains(name)) << name;
    if (row.is_number()) {
      expect_near(row, report[name].get<double>(), "report " + name);
      continue;
    }
    for (const auto& [field, value] : row.items())
      expect_near(value, report[name].at(field).get<double>(), "report " + name + " " + field);
  }
  EXPECT_EQ(classification_report_text(conf), oracle_result["classification_report_text"].get<std::string>());
}

json run_cases(const std::vector<Case>& cases) {
  json list = json::array();
  for (const Case& c : cases) {
    const CostMatrix& m = c.options.cost;
    list.push_back({{"y", c.y}, {"s", c.s}, {"threshold", c.options.threshold},
                    {"beta", c.options.beta}, {"k", c.options.k}, {"cost", {m.fp, m.fn, m.tp, m.tn}}});
  }
  ft::TempDir dir;
  ft::write_file(dir / "cases.json", list.dump());
  return ft::run_python_json(oracle(), "cases '" + (dir / "cases.json").string() + "'")["results"];
}

// --- hand-picked edge cases -------------------------------------------------------------

Case make(std::vector<uint8_t> y, std::vector<double> s, double threshold = 0.5) {
  Case c{std::move(y), std::move(s), {}};
  c.options.threshold = threshold;
  return c;
}

std::vector<Case> edge_cases() {
  std::vector<Case> cases = {
      make({1}, {0.3}),                                   // n = 1, positive
      make({0}, {0.7}),                                   // n = 1, negative
      make({0, 1}, {0.2, 0.9}),                           // n = 2, perfect separation
      make({1, 0}, {0.2, 0.9}),                           // n = 2, perfectly wrong
      make({0, 1}, {0.5, 0.5}),                           // n = 2, tie across classes
      make({0, 0, 0, 0}, {0.1, 0.4, 0.4, 0.9}),           // no positive
      make({1, 1, 1}, {0.1, 0.4, 0.4}),                   // no negative
      make({0, 1, 0, 1, 1}, {0.3, 0.3, 0.3, 0.3, 0.3}),   // constant scores
      make({0, 1, 0, 1, 1}, {0.3, 0.3, 0.3, 0.3, 0.3}, 0.3),  // threshold at the constant
      make({0, 0, 1, 1, 0, 1}, {0.1, 0.2, 0.8, 0.9, 0.3, 0.7}, 0.75),  // perfect separation
      make({0, 1, 1, 0, 1, 0}, {-2.5, 3.0, 0.0, -0.0, 7.25, 1.5}, 0.0),  // not probabilities, +-0
      make({1, 0, 1, 0}, {0.0, 1.0, 0.0, 1.0}, 1.0),      // probabilities at the clip edges
      make({1, 0, 0, 1}, {1e-300, 1e-17, 1 - 1e-17, 0.5}),  // inside the log-loss clip
      make({0, 0, 1}, {0.9, 0.8, 0.1}, 2.0),              // threshold above every score
      make({0, 0, 1}, {0.9, 0.8, 0.1}, -5.0),             // threshold below every score
  };
  cases.back().options.k = 7;  // k > n
  cases[2].options.k = 0;
  cases[4].options.beta = 0.5;
  cases[9].options.cost = {2.0, 25.0, -1.0, 0.5};
  return cases;
}

TEST(MetricsParity, EdgeCasesMatchScikitLearn) {
  const std::vector<Case> cases = edge_cases();
  const json results = run_cases(cases);
  ASSERT_EQ(results.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) expect_matches_oracle(cases[i], results[i], "edge case " + std::to_string(i));
}

// --- random vectors with many ties ------------------------------------------------------

std::vector<Case> random_cases(uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto integer = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<Case> cases;
  for (int c = 0; c < count; ++c) {
    Case k;
    const int n = integer(1, c % 10 == 0 ? 400 : 40);
    const double prevalence = std::vector<double>{0.0, 0.05, 0.3, 0.5, 0.9, 1.0}[integer(0, 5)];
    const int grid = std::vector<int>{2, 3, 5, 10, 1000000}[integer(0, 4)];  // few levels = ties
    const bool probabilities = integer(0, 3) != 0;
    for (int i = 0; i < n; ++i) {
      const bool positive = uniform(0, 1) < prevalence;
      k.y.push_back(positive);
      double s = std::round(uniform(0, 1) * grid) / grid;
      if (positive && integer(0, 1)) s = std::min(1.0, s + 0.3);  // some signal
      k.s.push_back(probabilities ? s : 10 * s - 4);
    }
    // Thresholds often sit exactly on a score, where ">=" matters.
    k.options.threshold = integer(0, 1) ? k.s[static_cast<size_t>(integer(0, n - 1))] : uniform(-0.2, 1.2);
    k.options.beta = std::vector<double>{0.5, 1.0, 2.0, 3.7}[integer(0, 3)];
    k.options.k = integer(-1, n + 2);
    k.options.cost = {uniform(0, 5), uniform(0, 50), uniform(-1, 0), uniform(0, 0.1)};
    cases.push_back(std::move(k));
  }
  return cases;
}

TEST(MetricsParity, RandomTiedVectorsMatchScikitLearn) {
  const std::vector<Case> cases = random_cases(20240611, 300);
  const json results = run_cases(cases);
  ASSERT_EQ(results.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) expect_matches_oracle(cases[i], results[i], "random case " + std::to_string(i));
}

// --- real score vectors -----------------------------------------------------------------

struct Table {
  std::vector<std::vector<double>> features;  // column-major
  std::vector<uint8_t> label;
};

// The shared datasets are plain numeric CSVs with the label last (see their README), so a
// few lines of strtod suffice and keep this test independent of the CSV reader. Only the
// first `max_rows` rows are read: the two largest files (http, cover) would otherwise spend
// minutes in the oracle for no extra coverage.
Table read_numeric_csv(const std::filesystem::path& path, size_t max_rows) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const size_t columns = static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
  Table t;
  t.features.resize(columns - 1);
  while (t.label.size() < max_rows && std::getline(in, line)) {
    const char* p = line.c_str();
    for (size_t c = 0; c < columns; ++c) {
      char* end = nullptr;
      const double v = std::strtod(p, &end);
      if (c + 1 < columns) t.features[c].push_back(v);
      else t.label.push_back(static_cast<uint8_t>(v));
      p = end + 1;
    }
  }
  return t;
}

TEST(MetricsParity, RealDatasetScoresMatchScikitLearn) {
  const std::vector<std::string> names = ft::shared_dataset_names();
  ASSERT_FALSE(names.empty());
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const Table t = read_numeric_csv(ft::dataset_path(name), 60000);
    const size_t n = t.label.size(), d = t.features.size();
    ASSERT_GT(n, 0u);
    // Three score vectors, no model needed: the first feature as is (heavy ties on most
    // datasets), a fixed linear combination of all features, and its logistic squash (a
    // probability, so log-loss and Brier are exercised on real data).
    std::vector<double> raw = t.features[0], linear(n), squashed(n);
    for (size_t i = 0; i < n; ++i) {
      double z = 0;
      for (size_t j = 0; j < d; ++j) z += (0.25 * static_cast<double>(j % 5) - 0.4) * t.features[j][i];
      linear[i] = z;
    }
    std::vector<double> sorted = linear;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[n / 2], spread = std::max(1e-9, sorted[n * 9 / 10] - sorted[n / 10]);
    for (size_t i = 0; i < n; ++i) squashed[i] = 1.0 / (1.0 + std::exp(-(linear[i] - median) / spread));
    const std::vector<std::vector<double>*> scores = {&raw, &linear, &squashed};
    // Thresholds at the 90th percentile score, so the confusion matrix is not degenerate.
    std::vector<double> thresholds;
    for (auto* s : scores) {
      std::vector<double> copy = *s;
      std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(n * 9 / 10), copy.end());
      thresholds.push_back(copy[n * 9 / 10]);
    }

    ft::TempDir dir;
    std::string csv = "y_true,raw,linear,squashed\n";
    for (size_t i = 0; i < n; ++i)
      csv += std::to_string(t.label[i]) + "," + exact(raw[i]) + "," + exact(linear[i]) + "," + exact(squashed[i]) + "\n";
    ft::write_file(dir / "scores.csv", csv);
    const json results = ft::run_python_json(
        oracle(), "csv '" + (dir / "scores.csv").string() + "' --beta 2 --k -1 --cost 1:20:0:0 --thresholds=" +
                      exact(thresholds[0]) + "," + exact(thresholds[1]) + "," + exact(thresholds[2]))["results"];
    const char* columns[] = {"raw", "linear", "squashed"};
    for (size_t c = 0; c < 3; ++c) {
      Case k{t.label, *scores[c], {}};
      k.options.threshold = thresholds[c];
      k.options.beta = 2.0;
      k.options.cost = {1.0, 20.0, 0.0, 0.0};
      expect_matches_oracle(k, results.at(columns[c]), name + " " + columns[c]);
    }
  }
}

TEST(MetricsParity, AgreesWithThePeerAnchor) {
  // The project's reference oracle (../shared/anchors/peer.py metrics) on a real score vector:
  // mammography's first feature squashed into (0, 1), thresholded at 0.5.
  const Table t = read_numeric_csv(ft::dataset_path("mammography.csv"), 1u << 30);
  Case k{t.label, {}, {}};
  for (double v : t.features[0]) k.s.push_back(1.0 / (1.0 + std::exp(-v)));
  ft::TempDir dir;
  std::string csv = "y_true,score\n";
  for (size_t i = 0; i < k.y.size(); ++i) csv += std::to_string(k.y[i]) + "," + exact(k.s[i]) + "\n";
  ft::write_file(dir / "scores.csv", csv);
  const json peer = ft::run_python_json(ft::shared_dir() / "anchors/peer.py",
                                        "metrics --threshold 0.5 --scores '" + (dir / "scores.csv").string() + "'");
  k.options.threshold = 0.5;
  k.options.beta = 2.0;
  const json ours = all_metrics(k.y, k.s, k.options);
  EXPECT_EQ(ours["n"], peer["n"]);
  EXPECT_EQ(ours["positives"], peer["positives"]);
  for (const char* key : {"average_precision", "roc_auc", "precision", "recall", "f1", "mcc",
                          "balanced_accuracy", "log_loss", "brier"})
    EXPECT_NEAR(ours[key].get<double>(), peer[key].get<double>(), kTolerance) << key;
  EXPECT_NEAR(ours["f_beta"].get<double>(), peer["f2"].get<double>(), kTolerance);
}

}  // namespace
}  // namespace fraudkit
