// Bad input through the command line: a clear message naming file, line and column, the
// documented exit code, and no output file left behind.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "test_support.h"

namespace fraudkit {
namespace {

using testing::run_cli;
using testing::TempDir;

struct BadInput {
  const char* name;
  const char* csv;
  std::vector<std::string> message_parts;  // each must appear in stderr
};

class TrainRejectsBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(TrainRejectsBadInput, ExitsThreeWithAPreciseMessageAndWritesNothing) {
  const BadInput& c = GetParam();
  TempDir tmp;
  const auto data = tmp / "bad.csv";
  testing::write_file(data, c.csv);
  const auto out = tmp / "model.fkm";
  const auto r = run_cli("train --data '" + data.string() + "' --target label --out '" + out.string() + "'");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("bad.csv"), std::string::npos) << r.err;
  for (const std::string& part : c.message_parts) EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u) << "only the input file may exist";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TrainRejectsBadInput,
    ::testing::Values(
        BadInput{"ragged_row", "a,b,label\n1,2,0\n3,4,5,1\n1,1,1\n", {"line 3", "too many fields", "expected 3"}},
        BadInput{"short_row", "a,b,label\n1,2,0\n3,1\n1,1,1\n", {"line 3", "expected"}},
        BadInput{"text_in_numeric", "a,b,label\n1,2,0\n3,abc,1\n", {"line 3", "'b'", "abc", "number"}},
        BadInput{"empty_file", "", {"empty"}},
        BadInput{"header_only", "a,b,label\n", {"no data rows"}},
        BadInput{"duplicate_columns", "a,a,label\n1,2,0\n2,3,1\n", {"line 1", "'a'", "duplicate"}},
        BadInput{"missing_target", "a,b,y\n1,2,0\n2,3,1\n", {"'label'", "'a', 'b', 'y'"}},
        BadInput{"single_class", "a,label\n1,0\n2,0\n3,0\n", {"'label'", "single class"}},
        BadInput{"three_classes", "a,label\n1,0\n2,1\n3,2\n", {"line 4", "'label'", "2"}},
        BadInput{"missing_target_value", "a,label\n1,0\n2,\n3,1\n", {"line 3", "'label'", "missing"}},
        BadInput{"nan_target_value", "a,label\n1,0\n2,NaN\n3,1\n", {"line 3", "'label'", "missing"}}),
    [](const ::testing::TestParamInfo<BadInput>& param_info) { return std::string(param_info.param.name); });

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_cli("train --no-such-flag").exit_code, 2);
  EXPECT_EQ(run_cli("").exit_code, 2);
  TempDir tmp;
  testing::write_file(tmp / "d.csv", "a,label\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n7,0\n8,1\n9,0\n10,1\n");
  const auto r = run_cli("train --data '" + (tmp / "d.csv").string() + "' --target label --threshold bogus --out '" +
                         (tmp / "m.fkm").string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fbeta:B"), std::string::npos) << r.err;  // lists the accepted forms
  EXPECT_FALSE(std::filesystem::exists(tmp / "m.fkm"));
}

TEST(Cli, MissingInputFileIsAnIoError) {
  TempDir tmp;
  const auto r = run_cli("train --data /nonexistent/x.csv --target label --out '" + (tmp / "m.fkm").string() + "'");
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("/nonexistent/x.csv"), std::string::npos);
}

TEST(Cli, CorruptModelExitsFour) {
  TempDir tmp;
  testing::write_file(tmp / "m.fkm", "FRAUDKIT-MODEL\n{\"format_version\":1,\"payload_bytes\":100}\n{}");
  testing::write_file(tmp / "d.csv", "a,label\n1,0\n2,1\n");
  const auto r = run_cli("predict --model '" + (tmp / "m.fkm").string() + "' --data '" + (tmp / "d.csv").string() +
                         "' --out '" + (tmp / "s.csv").string() + "'");
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "s.csv"));
}

TEST(Cli, DataMissingAModelColumnNamesEveryMissingColumn) {
  TempDir tmp;
  ASSERT_EQ(run_cli("generate transactions --rows 3000 --seed 1 --out '" + (tmp / "tx.csv").string() + "'").exit_code, 0);
  ASSERT_EQ(run_cli("train --data '" + (tmp / "tx.csv").string() + "' --target is_fraud --out '" +
                    (tmp / "m.fkm").string() + "'").exit_code, 0);
  testing::write_file(tmp / "partial.csv", "amount,hour\n12.5,3\n");
  const auto r = run_cli("predict --model '" + (tmp / "m.fkm").string() + "' --data '" + (tmp / "partial.csv").string() +
                         "' --out '" + (tmp / "s.csv").string() + "'");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  for (const char* col : {"'day_of_week'", "'merchant_category'", "'distance_from_home'", "'transaction_count_24h'"})
    EXPECT_NE(r.err.find(col), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("partial.csv"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "s.csv"));
}

TEST(Cli, GeneratorParametersAreRangeCheckedFromTheTable) {
  TempDir tmp;
  const auto out = "'" + (tmp / "g.csv").string() + "'";
  const auto bad_rate = run_cli("generate transactions --fraud-rate 1.5 --out " + out);
  EXPECT_EQ(bad_rate.exit_code, 2);
  EXPECT_NE(bad_rate.err.find("fraud_rate"), std::string::npos) << bad_rate.err;
  const auto bad_sizes = run_cli("generate classification --n-features 3 --n-informative 3 --n-redundant 2 --out " + out);
  EXPECT_EQ(bad_sizes.exit_code, 2) << bad_sizes.err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "g.csv"));
  const auto ok = run_cli("generate classification --n-samples 500 --n-features 6 --weight-positive 0.1 --out " + out);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const std::string text = testing::read_file(tmp / "g.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')), "x0,x1,x2,x3,x4,x5,label");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 501);
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* cmd : {"generate", "train", "evaluate", "predict", "metrics", "demo"}) {
    const auto r = run_cli(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("--"), std::string::npos) << cmd;
  }
}

}  // namespace
}  // namespace fraudkit
