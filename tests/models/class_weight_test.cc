#include "fraudkit/class_weight.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fraudkit/error.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using Mode = ClassWeight::Mode;

TEST(ClassWeight, ParsesNoneBalancedAndExplicitInEitherOrder) {
  EXPECT_EQ(ClassWeight::parse("none").mode, Mode::kNone);
  EXPECT_EQ(ClassWeight::parse("balanced").mode, Mode::kBalanced);
  const ClassWeight a = ClassWeight::parse("0:1.5,1:20");
  EXPECT_EQ(a.mode, Mode::kExplicit);
  EXPECT_EQ(a.w0, 1.5);
  EXPECT_EQ(a.w1, 20.0);
  const ClassWeight b = ClassWeight::parse("1: 20, 0: 1.5");  // order and spaces do not matter
  EXPECT_EQ(b.mode, Mode::kExplicit);
  EXPECT_EQ(b.w0, 1.5);
  EXPECT_EQ(b.w1, 20.0);
}

TEST(ClassWeight, SpecRoundTripsThroughParseExactly) {
  for (const std::string text : {"none", "balanced", "0:1,1:99"}) EXPECT_EQ(ClassWeight::parse(text).spec(), text);
  ClassWeight cw;
  cw.mode = Mode::kExplicit;
  cw.w0 = 0.1;
  cw.w1 = 1.0 / 3.0;  // needs all 17 digits to round-trip
  const ClassWeight back = ClassWeight::parse(cw.spec());
  EXPECT_EQ(back.mode, Mode::kExplicit);
  EXPECT_EQ(back.w0, cw.w0);
  EXPECT_EQ(back.w1, cw.w1);
}

TEST(ClassWeight, RejectsMalformedSpecsWithUsageError) {
  for (const std::string bad :
       {"", "Balanced", "auto", "0:1", "0:1,1:2,0:3", "2:1,1:1", "0:1,0:2", "0:-1,1:1",
        "0:nan,1:1", "0:inf,1:1", "0:abc,1:2", "0:1;1:2", "0:,1:2", "0:1x,1:2", "01,1:2"}) {
    EXPECT_THROW(ClassWeight::parse(bad), UsageError) << "spec '" << bad << "'";
  }
}

TEST(ClassWeight, BalancedIsRowsOverTwiceTheClassCountExactly) {
  // 7 negatives, 3 positives: 10 / 14 and 10 / 6, computed as scikit-learn does in float64.
  const std::vector<uint8_t> y = {0, 1, 0, 0, 1, 0, 0, 0, 1, 0};
  const std::vector<double> w = row_weights(ClassWeight::parse("balanced"), y, {});
  ASSERT_EQ(w.size(), y.size());
  for (size_t i = 0; i < y.size(); ++i) EXPECT_EQ(w[i], y[i] ? 10.0 / 6.0 : 10.0 / 14.0) << i;
}

TEST(ClassWeight, BalancedMatchesScikitLearnComputeClassWeightBitForBit) {
  // Counts whose ratio is not a short decimal, checked against the oracle's float64.
  std::vector<uint8_t> y(997, 0);
  for (size_t i = 0; i < y.size(); i += 7) y[i] = 1;
  size_t pos = 0;
  for (uint8_t v : y) pos += v;
  testing::TempDir tmp;
  testing::write_file(tmp / "cw.py",
                      "import json, numpy as np\n"
                      "from sklearn.utils import compute_class_weight\n"
                      "y = np.array([1] * " + std::to_string(pos) + " + [0] * " +
                          std::to_string(y.size() - pos) + ")\n"
                      "w = compute_class_weight('balanced', classes=np.array([0, 1]), y=y)\n"
                      "print(json.dumps([float(w[0]).hex(), float(w[1]).hex()]))\n");
  const nlohmann::json oracle = testing::run_python_json(tmp / "cw.py", "");
  const std::vector<double> w = row_weights(ClassWeight::parse("balanced"), y, {});
  EXPECT_EQ(w[0], std::strtod(oracle[1].get<std::string>().c_str(), nullptr));  // y[0] = 1
  EXPECT_EQ(w[1], std::strtod(oracle[0].get<std::string>().c_str(), nullptr));  // y[1] = 0
}

TEST(ClassWeight, SampleWeightsMultiplyTheClassWeight) {
  const std::vector<uint8_t> y = {0, 1, 1, 0};
  const std::vector<double> sw = {0.5, 2.0, 0.0, 3.0};
  const std::vector<double> w = row_weights(ClassWeight::parse("0:4,1:10"), y, sw);
  EXPECT_EQ(w, (std::vector<double>{2.0, 20.0, 0.0, 12.0}));
  const std::vector<double> plain = row_weights(ClassWeight::parse("none"), y, sw);
  EXPECT_EQ(plain, sw);
  EXPECT_EQ(row_weights(ClassWeight::parse("none"), y, {}), (std::vector<double>(4, 1.0)));
}

TEST(ClassWeight, BalancedUsesLabelCountsNotSampleWeights) {
  // scikit-learn computes the balanced weights from the labels alone, then multiplies.
  const std::vector<uint8_t> y = {0, 0, 0, 1};
  const std::vector<double> sw = {1.0, 1.0, 10.0, 1.0};
  const std::vector<double> w = row_weights(ClassWeight::parse("balanced"), y, sw);
  EXPECT_EQ(w, (std::vector<double>{4.0 / 6.0, 4.0 / 6.0, 10.0 * (4.0 / 6.0), 2.0}));
}

TEST(ClassWeight, BadInputsThrowTheDocumentedErrors) {
  const std::vector<uint8_t> one_class = {1, 1, 1};
  EXPECT_THROW(row_weights(ClassWeight::parse("balanced"), one_class, {}), DataError);
  const std::vector<uint8_t> y = {0, 1, 0};
  const std::vector<double> negative = {1.0, -0.5, 1.0};
  EXPECT_THROW(row_weights(ClassWeight::parse("none"), y, negative), DataError);
  const std::vector<double> nan = {1.0, std::nan(""), 1.0};
  EXPECT_THROW(row_weights(ClassWeight::parse("none"), y, nan), DataError);
  const std::vector<double> short_weights = {1.0, 1.0};
  EXPECT_THROW(row_weights(ClassWeight::parse("none"), y, short_weights), UsageError);
  const std::vector<uint8_t> bad_label = {0, 2, 1};
  EXPECT_THROW(row_weights(ClassWeight::parse("none"), bad_label, {}), DataError);
}

}  // namespace
}  // namespace fraudkit
