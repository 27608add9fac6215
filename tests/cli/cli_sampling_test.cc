// The resampling commands end to end: `resample` writes the input's columns and types with the
// requested class counts, `cv` prints folds and the summary (and, with --show-leak, both the
// honest and the leaky numbers), `train --sampler` resamples inside the training split; bad
// requests exit with the documented code and write nothing.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "fraudkit/csv.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using testing::dataset_path;
using testing::run_cli;
using testing::TempDir;

std::string data_flag(const std::string& name) { return " --data '" + dataset_path(name).string() + "' --target label"; }

size_t count_files(const std::filesystem::path& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

TEST(CliResample, SmoteBalancesTheClassesAndKeepsTheColumns) {
  TempDir tmp;
  const auto out = tmp / "out.csv";
  const auto r = run_cli("resample --method smote" + data_flag("mammography.csv") + " --seed 1 --out '" + out.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  CsvOptions o;
  o.target = "label";
  const Dataset in = read_csv(dataset_path("mammography.csv").string(), o).data;
  const Dataset res = read_csv(out.string(), o).data;
  const size_t neg = in.rows() - in.count_positives();
  EXPECT_EQ(res.rows(), 2 * neg);
  EXPECT_EQ(res.count_positives(), neg);
  EXPECT_EQ(report["rows_out"].get<size_t>(), res.rows());
  ASSERT_EQ(res.columns.size(), in.columns.size());
  for (size_t c = 0; c < in.columns.size(); ++c) EXPECT_EQ(res.columns[c].name(), in.columns[c].name());
  // The original rows come first, unchanged (imbalanced-learn's order).
  for (size_t row = 0; row < in.rows(); row += 97)
    for (size_t c = 0; c < in.columns.size(); ++c) ASSERT_EQ(res.columns[c].values[row], in.columns[c].values[row]);
}

TEST(CliResample, RatioStrategyAndNeighbourCount) {
  TempDir tmp;
  const auto out = tmp / "out.csv";
  const auto r = run_cli("resample --method smote --k 3 --strategy 0.5" + data_flag("thyroid.csv") + " --out '" +
                         out.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["params"]["k_neighbors"], 3);
  // imbalanced-learn: minority after = int(majority * ratio).
  const int64_t majority = 3772 - 93;
  EXPECT_EQ(report["positives_out"].get<int64_t>(), static_cast<int64_t>(majority * 0.5));
  EXPECT_EQ(report["negatives_out"].get<int64_t>(), majority);
}

TEST(CliResample, CategoricalColumnsStayCategoricalWithSmotenc) {
  TempDir tmp;
  const auto data = tmp / "tx.csv";
  ASSERT_EQ(run_cli("generate transactions --rows 3000 --fraud-rate 0.05 --seed 4 --out '" + data.string() + "'").exit_code, 0);
  const auto out = tmp / "out.csv";
  const auto r = run_cli("resample --method smotenc --data '" + data.string() + "' --target is_fraud --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  CsvOptions o;
  o.target = "is_fraud";
  const Dataset in = read_csv(data.string(), o).data;
  const Dataset res = read_csv(out.string(), o).data;
  const int col = res.find_column("merchant_category");
  ASSERT_GE(col, 0);
  ASSERT_EQ(res.columns[static_cast<size_t>(col)].type(), ColumnType::kCategorical);
  const auto& cats_in = in.columns[static_cast<size_t>(in.find_column("merchant_category"))].schema.categories;
  const std::set<std::string> known(cats_in.begin(), cats_in.end());
  for (const std::string& c : res.columns[static_cast<size_t>(col)].schema.categories) EXPECT_TRUE(known.count(c)) << c;
  EXPECT_EQ(res.count_positives(), res.rows() - res.count_positives());
}

struct BadRequest {
  const char* name;
  std::string args;
  int exit_code;
  std::vector<std::string> message_parts;
};

class CliResampleRejects : public ::testing::TestWithParam<BadRequest> {};

TEST_P(CliResampleRejects, WithAClearMessageAndNoOutput) {
  const BadRequest& c = GetParam();
  TempDir tmp;
  testing::write_file(tmp / "missing.csv", "a,b,label\n1,2,0\n,3,1\n2,2,0\n3,1,1\n4,4,0\n5,5,1\n6,2,0\n");
  testing::write_file(tmp / "mixed.csv", "a,shop,label\n1,x,0\n2,y,1\n3,x,0\n4,y,1\n5,x,0\n6,y,1\n7,x,0\n8,x,1\n");
  std::string args = c.args;
  for (const std::string key : {"missing.csv", "mixed.csv"}) {
    const size_t at = args.find("@" + key);
    if (at != std::string::npos) args.replace(at, key.size() + 1, (tmp / key).string());
  }
  const auto out = tmp / "out.csv";
  const auto r = run_cli("resample " + args + " --out '" + out.string() + "'");
  EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
  for (const std::string& part : c.message_parts) EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(count_files(tmp.path()), 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliResampleRejects,
    ::testing::Values(
        BadRequest{"UnknownMethod", "--method smoot" + data_flag("thyroid.csv"), 2, {"unknown sampler 'smoot'", "smotenc"}},
        BadRequest{"NanFeatures", "--method smote --k 1 --data @missing.csv --target label", 3, {"missing", "impute"}},
        BadRequest{"CategoricalToPlainSmote", "--method smote --k 1 --data @mixed.csv --target label", 3, {"shop", "smotenc"}},
        BadRequest{"TooManyNeighbours", "--method smote --k 30" + data_flag("smtp.csv"), 3, {"k_neighbors", "30"}},
        BadRequest{"ImpossibleRatio", "--method smote --strategy 0.001" + data_flag("mammography.csv"), 3, {"increase the ratio"}},
        BadRequest{"RatioOutOfRange", "--method rus --strategy 1.5" + data_flag("thyroid.csv"), 2, {"(0, 1]"}},
        BadRequest{"KForASamplerWithoutNeighbours", "--method ros --k 3" + data_flag("thyroid.csv"), 2, {"--k"}}),
    [](const ::testing::TestParamInfo<BadRequest>& i) { return std::string(i.param.name); });

TEST(CliCv, PrintsFoldsAndTheSummaryAndBothNumbersWithShowLeak) {
  auto r = run_cli("cv" + data_flag("thyroid.csv") + " --pipeline scale,smote,logreg --folds 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mean ± std over 3 folds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("impute,scale,onehot,smote,logistic_regression"), std::string::npos);
  r = run_cli("cv" + data_flag("thyroid.csv") + " --pipeline scale,smote,logreg --folds 3 --show-leak");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("HONEST"), std::string::npos);
  EXPECT_NE(r.out.find("LEAKY"), std::string::npos);
  r = run_cli("cv" + data_flag("thyroid.csv") + " --pipeline scale,logreg --folds 2 --repeats 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["folds"].size(), 4u);
}

TEST(CliCv, RejectsBadPipelinesBeforeReadingData) {
  for (const char* p : {"scale,smote", "smote,tomek,logreg", "scale,nosuch,logreg"}) {
    const auto r = run_cli(std::string("cv --data /nonexistent.csv --target label --pipeline ") + p);
    EXPECT_EQ(r.exit_code, 2) << p << ": " << r.err;
    EXPECT_NE(r.err.find("pipeline"), std::string::npos) << r.err;
  }
  const auto r = run_cli("cv --data /nonexistent.csv --target label --pipeline scale,logreg --show-leak");
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST(CliTrain, SamplerRunsInsideTheTrainingSplitAndIsRecorded) {
  TempDir tmp;
  const auto model = tmp / "m.fkm";
  const auto r = run_cli("train" + data_flag("thyroid.csv") + " --sampler smote --sampler-param k_neighbors=3 --out '" +
                         model.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["sampler"]["type"], "smote");
  EXPECT_EQ(report["sampler"]["params"]["k_neighbors"], 3);
  EXPECT_EQ(report["sampler"]["report"]["rows_in"], report["data"]["train"]["rows"]);
  EXPECT_EQ(report["test"]["n"], report["data"]["test"]["rows"]);
  const auto bad = run_cli("train --data /nonexistent.csv --target label --sampler nosuch --out '" + model.string() + "x'");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

}  // namespace
}  // namespace fraudkit
