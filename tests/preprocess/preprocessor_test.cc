#include "fraudkit/preprocess.h"

#include <cmath>
#include <map>
#include <set>
#include <random>

#include <gtest/gtest.h>

#include "fraudkit/error.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using testing::TempDir;

Column numeric(const std::string& name, std::vector<double> v) {
  return Column{{name, ColumnType::kNumeric, {}}, std::move(v), {}};
}
Column categorical(const std::string& name, std::vector<std::string> dict, std::vector<int32_t> codes) {
  return Column{{name, ColumnType::kCategorical, std::move(dict)}, {}, std::move(codes)};
}

TEST(Preprocessor, HandComputedImputeScaleAndOneHot) {
  Dataset d;
  // x: 1, 3, missing, 5 -> median 3 -> imputed 1,3,3,5 -> mean 3, population std sqrt(2)
  d.columns = {numeric("x", {1, 3, NAN, 5}),
               categorical("c", {"b", "a"}, {0, 1, 0, kMissingCode})};
  Preprocessor p(PreprocessParams{.scale = true, .missing_indicator = true});
  p.fit(d, d.all_rows());
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"x", "c=a", "c=b", "x_missing"}));
  TransformStats stats;
  Eigen::MatrixXd X = p.transform(d, d.all_rows(), &stats);
  const double s = std::sqrt(2.0);
  EXPECT_DOUBLE_EQ(X(0, 0), -2 / s);
  EXPECT_DOUBLE_EQ(X(2, 0), 0.0);
  EXPECT_DOUBLE_EQ(X(3, 0), 2 / s);
  EXPECT_EQ(X(0, 2), 1.0);  // "b" sorts after "a"
  EXPECT_EQ(X(1, 1), 1.0);
  EXPECT_EQ(X(3, 1) + X(3, 2), 0.0);  // missing category -> all zeros
  EXPECT_EQ(X(2, 3), 1.0);
  EXPECT_EQ(X(0, 3), 0.0);
  EXPECT_EQ(stats.imputed_numeric, 1);
  EXPECT_EQ(stats.missing_categorical, 1);
  EXPECT_EQ(stats.unseen_categories, 0);
}

TEST(Preprocessor, FitSeesOnlyTheGivenRows) {
  Dataset d;
  d.columns = {numeric("x", {0, 2, 1000, -1000})};
  Preprocessor p;
  RowSet train = {0, 1};
  p.fit(d, train);
  EXPECT_DOUBLE_EQ(p.columns()[0].mean, 1.0);
  EXPECT_DOUBLE_EQ(p.columns()[0].scale, 1.0);
  EXPECT_DOUBLE_EQ(p.columns()[0].median, 1.0);
}

TEST(Preprocessor, ConstantColumnGetsScaleOne) {
  Dataset d;
  d.columns = {numeric("k", {0.1, 0.1, 0.1, 0.1, 0.1})};
  Preprocessor p;
  p.fit(d, d.all_rows());
  EXPECT_EQ(p.columns()[0].scale, 1.0);
  Eigen::MatrixXd X = p.transform(d, d.all_rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) EXPECT_EQ(X(i, 0), 0.0);
}

TEST(Preprocessor, UnseenCategoriesAreAllZeroAndCounted) {
  Dataset train;
  train.columns = {categorical("m", {"gas", "online"}, {0, 1, 0})};
  Preprocessor p;
  p.fit(train, train.all_rows());
  Dataset later;  // a different file: its own dictionary, a new value "crypto"
  later.columns = {categorical("m", {"crypto", "online"}, {0, 1, 0})};
  TransformStats stats;
  Eigen::MatrixXd X = p.transform(later, later.all_rows(), &stats);
  EXPECT_EQ(stats.unseen_categories, 2);
  EXPECT_EQ(X.row(0).sum(), 0.0);
  EXPECT_EQ(X(1, 1), 1.0);  // "online" keeps its fitted position
}

TEST(Preprocessor, MatchesColumnsByNameAndRejectsMissingOrRetypedColumns) {
  Dataset train;
  train.columns = {numeric("a", {1, 2, 3}), numeric("b", {10, 20, 30})};
  Preprocessor p;
  p.fit(train, train.all_rows());
  Dataset reordered;
  reordered.columns = {numeric("extra", {7, 7, 7}), numeric("b", {10, 20, 30}), numeric("a", {1, 2, 3})};
  EXPECT_EQ(p.transform(reordered, reordered.all_rows()), p.transform(train, train.all_rows()));

  Dataset missing;
  missing.source = "new.csv";
  missing.columns = {numeric("a", {1})};
  try {
    p.transform(missing, missing.all_rows());
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos) << e.what();
  }
  Dataset retyped;
  retyped.columns = {numeric("a", {1}), categorical("b", {"x"}, {0})};
  EXPECT_THROW(p.transform(retyped, retyped.all_rows()), DataError);
}

