// make_transactions against the reference simulator (../shared/anchors/make_transactions.py,
// numpy): the same table size drawn by both, then per class every mean, category share,
// clip mass and distribution shape compared within sampling error, plus the exact counts the
// reference fixes. Bounds come from stated false-alarm rates (generate_test_stats.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
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
constexpr int kRows = 200000;
constexpr double kFraudRate = 0.05;
const std::vector<std::string> kMerchants = {"grocery", "restaurant", "gas", "online", "travel"};
const std::vector<std::string> kNumeric = {"amount", "hour", "day_of_week", "distance_from_home",
                                           "transaction_count_24h"};

// One generated table, whichever side drew it, split by class (0 legit, 1 fraud).
struct Table {
  std::string header;  // column names joined by ',' (target last)
  std::array<std::map<std::string, std::vector<double>>, 2> numeric;
  std::array<std::vector<int>, 2> merchant;  // index into kMerchants
  std::vector<int> label;                    // in row order
  size_t count(int cls) const { return merchant[cls].size(); }
};

int merchant_index(const std::string& name) {
  for (size_t i = 0; i < kMerchants.size(); ++i)
    if (kMerchants[i] == name) return static_cast<int>(i);
  ADD_FAILURE() << "unknown merchant '" << name << "'";
  return 0;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  for (std::string cell; std::getline(s, cell, ',');) out.push_back(cell);
  return out;
}

Table read_reference_csv(const std::filesystem::path& path) {
  std::istringstream in(fraudkit::testing::read_file(path));
  Table t;
  std::getline(in, t.header);
  const std::vector<std::string> names = split(t.header);
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string> cells = split(line);
    if (cells.size() != names.size()) {
      ADD_FAILURE() << "ragged reference row: " << line;
      break;
    }
    const int cls = std::stoi(cells.back());
    t.label.push_back(cls);
    for (size_t j = 0; j + 1 < cells.size(); ++j) {
      if (names[j] == "merchant_category") t.merchant[cls].push_back(merchant_index(cells[j]));
      else t.numeric[cls][names[j]].push_back(std::stod(cells[j]));
    }
  }
  return t;
}

Table from_dataset(const Dataset& d) {
  Table t;
  for (const Column& c : d.columns) t.header += c.name() + ",";
  t.header += d.target_name;
  for (size_t r = 0; r < d.rows(); ++r) {
    const int cls = d.target[r];
    t.label.push_back(cls);
    for (const Column& c : d.columns) {
      if (c.is_numeric()) t.numeric[cls][c.name()].push_back(c.values[r]);
      else t.merchant[cls].push_back(merchant_index(c.schema.categories[c.codes[r]]));
    }
  }
  return t;
}

class GenerateTransactions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    const auto csv = *tmp_ / "reference.csv";
    const auto script = fraudkit::testing::shared_dir() / "anchors" / "make_transactions.py";
    const auto r = fraudkit::testing::run_command(
        "/usr/bin/python3 '" + script.string() + "' --rows " + std::to_string(kRows) +
        " --fraud-rate " + std::to_string(kFraudRate) + " --seed 7 --out '" + csv.string() + "'");
    if (r.exit_code != 0) {
      setup_error_ = "make_transactions.py failed: " + r.err;
      return;
    }
    reference_ = new Table(read_reference_csv(csv));
    ours_data_ = new Dataset(make_transactions({kRows, kFraudRate, 7}));
    ours_ = new Table(from_dataset(*ours_data_));
  }
  static void TearDownTestSuite() {
    delete ours_;
    delete ours_data_;
    delete reference_;
    delete tmp_;
  }
  void SetUp() override { ASSERT_NE(reference_, nullptr) << setup_error_; }
  static const Table& reference() { return *reference_; }
  static const Table& ours() { return *ours_; }
  static const Dataset& ours_data() { return *ours_data_; }

 private:
  static inline std::string setup_error_;
  static inline TempDir* tmp_ = nullptr;
  static inline Table* reference_ = nullptr;
  static inline Table* ours_ = nullptr;
  static inline Dataset* ours_data_ = nullptr;
};

TEST_F(GenerateTransactions, SchemaMatchesTheReference) {
  EXPECT_EQ(ours().header, reference().header);
  const Dataset& d = ours_data();
  ASSERT_EQ(d.num_features(), 6u);
  for (const Column& c : d.columns) {
    if (c.name() == "merchant_category") {
      EXPECT_EQ(c.type(), ColumnType::kCategorical);
      EXPECT_EQ(c.schema.categories, kMerchants);  // codes in the reference's order
    } else {
      EXPECT_EQ(c.type(), ColumnType::kNumeric) << c.name();
    }
  }
  EXPECT_EQ(d.target_name, "is_fraud");
  EXPECT_EQ(d.positive_label, "1");
  EXPECT_EQ(d.negative_label, "0");
  EXPECT_FALSE(d.has_weights());
}

TEST_F(GenerateTransactions, FraudCountIsExactlyTheReferences) {
  EXPECT_EQ(reference().count(1), 10000u);
  EXPECT_EQ(ours().count(1), reference().count(1));
  EXPECT_EQ(ours().count(0), reference().count(0));
}

