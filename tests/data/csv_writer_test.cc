// write_csv: exact text on a hand-checked case, lossless write -> read, pandas reading our
// output to the same bits, and atomicity when writing fails.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using fraudkit::testing::read_file;
using fraudkit::testing::run_command;
using fraudkit::testing::TempDir;
using fraudkit::testing::write_file;

uint64_t bits_of(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

Dataset hand_made() {
  Dataset d;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  d.columns.push_back({{"amount", ColumnType::kNumeric, {}}, {0.1, nan, -2.5e-300, 3}, {}});
  d.columns.push_back({{"note, free", ColumnType::kCategorical,
                        {"plain", "a,b", "say \"hi\"", "two\nlines", " padded"}},
                       {},
                       {0, 1, kMissingCode, 3}});
  d.target = {0, 1, 0, 1};
  d.target_name = "is_fraud";
  return d;
}

TEST(CsvWriter, WritesTheExpectedText) {
  TempDir dir;
  write_csv(hand_made(), (dir / "out.csv").string());
  EXPECT_EQ(read_file(dir / "out.csv"),
            "amount,\"note, free\",is_fraud\n"
            "0.1,plain,0\n"
            ",\"a,b\",1\n"
            "-2.5e-300,,0\n"
            "3,\"two\nlines\",1\n");
}

TEST(CsvWriter, UnlabelledDataHasNoTargetColumn) {
  Dataset d = hand_made();
  d.target.clear();
  TempDir dir;
  write_csv(d, (dir / "out.csv").string());
  EXPECT_EQ(read_file(dir / "out.csv").substr(0, 20), "amount,\"note, free\"\n");
}

TEST(CsvWriter, ALoneMissingValueIsNotABlankLine) {
  Dataset d;
  d.columns.push_back({{"x", ColumnType::kNumeric, {}}, {1, std::nan(""), 3}, {}});
  TempDir dir;
  write_csv(d, (dir / "out.csv").string());
  EXPECT_EQ(read_file(dir / "out.csv"), "x\n1\n\"\"\n3\n");
  const CsvData back = read_csv((dir / "out.csv").string(), CsvOptions{});
  ASSERT_EQ(back.data.rows(), 3u);
  EXPECT_TRUE(back.data.columns[0].is_missing(1));
}

// Random doubles over every exponent (subnormals, -0, extremes), missing values, awkward text.
Dataset random_dataset(uint64_t seed, size_t rows) {
  std::mt19937_64 gen(seed);
  Dataset d;
  Column num{{"num", ColumnType::kNumeric, {}}, {}, {}};
  Column cat{{"cat", ColumnType::kCategorical,
              {"x", "comma,inside", "quote\"inside", "new\nline", "cr\r\nlf", " lead", "trail "}},
             {},
             {}};
  for (size_t r = 0; r < rows; ++r) {
    uint64_t bits = gen();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v) || r % 17 == 0) v = std::numeric_limits<double>::quiet_NaN();
    if (r == 1) v = -0.0;
    if (r == 2) v = std::numeric_limits<double>::denorm_min();
    if (r == 3) v = std::numeric_limits<double>::max();
    num.values.push_back(v);
    cat.codes.push_back(r % 11 == 0 ? kMissingCode : static_cast<int32_t>(gen() % 7));
    d.target.push_back(static_cast<uint8_t>(r % 5 == 0));
  }
  d.columns = {num, cat};
  d.target_name = "label";
  return d;
}

TEST(CsvWriter, WriteThenReadIsBitExact) {
  const Dataset original = random_dataset(3, 50000);
  TempDir dir;
  const std::string path = (dir / "rt.csv").string();
  write_csv(original, path);
  CsvOptions o;
  o.target = "label";
  o.declared_types["cat"] = ColumnType::kCategorical;
  const CsvData back = read_csv(path, o);
  const Dataset& d = back.data;
  ASSERT_EQ(d.rows(), original.rows());
  ASSERT_EQ(d.num_features(), 2u);
  for (size_t r = 0; r < d.rows(); ++r) {
    const double a = original.columns[0].values[r], b = d.columns[0].values[r];
    if (std::isnan(a)) {
      ASSERT_TRUE(std::isnan(b)) << r;
    } else {
      ASSERT_EQ(bits_of(a), bits_of(b)) << r;
    }
    // Codes may be renumbered (order of first appearance); compare the texts.
    const int32_t ca = original.columns[1].codes[r], cb = d.columns[1].codes[r];
    ASSERT_EQ(ca == kMissingCode, cb == kMissingCode) << r;
    if (ca != kMissingCode) {
      ASSERT_EQ(original.columns[1].schema.categories[static_cast<size_t>(ca)],
                d.columns[1].schema.categories[static_cast<size_t>(cb)])
          << r;
    }
  }
  EXPECT_EQ(d.target, original.target);
}

TEST(CsvWriter, PandasReadsOurNumbersToTheSameBits) {
  const Dataset original = random_dataset(11, 2000);
  TempDir dir;
  const std::string path = (dir / "p.csv").string();
  write_csv(original, path);
  // pandas prints each parsed float's bit pattern (missing as "nan"): an independent reader.
  const auto r = run_command(
      "/usr/bin/python3 -c \"import pandas as pd, numpy as np, sys; "
      "df = pd.read_csv(sys.argv[1], float_precision='round_trip', keep_default_na=False, "
      "na_values=['']); v = df['num'].to_numpy(np.float64); "
      "print(' '.join('nan' if np.isnan(x) else str(b) for x, b in zip(v, v.view(np.uint64))))\" '" +
      path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  for (size_t i = 0; i < original.rows(); ++i) {
    std::string token;
    ASSERT_TRUE(in >> token) << i;
    const double v = original.columns[0].values[i];
    if (std::isnan(v)) {
      EXPECT_EQ(token, "nan") << i;
    } else {
      EXPECT_EQ(token, std::to_string(bits_of(v))) << i;
    }
  }
}

TEST(CsvWriter, InfiniteValueFailsAndLeavesTheOldFileAlone) {
  TempDir dir;
  const std::string path = (dir / "keep.csv").string();
  write_file(path, "old content\n");
  Dataset d = hand_made();
  d.columns[0].values[2] = std::numeric_limits<double>::infinity();
  try {
    write_csv(d, path);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("'amount', row 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path), "old content\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u) << "a temporary file was left behind";
}

TEST(CsvWriter, UnwritableDestinationIsAnIoError) {
  TempDir dir;
  EXPECT_THROW(write_csv(hand_made(), (dir / "no/such/dir/out.csv").string()), IoError);
}

}  // namespace
}  // namespace fraudkit