TEST(Preprocessor, JsonRoundTripIsBitExact) {
  std::mt19937_64 gen(3);
  std::normal_distribution<double> nd(5.0, 3.0);
  std::vector<double> v(200);
  for (double& x : v) x = nd(gen);
  v[7] = NAN;
  Dataset d;
  d.columns = {numeric("x", v), categorical("c", {"p", "q", "r"}, std::vector<int32_t>(200, 2))};
  Preprocessor p(PreprocessParams{.scale = true, .missing_indicator = true});
  p.fit(d, d.all_rows());
  const nlohmann::json state = nlohmann::json::parse(p.state_to_json().dump());
  const nlohmann::json params = nlohmann::json::parse(params_to_json(p.params(), preprocess_param_table()).dump());
  Preprocessor q = Preprocessor::from_json(params, state);
  EXPECT_EQ(p.transform(d, d.all_rows()), q.transform(d, d.all_rows()));
}

// scikit-learn's SimpleImputer(median) + StandardScaler + OneHotEncoder(handle_unknown=ignore)
// + MissingIndicator as the oracle, on data with missing values and unseen categories.
TEST(Preprocessor, MatchesScikitLearnColumnTransformer) {
  std::mt19937_64 gen(11);
  std::normal_distribution<double> nd(100.0, 25.0);
  std::uniform_int_distribution<int> pick(0, 3);
  const std::vector<std::string> cats = {"grocery", "online", "travel", "gas"};
  auto make = [&](size_t n, bool allow_unseen, std::string& csv) {
    Dataset d;
    std::vector<double> a(n), b(n);
    std::vector<int32_t> codes(n);
    csv = "a,b,m\n";
    for (size_t i = 0; i < n; ++i) {
      a[i] = (i % 7 == 3) ? NAN : nd(gen);
      b[i] = (i % 5 == 1) ? NAN : nd(gen) * 0.01;
      int c = pick(gen);
      if (!allow_unseen && c == 3) c = 0;  // "gas" never seen in training
      codes[i] = c;
      char buf[128];
      auto fmt = [&](double x) { return std::isnan(x) ? std::string() : (std::snprintf(buf, sizeof buf, "%.17g", x), std::string(buf)); };
      csv += fmt(a[i]) + "," + fmt(b[i]) + "," + cats[static_cast<size_t>(c)] + "\n";
    }
    d.columns = {numeric("a", a), numeric("b", b), categorical("m", cats, codes)};
    return d;
  };
  std::string train_csv, apply_csv;
  Dataset train = make(300, false, train_csv);
  Dataset apply = make(120, true, apply_csv);
  TempDir tmp;
  testing::write_file(tmp / "train.csv", train_csv);
  testing::write_file(tmp / "apply.csv", apply_csv);
  const nlohmann::json oracle = testing::run_python_json(
      testing::source_dir() / "tests/oracle/preprocess_oracle.py",
      (tmp / "train.csv").string() + " " + (tmp / "apply.csv").string() + " a,b m 1");

  Preprocessor p(PreprocessParams{.scale = true, .missing_indicator = true});
  p.fit(train, train.all_rows());
  Eigen::MatrixXd X = p.transform(apply, apply.all_rows());
  const std::vector<std::string> ours = p.output_names();
  const auto theirs = oracle["names"].get<std::vector<std::string>>();
  ASSERT_EQ(std::multiset<std::string>(ours.begin(), ours.end()),
            std::multiset<std::string>(theirs.begin(), theirs.end()));
  for (size_t j = 0; j < theirs.size(); ++j) {
    const auto k = static_cast<Eigen::Index>(std::find(ours.begin(), ours.end(), theirs[j]) - ours.begin());
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      EXPECT_NEAR(X(i, k), oracle["rows"][static_cast<size_t>(i)][j].get<double>(), 1e-12)
          << theirs[j] << " row " << i;
  }
}

}  // namespace
}  // namespace fraudkit
