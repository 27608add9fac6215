// Feature binning for histogram trees against scikit-learn 1.2's _BinMapper
// (tests/oracle/binning_oracle.py, subsample=None): the same threshold doubles and the same bin
// for every value, on every shared dataset, with and without missing values and with a small
// bin budget (which sends most columns through the percentile path). Plus hand-computed cases
// and the errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "models/feature_binning.h"
#include "test_support.h"

namespace fraudkit::models {
namespace {

using binning_detail::percentile_midpoint;

Eigen::MatrixXd column(std::vector<double> values) {
  Eigen::MatrixXd X(static_cast<Eigen::Index>(values.size()), 1);
  for (size_t i = 0; i < values.size(); ++i) X(static_cast<Eigen::Index>(i), 0) = values[i];
  return X;
}

// The features of a shared dataset, with value r of column c set to NaN when (r + c) % every
// == 0 (every > 0), as the oracle does.
Eigen::MatrixXd load_features(const std::string& name, int every) {
  CsvOptions options;
  options.target = "label";
  const Dataset d = read_csv(testing::dataset_path(name).string(), options).data;
  Eigen::MatrixXd X(static_cast<Eigen::Index>(d.rows()), static_cast<Eigen::Index>(d.num_features()));
  for (size_t c = 0; c < d.num_features(); ++c)
    for (size_t r = 0; r < d.rows(); ++r)
      X(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
          every > 0 && (r + c) % static_cast<size_t>(every) == 0 ? std::numeric_limits<double>::quiet_NaN()
                                                                  : d.columns[c].values[r];
  return X;
}

TEST(FeatureBinning, SharedDatasetsMatchScikitLearnsBinMapper) {
  const auto oracle = testing::source_dir() / "tests" / "oracle" / "binning_oracle.py";
  struct Setting {
    int max_bins, missing_every;
  };
  for (const std::string& name : testing::shared_dataset_names()) {
    for (const Setting s : {Setting{255, 0}, Setting{16, 7}}) {
      const std::string label = name + " max_bins=" + std::to_string(s.max_bins) +
                                " missing_every=" + std::to_string(s.missing_every);
      const Eigen::MatrixXd X = load_features(name, s.missing_every);
      const FeatureBinning binning = FeatureBinning::fit(X, {.max_bins = s.max_bins}, 2);
      const nlohmann::json expected = testing::run_python_json(
          oracle, testing::dataset_path(name).string() + " --target label --max-bins " + std::to_string(s.max_bins) +
                      " --missing-every " + std::to_string(s.missing_every));
      ASSERT_EQ(binning.columns(), static_cast<int>(expected["thresholds"].size())) << label;
      const std::vector<uint8_t> bins = binning.transform(X, 2);
      const auto rows = static_cast<size_t>(X.rows());
      for (int c = 0; c < binning.columns(); ++c) {
        const auto& want = expected["thresholds"][static_cast<size_t>(c)];
        const std::vector<double>& got = binning.thresholds(c);
        ASSERT_EQ(got.size(), want.size()) << label << " column " << c;
        for (size_t i = 0; i < got.size(); ++i)
          ASSERT_EQ(got[i], want[i].get<double>()) << label << " column " << c << " threshold " << i;
        std::vector<int64_t> counts(static_cast<size_t>(s.max_bins) + 1, 0);
        uint64_t checksum = 0;
        for (size_t r = 0; r < rows; ++r) {
          const uint8_t b = bins[static_cast<size_t>(c) * rows + r];
          ++counts[b];
          checksum += (r + 1) * (uint64_t{b} + 1);
        }
        EXPECT_EQ(nlohmann::json(counts), expected["counts"][static_cast<size_t>(c)]) << label << " column " << c;
        EXPECT_EQ(checksum, expected["checksum"][static_cast<size_t>(c)].get<uint64_t>()) << label << " column " << c;
      }
    }
  }
}

TEST(FeatureBinning, FewDistinctValuesSplitAtMidpointsAndTiesGoLeft) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const FeatureBinning binning = FeatureBinning::fit(column({3, 1, 2, nan, 2, 1}));
  EXPECT_EQ(binning.thresholds(0), (std::vector<double>{1.5, 2.5}));
  EXPECT_EQ(binning.bin(0, 1), 0);
  EXPECT_EQ(binning.bin(0, 1.5), 0);  // a value equal to a threshold goes to the lower bin
  EXPECT_EQ(binning.bin(0, 1.75), 1);
  EXPECT_EQ(binning.bin(0, 3), 2);
  EXPECT_EQ(binning.bin(0, 1e9), 2);   // beyond the fitted range: the last bin
  EXPECT_EQ(binning.bin(0, -1e9), 0);
  EXPECT_EQ(binning.bin(0, nan), 255);  // the missing bin is max_bins whatever the column
  EXPECT_EQ(binning.transform(column({3, nan, 1})), (std::vector<uint8_t>{2, 255, 0}));

  const FeatureBinning constant = FeatureBinning::fit(column({4, 4, 4}), {.max_bins = 3});
  EXPECT_TRUE(constant.thresholds(0).empty());
  EXPECT_EQ(constant.bin(0, 4), 0);
  EXPECT_EQ(constant.missing_bin(), 3);
}

TEST(FeatureBinning, ManyDistinctValuesSplitAtPercentiles) {
  // 0..9 with 4 bins: the percentiles 25, 50, 75 of ten values sit at positions 2.25, 4.5 and
  // 6.75, whose "midpoint" indexes are 2.5, 4.5 and 6.5: halfway between neighbours.
  const FeatureBinning binning = FeatureBinning::fit(column({9, 0, 8, 1, 7, 2, 6, 3, 5, 4}), {.max_bins = 4});
  EXPECT_EQ(binning.thresholds(0), (std::vector<double>{2.5, 4.5, 6.5}));
  const std::vector<double> sorted{0, 1, 2, 3, 4};
  EXPECT_EQ(percentile_midpoint(sorted, 50), 2);    // position 2 exactly: that element
  EXPECT_EQ(percentile_midpoint(sorted, 30), 1.5);  // position 1.2: halfway between 1 and 2
  EXPECT_EQ(percentile_midpoint(sorted, 100), 4);
  EXPECT_EQ(percentile_midpoint(sorted, 0), 0);
}

TEST(FeatureBinning, BadInputIsAClearError) {
  EXPECT_THROW(FeatureBinning::fit(column({1, 2}), {.max_bins = 1}), UsageError);
  EXPECT_THROW(FeatureBinning::fit(column({1, 2}), {.max_bins = 256}), UsageError);
  try {
    FeatureBinning::fit(column({1, std::numeric_limits<double>::infinity()}));
    FAIL() << "an infinite value was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("column 0, row 1 is +inf"), std::string::npos) << e.what();
  }
  const FeatureBinning binning = FeatureBinning::fit(column({1, 2}));
  EXPECT_THROW(binning.transform(Eigen::MatrixXd(2, 3)), UsageError);
}

}  // namespace
}  // namespace fraudkit::models
