// make_classification against scikit-learn's make_classification (tests/oracle/
// generators_oracle.py) and against the algebra of its construction:
//  - what sklearn accepts and the class counts it produces are matched exactly;
//  - redundant columns are exact linear combinations (numerical rank with Eigen), noise columns
//    are N(0, 1) and carry no class signal, rows and features are shuffled;
//  - flip_y relabels flip_y / 2 of the rows;
//  - over many seeds, row- and feature-order-free statistics (class share, logistic AUC, mean
//    variance, standardised mean differences, correlations) have the same distribution as
//    sklearn's (Welch tests, Bonferroni-bounded).
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "data/generate_test_stats.h"
#include "fraudkit/generate.h"
#include "test_support.h"

namespace fraudkit {
namespace {

namespace st = fraudkit::testing::stats;
using fraudkit::testing::TempDir;

constexpr double kAlpha = 1e-3;  // chance a correct generator fails one test's family of checks

std::filesystem::path oracle() {
  return fraudkit::testing::source_dir() / "tests" / "oracle" / "generators_oracle.py";
}

std::string quoted(const nlohmann::json& j) { return "'" + j.dump() + "'"; }

ClassificationParams params(int n, int d, int inf, int red, int clusters, double w, double flip,
                            double sep, int seed = 0) {
  ClassificationParams p;
  p.n_samples = n;
  p.n_features = d;
  p.n_informative = inf;
  p.n_redundant = red;
  p.n_clusters_per_class = clusters;
  p.weight_positive = w;
  p.flip_y = flip;
  p.class_sep = sep;
  p.seed = seed;
  return p;
}

Eigen::MatrixXd matrix(const Dataset& d) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(d.rows()), static_cast<Eigen::Index>(d.num_features()));
  for (size_t j = 0; j < d.num_features(); ++j)
    for (size_t i = 0; i < d.rows(); ++i) x(i, j) = d.columns[j].values[i];
  return x;
}

TEST(GenerateClassification, SchemaIsX0ToXdAndLabel) {
  const Dataset d = make_classification(params(50, 5, 2, 1, 1, 0.2, 0.0, 1.0));
  ASSERT_EQ(d.num_features(), 5u);
  ASSERT_EQ(d.rows(), 50u);
  for (size_t j = 0; j < 5; ++j) {
    EXPECT_EQ(d.columns[j].name(), "x" + std::to_string(j));
    EXPECT_EQ(d.columns[j].type(), ColumnType::kNumeric);
    EXPECT_EQ(d.columns[j].values.size(), 50u);
  }
  EXPECT_EQ(d.target_name, "label");
  EXPECT_EQ(d.positive_label, "1");
  EXPECT_EQ(d.negative_label, "0");
  EXPECT_EQ(d.target.size(), 50u);
}

TEST(GenerateClassification, AcceptsExactlyWhatSklearnAccepts) {
  const std::vector<ClassificationParams> cases = {
      params(100, 4, 2, 2, 1, 0.3, 0.0, 1.0),  // informative + redundant == features
      params(100, 4, 3, 2, 1, 0.3, 0.0, 1.0),  // one too many
      params(100, 6, 2, 0, 2, 0.3, 0.0, 1.0),  // 2 * 2 clusters == 2^2 vertices
      params(100, 6, 2, 0, 3, 0.3, 0.0, 1.0),  // 6 clusters > 4 vertices
      params(100, 3, 1, 0, 1, 0.3, 0.0, 1.0),  // one informative feature, one cluster each
      params(100, 3, 1, 0, 2, 0.3, 0.0, 1.0),
      params(100, 9, 5, 0, 16, 0.3, 0.0, 1.0),
      params(100, 9, 5, 0, 17, 0.3, 0.0, 1.0),
  };
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : cases) list.push_back(params_to_json(p, classification_param_table()));
  const auto verdicts = fraudkit::testing::run_python_json(oracle(), "accepts " + quoted(list));
  ASSERT_EQ(verdicts.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const bool sk_accepts = verdicts[i]["accepted"].get<bool>();
    std::string ours_message;
    try {
      make_classification(cases[i]);
    } catch (const UsageError& e) {
      ours_message = e.what();
    }
    EXPECT_EQ(ours_message.empty(), sk_accepts) << "case " << i << ": " << ours_message;
    // The cluster-count message is sklearn's, word for word, after our prefix.
    const std::string sk_message = verdicts[i]["message"].get<std::string>();
    if (sk_message.find("n_clusters_per_class") != std::string::npos) {
      EXPECT_NE(ours_message.find(sk_message), std::string::npos) << ours_message;
    }
  }
}