TEST(GenerateTransactionsCount, RoundsLikePythonIncludingHalves) {
  // Python's round() sends exact halves to the even neighbour (2.5 -> 2, 3.5 -> 4), and the
  // product is a double first: 75 * 0.14 is 10.500000000000002 (-> 11) and 90 * 0.35 is
  // 31.499999999999996 (-> 31), so rounding the decimal value by hand would be wrong.
  const std::vector<std::pair<int, double>> cases = {
      {5, 0.5},  {7, 0.5}, {10, 0.25},     {75, 0.14},     {90, 0.35},   {1000, 0.0025},
      {1, 1.0},  {3, 0.0}, {200000, 0.05}, {12345, 0.123}, {999, 0.0015}};
  const auto oracle = fraudkit::testing::source_dir() / "tests" / "oracle" / "generators_oracle.py";
  std::ostringstream args;
  args.precision(17);  // the oracle must see the same double
  args << "n_fraud";
  for (const auto& [rows, rate] : cases) args << " " << rows << ":" << rate;
  const auto expected = fraudkit::testing::run_python_json(oracle, args.str())["n_fraud"];
  ASSERT_EQ(expected.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto [rows, rate] = cases[i];
    const Dataset d = make_transactions({rows, rate, 1});
    EXPECT_EQ(d.rows(), static_cast<size_t>(rows));
    EXPECT_EQ(d.count_positives(), expected[i].get<size_t>()) << rows << " x " << rate;
  }
}

TEST_F(GenerateTransactions, PerClassMeansMatchTheReference) {
  st::ZChecks checks;
  for (int cls : {0, 1})
    for (const std::string& col : kNumeric) {
      const st::Summary a = st::summarize(ours().numeric[cls].at(col));
      const st::Summary b = st::summarize(reference().numeric[cls].at(col));
      std::ostringstream what;
      what << col << " class " << cls << ": ours " << a.mean << ", reference " << b.mean;
      checks.add(what.str(), st::welch_z(a, b));
    }
  checks.expect_all_within(kAlpha);
}

// Share of each value of an integer-coded column within one class, ours against the reference.
void add_share_checks(st::ZChecks& checks, const std::string& col, int cls,
                      const std::vector<double>& ours, const std::vector<double>& ref, int levels) {
  std::vector<double> a(static_cast<size_t>(levels)), b(static_cast<size_t>(levels));
  for (double v : ours) a[static_cast<size_t>(v)] += 1;
  for (double v : ref) b[static_cast<size_t>(v)] += 1;
  for (int l = 0; l < levels; ++l) {
    const auto n1 = static_cast<double>(ours.size()), n2 = static_cast<double>(ref.size());
    std::ostringstream what;
    what << col << " = " << l << " in class " << cls << ": ours " << a[l] / n1 << ", reference "
         << b[l] / n2;
    checks.add(what.str(), st::two_proportion_z(a[l], n1, b[l], n2));
  }
}

TEST_F(GenerateTransactions, PerClassCategoryAndHourSharesMatchTheReference) {
  st::ZChecks checks;
  for (int cls : {0, 1}) {
    const std::vector<double> ours_m(ours().merchant[cls].begin(), ours().merchant[cls].end());
    const std::vector<double> ref_m(reference().merchant[cls].begin(),
                                    reference().merchant[cls].end());
    add_share_checks(checks, "merchant_category", cls, ours_m, ref_m, 5);
    add_share_checks(checks, "hour", cls, ours().numeric[cls].at("hour"),
                     reference().numeric[cls].at("hour"), 24);
    add_share_checks(checks, "day_of_week", cls, ours().numeric[cls].at("day_of_week"),
                     reference().numeric[cls].at("day_of_week"), 7);
  }
  EXPECT_EQ(checks.size(), 2u * (5 + 24 + 7));
  checks.expect_all_within(kAlpha);
}

TEST_F(GenerateTransactions, ClipMassesMatchTheReference) {
  // Clipping piles probability onto the bounds (about 18% of fraud amounts sit at exactly 100,
  // 5% of legit counts at 1 from Poisson zeros): the share at each bound must agree.
  struct Bound {
    std::string col;
    int cls;
    double value;
  };
  const std::vector<Bound> bounds = {
      {"amount", 0, 1},          {"amount", 0, 5000},
      {"amount", 1, 100},        {"amount", 1, 10000},
      {"distance_from_home", 0, 100}, {"distance_from_home", 1, 500},
      {"transaction_count_24h", 0, 1}, {"transaction_count_24h", 0, 20},
      {"transaction_count_24h", 1, 1}, {"transaction_count_24h", 1, 50}};
  st::ZChecks checks;
  for (const Bound& b : bounds) {
    const auto at = [&](const std::vector<double>& v) {
      return static_cast<double>(std::count(v.begin(), v.end(), b.value));
    };
    const auto& a = ours().numeric[b.cls].at(b.col);
    const auto& r = reference().numeric[b.cls].at(b.col);
    std::ostringstream what;
    what << b.col << " == " << b.value << " in class " << b.cls << ": ours " << at(a)
         << " of " << a.size() << ", reference " << at(r) << " of " << r.size();
    checks.add(what.str(), st::two_proportion_z(at(a), static_cast<double>(a.size()), at(r),
                                                static_cast<double>(r.size())));
  }
  checks.expect_all_within(kAlpha);
}

