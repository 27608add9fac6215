// Class counts after under-sampling equal imbalanced-learn's on every shared dataset, for every
// strategy below (errors included). The counts of RandomUnderSampler and NearMiss versions 1/2
// follow from the resolved strategy alone; NearMiss 1 is run too on the datasets under 15,000
// rows. Tomek links / ENN counts are compared row by row in under_sampler_parity_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fraudkit/error.h"
#include "sampling/under_sampler_support.h"

namespace fraudkit {
namespace {

using namespace testing::under;

const std::vector<std::pair<std::string, std::string>> kStrategies = {
    // (imblearn's value as JSON, our spelling)
    {R"("auto")", "auto"},
    {R"("majority")", "majority"},
    {R"("not minority")", "not minority"},
    {R"("not majority")", "not majority"},
    {R"("all")", "all"},
    {"0.5", "0.5"},
    {"0.1", "0.1"},
    {"1.0", "1.0"},
    {R"({"0": 100, "1": 20})", "0:100,1:20"},
    {R"({"1": 10})", "1:10"},
    {R"({"0": 5000})", "0:5000"},
};

TEST(UnderSamplerCounts, SameAsImbalancedLearnOnEverySharedDataset) {
  const std::vector<std::string> names = testing::shared_dataset_names();
  ASSERT_GE(names.size(), 10u);
  std::string files, strategies;
  for (const auto& n : names) files += (files.empty() ? "" : ",") + testing::dataset_path(n).string();
  for (const auto& [py, _] : kStrategies) strategies += (strategies.empty() ? "" : ";") + py;
  const nlohmann::json oracle =
      testing::run_python_json(oracle_script(), "counts --data '" + files + "' --strategies '" + strategies + "'");
  size_t errors = 0;
  for (const auto& n : names) {
    const std::string stem = n.substr(0, n.size() - 4);  // without ".csv"
    const Data data = load_shared(stem);
    const nlohmann::json& theirs = oracle.at(testing::dataset_path(n).string());
    const bool small = data.y.size() < 15000;
    for (const auto& [py, ours_text] : kStrategies) {
      SCOPED_TRACE(n + " strategy " + ours_text);
      const nlohmann::json& expected = theirs.at(py);
      for (const char* sampler : {"rus", "nearmiss1"}) {
        if (std::string(sampler) == "nearmiss1" && !small) continue;
        try {
          const ResampleResult r = run(sampler, {{"sampling_strategy", ours_text}}, data);
          ASSERT_TRUE(expected.is_array()) << sampler << ": imblearn refused: " << expected.dump();
          EXPECT_EQ(kept_counts(r, data.y), expected.get<decltype(kept_counts(r, data.y))>()) << sampler;
        } catch (const Error& e) {
          EXPECT_TRUE(expected.is_string()) << sampler << ": we refused (" << e.what() << "), imblearn gave "
                                            << expected.dump();
          errors += std::string(sampler) == "rus";
        }
      }
    }
  }
  EXPECT_GT(errors, 0u);  // the error cases were exercised
}

}  // namespace
}  // namespace fraudkit