TEST(GenerateClassification, RejectsOutOfRangeValuesNamingTheParameter) {
  const auto expect_rejected = [](ClassificationParams p, const std::string& name) {
    try {
      make_classification(p);
      ADD_FAILURE() << name << " accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  };
  ClassificationParams p;
  p.n_samples = 0;
  expect_rejected(p, "'n_samples'");
  p = {};
  p.flip_y = 1.5;
  expect_rejected(p, "'flip_y'");
  p = {};
  p.weight_positive = -0.1;
  expect_rejected(p, "'weight_positive'");
  p = {};
  p.class_sep = NAN;
  expect_rejected(p, "'class_sep'");
  p = {};
  p.n_redundant = -1;
  expect_rejected(p, "'n_redundant'");
  p = {};
  p.n_clusters_per_class = 0;
  expect_rejected(p, "'n_clusters_per_class'");
  p = {};
  p.n_informative = 19;
  expect_rejected(p, "n_features");  // 19 + 2 redundant > 20 features
}

TEST(GenerateClassification, ClassCountsMatchSklearnExactlyWithoutLabelNoise) {
  // With flip_y = 0 the class counts are fixed by the weights, the clusters and the way the
  // truncated remainder is handed out, so they must agree to the row.
  const std::vector<ClassificationParams> cases = {
      params(1000, 5, 2, 0, 1, 0.02, 0.0, 1.0),   params(1001, 5, 2, 0, 2, 0.3, 0.0, 1.0),
      params(997, 5, 3, 0, 3, 0.5, 0.0, 1.0),     params(10, 5, 3, 0, 4, 0.05, 0.0, 1.0),
      params(7, 5, 2, 0, 2, 0.9, 0.0, 1.0),       params(100000, 5, 2, 0, 1, 0.013, 0.0, 1.0),
      params(12345, 6, 4, 1, 5, 0.137, 0.0, 1.0), params(50, 3, 2, 0, 1, 0.0, 0.0, 1.0),
      params(50, 3, 2, 0, 1, 1.0, 0.0, 1.0)};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : cases) list.push_back(params_to_json(p, classification_param_table()));
  const auto counts = fraudkit::testing::run_python_json(oracle(), "counts " + quoted(list));
  ASSERT_EQ(counts.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Dataset d = make_classification(cases[i]);
    EXPECT_EQ(d.count_positives(), counts[i]["positives"].get<size_t>()) << "case " << i;
    EXPECT_EQ(d.rows() - d.count_positives(), counts[i]["negatives"].get<size_t>()) << "case " << i;
  }
}

// Splits the columns of a generated matrix into those in the span of the others (informative
// and redundant: with at least as many redundant as informative columns each one is) and the
// rest (noise), by the relative residual of a least-squares fit on all other columns.
struct ColumnRoles {
  std::vector<int> dependent, noise;
};

ColumnRoles column_roles(const Eigen::MatrixXd& centred) {
  ColumnRoles roles;
  const Eigen::Index d = centred.cols();
  for (Eigen::Index j = 0; j < d; ++j) {
    Eigen::MatrixXd others(centred.rows(), d - 1);
    for (Eigen::Index k = 0, c = 0; k < d; ++k)
      if (k != j) others.col(c++) = centred.col(k);
    const Eigen::VectorXd coef = others.completeOrthogonalDecomposition().solve(centred.col(j));
    const double residual = (centred.col(j) - others * coef).squaredNorm();
    // In exact arithmetic the ratio is 0 or about 1 - (d - 1) / n; rounding gives ~1e-28.
    (residual / centred.col(j).squaredNorm() < 1e-12 ? roles.dependent : roles.noise)
        .push_back(static_cast<int>(j));
  }
  return roles;
}

Eigen::MatrixXd centred(const Eigen::MatrixXd& x) {
  return x.rowwise() - x.colwise().mean();
}

Eigen::Index numerical_rank(const Eigen::MatrixXd& x) {
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  qr.setThreshold(1e-10);
  return qr.rank();
}

TEST(GenerateClassification, RedundantFeaturesAreExactLinearCombinationsOfInformativeOnes) {
  for (int seed : {0, 1, 2}) {
    const Dataset d = make_classification(params(2000, 10, 3, 4, 2, 0.3, 0.01, 1.0, seed));
    const Eigen::MatrixXd x = centred(matrix(d));
    // 3 informative + 3 noise directions; the 4 redundant columns add none.
    EXPECT_EQ(numerical_rank(x), 6) << "seed " << seed;
    const ColumnRoles roles = column_roles(x);
    ASSERT_EQ(roles.dependent.size(), 7u) << "seed " << seed;
    ASSERT_EQ(roles.noise.size(), 3u) << "seed " << seed;
    Eigen::MatrixXd block(x.rows(), 7);
    for (int c = 0; c < 7; ++c) block.col(c) = x.col(roles.dependent[c]);
    EXPECT_EQ(numerical_rank(block), 3) << "seed " << seed;
  }
  // Without redundant columns nothing is dependent: full column rank.
  const Dataset d = make_classification(params(2000, 6, 3, 0, 2, 0.3, 0.01, 1.0));
  EXPECT_EQ(numerical_rank(centred(matrix(d))), 6);
}

TEST(GenerateClassification, NoiseFeaturesAreStandardNormalAndCarryNoSignal) {
  const int n = 20000;
  const Dataset d = make_classification(params(n, 10, 3, 4, 2, 0.3, 0.01, 1.0, 5));
  const Eigen::MatrixXd raw = matrix(d);
  const ColumnRoles roles = column_roles(centred(raw));
  ASSERT_EQ(roles.noise.size(), 3u);
  st::ZChecks checks;
  for (int j : roles.noise) {
    const std::vector<double>& v = d.columns[j].values;
    const st::Summary s = st::summarize(v);
    checks.add("mean of noise x" + std::to_string(j), s.mean / std::sqrt(1.0 / n));
    checks.add("variance of noise x" + std::to_string(j), (s.var - 1.0) / std::sqrt(2.0 / n));
    std::vector<double> pos, neg;
    for (size_t i = 0; i < v.size(); ++i) (d.target[i] ? pos : neg).push_back(v[i]);
    checks.add("class difference in noise x" + std::to_string(j),
               st::welch_z(st::summarize(pos), st::summarize(neg)));
    // Independent of every signal column: sqrt(n) r is ~ N(0, 1) under independence.
    for (int k : roles.dependent) {
      const Eigen::VectorXd a = raw.col(j).array() - raw.col(j).mean();
      const Eigen::VectorXd b = raw.col(k).array() - raw.col(k).mean();
      const double r = a.dot(b) / (a.norm() * b.norm());
      checks.add("correlation of noise x" + std::to_string(j) + " with x" + std::to_string(k),
                 r * std::sqrt(static_cast<double>(n)));
    }
  }
  checks.expect_all_within(kAlpha);
}

TEST(GenerateClassification, RowsAndFeaturesAreShuffled) {
  // Features: built as informative, redundant, noise; after sklearn's column shuffle every
  // position holds a noise column in some seeds. With 3 noise columns out of 10 a position
  // misses all 40 seeds with probability 0.7^40 ~ 6e-7 (6e-6 for any of the 10).
  std::set<int> noise_positions;
  for (int seed = 0; seed < 40; ++seed) {
    const Dataset d = make_classification(params(300, 10, 3, 4, 1, 0.5, 0.0, 1.0, seed));
    for (int j : column_roles(centred(matrix(d))).noise) noise_positions.insert(j);
  }
  EXPECT_EQ(noise_positions.size(), 10u);
  // Rows: built cluster by cluster, all class 0 rows first with one cluster per class (with
  // two, the class pattern 0 1 0 1 would balance the halves); shuffled, each half holds its
  // binomial share.
  const Dataset d = make_classification(params(20000, 4, 2, 0, 1, 0.3, 0.0, 1.0));
  double first = 0, second = 0;
  for (size_t i = 0; i < d.rows(); ++i) (i < d.rows() / 2 ? first : second) += d.target[i];
  EXPECT_LT(std::fabs(st::two_proportion_z(first, 10000, second, 10000)), st::bonferroni_z(kAlpha, 1));
}

// Share of labels disagreeing with the majority of their cluster, where clusters are so far
// apart (class_sep 10, every feature informative) that the sign pattern of a row is its vertex.
double vertex_label_noise(const Dataset& d) {
  std::map<int, std::pair<double, double>> votes;  // vertex -> (class 0, class 1) counts
  for (size_t i = 0; i < d.rows(); ++i) {
    int key = 0;
    for (size_t j = 0; j < d.num_features(); ++j) key = 2 * key + (d.columns[j].values[i] > 0);
    (d.target[i] ? votes[key].second : votes[key].first) += 1;
  }
  double wrong = 0;
  for (const auto& [key, v] : votes) wrong += std::min(v.first, v.second);
  return wrong / static_cast<double>(d.rows());
}

TEST(GenerateClassification, FlipYRelabelsHalfItsShareAtRandom) {
  // A flipped row gets a fair-coin label, so it changes class with probability 1/2: the share
  // of labels that disagree with their cluster is flip_y / 2 (binomial sampling error).
  const int n = 40000;
  for (double flip : {0.0, 0.05, 0.2, 0.6}) {
    const Dataset d = make_classification(params(n, 2, 2, 0, 1, 0.5, flip, 10.0, 3));
    const double noise = vertex_label_noise(d), expected = flip / 2;
    if (flip == 0) {
      EXPECT_EQ(noise, 0.0);
      continue;
    }
    const double z = (noise - expected) / std::sqrt(expected * (1 - expected) / n);
    EXPECT_LT(std::fabs(z), st::bonferroni_z(kAlpha, 3)) << "flip_y " << flip << ": " << noise;
  }
}

// Distribution-level parity with sklearn: R seeds from each side, per-seed statistics computed
// by one piece of code (the oracle) for both, and a Welch test per statistic.
struct ParityCase {
  const char* name;
  ClassificationParams params;
};

void PrintTo(const ParityCase& c, std::ostream* os) { *os << c.name; }

class ClassificationParity : public ::testing::TestWithParam<ParityCase> {};

TEST_P(ClassificationParity, StatisticsAreDistributedLikeSklearns) {
  const int seeds = 100;
  const ClassificationParams base = GetParam().params;
  TempDir tmp;
  const auto csv = tmp / "ours.csv";
  {
    std::ofstream out(csv);
    out << "seed";
    for (int j = 0; j < base.n_features; ++j) out << ",x" << j;
    out << ",label\n";
    char buf[32];
    for (int s = 0; s < seeds; ++s) {
      ClassificationParams p = base;
      p.seed = 1000 + s;
      const Dataset d = make_classification(p);
      for (size_t i = 0; i < d.rows(); ++i) {
        out << s;
        for (const Column& c : d.columns) {
          std::snprintf(buf, sizeof buf, ",%.10g", c.values[i]);
          out << buf;
        }
        out << "," << int{d.target[i]} << "\n";
      }
    }
  }
  const nlohmann::json j = params_to_json(base, classification_param_table());
  const auto stats = fraudkit::testing::run_python_json(
      oracle(), "stats " + quoted(j) + " " + std::to_string(seeds) + " '" + csv.string() + "'");
  st::ZChecks checks;
  std::ostringstream log;
  for (const auto& [stat, sk_values] : stats["sklearn"].items()) {
    const auto a = st::summarize(stats["ours"][stat].get<std::vector<double>>());
    const auto b = st::summarize(sk_values.get<std::vector<double>>());
    ASSERT_EQ(a.n, seeds) << stat;
    ASSERT_EQ(b.n, seeds) << stat;
    // Per-seed values are iid within a side, so Welch's statistic is Student t with
    // welch_df degrees of freedom.
    const double t = st::welch_z(a, b), df = st::welch_df(a, b);
    log << stat << ": ours " << a.mean << " +- " << std::sqrt(a.var) << ", sklearn " << b.mean
        << " +- " << std::sqrt(b.var) << "\n";
    checks.add(stat + " (t = " + std::to_string(t) + ", df = " + std::to_string(df) + ")", t, df);
  }
  EXPECT_GE(checks.size(), 8u);
  checks.expect_all_within(kAlpha);
  if (HasFailure() || std::getenv("FRAUDKIT_VERBOSE_PARITY")) std::cerr << log.str();
}

INSTANTIATE_TEST_SUITE_P(
    Configs, ClassificationParity,
    ::testing::Values(
        // Two clusters per class, balanced-ish, moderate separation.
        ParityCase{"clusters", params(1000, 8, 3, 2, 2, 0.3, 0.05, 0.8)},
        // Close to fraudkit's defaults: rare positives, one cluster each.
        ParityCase{"imbalanced", params(2000, 10, 2, 2, 1, 0.05, 0.01, 1.0)},
        // Far-apart clusters with heavy label noise: the noise statistic dominates.
        ParityCase{"separable", params(1000, 2, 2, 0, 1, 0.5, 0.2, 10.0)}),
    [](const ::testing::TestParamInfo<ParityCase>& c) { return std::string(c.param.name); });

TEST(GenerateClassification, SameSeedSameDataOtherSeedOtherData) {
  const Dataset a = make_classification(params(500, 6, 3, 1, 2, 0.2, 0.05, 1.0, 9));
  const Dataset b = make_classification(params(500, 6, 3, 1, 2, 0.2, 0.05, 1.0, 9));
  const Dataset c = make_classification(params(500, 6, 3, 1, 2, 0.2, 0.05, 1.0, 10));
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_NE(a.fingerprint(), c.fingerprint());
}

TEST(GenerateClassification, ParamTableHasOneRowPerFieldWithTheHeaderDefaults) {
  const auto table = classification_param_table();
  EXPECT_EQ(params_to_json(ClassificationParams{}, table), nlohmann::json::parse(R"({
      "n_samples": 10000, "n_features": 20, "n_informative": 2, "n_redundant": 2,
      "n_clusters_per_class": 1, "weight_positive": 0.02, "flip_y": 0.01, "class_sep": 1.0,
      "seed": 0})"));
  for (const auto& spec : table) EXPECT_STRNE(spec.help, "") << spec.name;
  ClassificationParams p;
  set_param_from_text(p, table, "class_sep", "2.5", "generate");
  EXPECT_EQ(p.class_sep, 2.5);
}

}  // namespace
}  // namespace fraudkit