TEST_F(GenerateTransactions, PerClassDistributionShapesMatchTheReference) {
  // Two-sample Kolmogorov-Smirnov on the continuous and count columns: catches a wrong
  // spread or tail that leaves the mean nearly unchanged.
  const std::vector<std::string> cols = {"amount", "distance_from_home", "transaction_count_24h"};
  const double alpha = kAlpha / static_cast<double>(2 * cols.size());
  for (int cls : {0, 1})
    for (const std::string& col : cols) {
      const auto& a = ours().numeric[cls].at(col);
      const auto& r = reference().numeric[cls].at(col);
      EXPECT_LT(st::ks_two_sample(a, r),
                st::ks_two_sample_critical(static_cast<double>(a.size()),
                                           static_cast<double>(r.size()), alpha))
          << col << " class " << cls;
    }
}

TEST_F(GenerateTransactions, ValuesRespectClipBoundsAndIntegerColumnsAreIntegral) {
  struct Range {
    double lo, hi;
    bool integral;
  };
  const std::map<std::string, std::array<Range, 2>> ranges = {
      {"amount", {{{1, 5000, false}, {100, 10000, false}}}},
      {"hour", {{{0, 23, true}, {0, 23, true}}}},
      {"day_of_week", {{{0, 6, true}, {0, 6, true}}}},
      {"distance_from_home", {{{0, 100, false}, {0, 500, false}}}},
      {"transaction_count_24h", {{{1, 20, true}, {1, 50, true}}}}};
  for (int cls : {0, 1})
    for (const auto& [col, range] : ranges)
      for (double v : ours().numeric[cls].at(col)) {
        const Range& r = range[cls];
        ASSERT_TRUE(v >= r.lo && v <= r.hi) << col << " class " << cls << ": " << v;
        if (r.integral) {
          ASSERT_EQ(v, std::floor(v)) << col;
        }
      }
  for (int cls : {0, 1})
    for (int m : ours().merchant[cls]) ASSERT_TRUE(m >= 0 && m < 5);
}

TEST_F(GenerateTransactions, FraudRowsAreShuffledThroughTheTable) {
  // Drawn as a legit block then a fraud block; after the shuffle each half of the table holds
  // its binomial share of fraud.
  const std::vector<int>& y = ours().label;
  const size_t half = y.size() / 2;
  double first = 0, second = 0;
  for (size_t i = 0; i < y.size(); ++i) (i < half ? first : second) += y[i];
  const double z = st::two_proportion_z(first, static_cast<double>(half), second,
                                        static_cast<double>(y.size() - half));
  EXPECT_LT(std::fabs(z), st::bonferroni_z(kAlpha, 1)) << first << " vs " << second;
}

TEST(GenerateTransactionsSeed, SameSeedSameDataOtherSeedOtherData) {
  const Dataset a = make_transactions({5000, 0.1, 3});
  const Dataset b = make_transactions({5000, 0.1, 3});
  const Dataset c = make_transactions({5000, 0.1, 4});
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_NE(a.fingerprint(), c.fingerprint());
}

TEST(GenerateTransactionsParams, RejectsOutOfRangeValuesNamingTheParameter) {
  const auto expect_rejected = [](TransactionParams p, const std::string& name) {
    try {
      make_transactions(p);
      ADD_FAILURE() << name << " accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("'" + name + "'"), std::string::npos) << e.what();
    }
  };
  expect_rejected({0, 0.02, 1}, "rows");
  expect_rejected({-5, 0.02, 1}, "rows");
  expect_rejected({100, -0.1, 1}, "fraud_rate");
  expect_rejected({100, 1.5, 1}, "fraud_rate");
  expect_rejected({100, NAN, 1}, "fraud_rate");
  expect_rejected({100, 0.02, -1}, "seed");
  // The extremes are legal: no fraud at all, or only fraud.
  EXPECT_EQ(make_transactions({50, 0.0, 1}).count_positives(), 0u);
  EXPECT_EQ(make_transactions({50, 1.0, 1}).count_positives(), 50u);
}

TEST(GenerateTransactionsParams, TableHasOneRowPerFieldWithTheHeaderDefaults) {
  const auto table = transaction_param_table();
  const nlohmann::json defaults = params_to_json(TransactionParams{}, table);
  EXPECT_EQ(defaults, nlohmann::json::parse(R"({"rows": 50000, "fraud_rate": 0.02, "seed": 42})"));
  for (const auto& spec : table) EXPECT_STRNE(spec.help, "") << spec.name;
  TransactionParams p;
  set_param_from_text(p, table, "fraud_rate", "0.25", "generate");
  EXPECT_EQ(p.fraud_rate, 0.25);
  EXPECT_THROW(set_param_from_text(p, table, "rate", "0.25", "generate"), UsageError);
}

}  // namespace
}  // namespace fraudkit
