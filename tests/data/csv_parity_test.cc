// Parity of read_csv with pandas.read_csv(float_precision="round_trip") on every shared
// dataset: shapes, positives, an exact order-sensitive checksum of every column's bits, a
// float sum, and a few values compared for exact equality.
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "fraudkit/csv.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using fraudkit::testing::dataset_path;
using fraudkit::testing::run_python_json;
using fraudkit::testing::shared_dataset_names;
using fraudkit::testing::source_dir;

uint64_t bits_of(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Same definition as the oracle: sum of (row + 1) * bits, wrapping mod 2^64.
uint64_t checksum(const std::vector<double>& values) {
  uint64_t sum = 0;
  for (size_t r = 0; r < values.size(); ++r) sum += (r + 1) * bits_of(values[r]);
  return sum;
}

TEST(CsvParity, EverySharedDatasetMatchesPandas) {
  const std::vector<std::string> names = shared_dataset_names();
  ASSERT_GE(names.size(), 10u) << "the shared datasets are missing";
  std::string args;
  for (const std::string& n : names) args += "'" + dataset_path(n).string() + "' ";
  const nlohmann::json oracle =
      run_python_json(source_dir() / "tests/oracle/csv_oracle.py", args + "--target label");

  CsvOptions options;
  options.target = "label";
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string path = dataset_path(name).string();
    const nlohmann::json& expect = oracle.at(path);
    const CsvData got = read_csv(path, options);
    const Dataset& d = got.data;
    ASSERT_EQ(d.rows(), expect.at("rows").get<size_t>());
    ASSERT_EQ(d.num_features(), expect.at("names").size());
    EXPECT_EQ(d.count_positives(), expect.at("positives").get<size_t>());
    EXPECT_EQ(d.target_name, "label");
    EXPECT_EQ(d.positive_label, "1");
    EXPECT_EQ(d.negative_label, "0");
    EXPECT_EQ(d.source, path);
    EXPECT_FALSE(d.has_weights());
    EXPECT_TRUE(got.ids.empty());
    const auto sample_rows = expect.at("sample_rows").get<std::vector<size_t>>();
    for (size_t c = 0; c < d.num_features(); ++c) {
      const Column& column = d.columns[c];
      const std::string col_name = expect.at("names")[c].get<std::string>();
      SCOPED_TRACE(col_name);
      ASSERT_EQ(column.name(), col_name);
      ASSERT_TRUE(column.is_numeric());
      const nlohmann::json& stats = expect.at("columns").at(col_name);
      EXPECT_EQ(checksum(column.values), stats.at("checksum").get<uint64_t>());
      double sum = 0;
      for (double v : column.values) sum += v;
      const double want = stats.at("sum").get<double>();
      EXPECT_NEAR(sum, want, 1e-9 * (1 + std::abs(want)));
      for (size_t i = 0; i < sample_rows.size(); ++i)
        EXPECT_EQ(bits_of(column.values[sample_rows[i]]), bits_of(stats.at("sample")[i].get<double>()))
            << "row " << sample_rows[i];
    }
  }
}

}  // namespace
}  // namespace fraudkit
