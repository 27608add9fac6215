// resolve_sampling_strategy against imbalanced-learn's check_sampling_strategy (called through
// tests/oracle/undersample_oracle.py) for every combination of strategy, class counts and
// sampling type below, error cases included; plus parsing and a few pinned messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"
#include "sampling/under_sampler_support.h"

namespace fraudkit {
namespace {

using testing::under::oracle_script;

struct StrategyCase {
  nlohmann::json strategy;  // as imblearn takes it: string, number or {"class": count}
  std::array<int64_t, 2> counts;
  SamplingType type;
};

const char* python_type(SamplingType t) {
  switch (t) {
    case SamplingType::kOverSampling: return "over-sampling";
    case SamplingType::kUnderSampling: return "under-sampling";
    case SamplingType::kCleanSampling: return "clean-sampling";
  }
  return "";
}

// The same request in our spelling.
std::string our_text(const nlohmann::json& s) {
  if (s.is_string()) return s.get<std::string>();
  if (s.is_number()) return s.dump();
  std::string out;
  for (const auto& [k, v] : s.items()) out += (out.empty() ? "" : ",") + k + ":" + v.dump();
  return out;
}

struct Outcome {
  bool error = false;
  std::string message;
  std::map<int, int64_t> result;
};

Outcome ours(const StrategyCase& c) {
  Outcome o;
  try {
    o.result = resolve_sampling_strategy(SamplingStrategy::parse(our_text(c.strategy)), c.counts, c.type);
  } catch (const UsageError& e) {
    o.error = true;
    o.message = e.what();
  } catch (const DataError& e) {
    o.error = true;
    o.message = e.what();
  }
  return o;
}

std::vector<StrategyCase> all_cases() {
  const std::vector<nlohmann::json> strategies = {
      "auto", "minority", "majority", "not minority", "not majority", "all",
      1.0, 0.5, 0.1, 0.05, 1.0 / 3, 0.999, 0.001,
      {{"0", 5}, {"1", 5}}, {{"0", 200}}, {{"1", 200}}, {{"1", 5}}, {{"0", 0}}, {{"0", 10}, {"1", 100}},
      {{"0", 100}, {"1", 10}}, {{"0", 1000}, {"1", 1000}}, {{"0", -1}}, {{"0", 5}, {"1", -1}}};
  const std::vector<std::array<int64_t, 2>> counts = {{100, 10}, {10, 100}, {7, 3}, {1, 1000}, {1000, 1}, {1, 2}, {50, 50}};
  std::vector<StrategyCase> out;
  for (const auto& s : strategies)
    for (const auto& n : counts)
      for (SamplingType t : {SamplingType::kOverSampling, SamplingType::kUnderSampling, SamplingType::kCleanSampling})
        out.push_back({s, n, t});
  return out;
}

nlohmann::json oracle(const std::vector<StrategyCase>& cases) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : cases) j.push_back({{"strategy", c.strategy}, {"counts", c.counts}, {"type", python_type(c.type)}});
  testing::TempDir dir;
  testing::write_file(dir / "cases.json", j.dump());
  return testing::run_python_json(oracle_script(), "strategy --cases '" + (dir / "cases.json").string() + "'");
}

void expect_same(const StrategyCase& c, const nlohmann::json& theirs) {
  SCOPED_TRACE("strategy " + c.strategy.dump() + ", counts " + std::to_string(c.counts[0]) + "/" +
               std::to_string(c.counts[1]) + ", " + python_type(c.type));
  const Outcome o = ours(c);
  if (theirs.contains("error")) {
    EXPECT_TRUE(o.error) << "imblearn: " << theirs["error"].get<std::string>();
    return;
  }
  ASSERT_FALSE(o.error) << o.message;
  std::map<int, int64_t> expected;
  for (const auto& [k, v] : theirs["result"].items()) expected[std::stoi(k)] = v.get<int64_t>();
  EXPECT_EQ(o.result, expected);
}

TEST(SamplingStrategy, MatchesImbalancedLearnOnEveryCombination) {
  const std::vector<StrategyCase> cases = all_cases();
  const nlohmann::json theirs = oracle(cases);
  ASSERT_EQ(theirs.size(), cases.size());
  size_t errors = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    expect_same(cases[i], theirs[i]);
    errors += theirs[i].contains("error");
  }
  // Both outcomes are well represented, so the comparison means something.
  EXPECT_GT(errors, cases.size() / 5);
  EXPECT_LT(errors, cases.size() * 4 / 5);
}

// imbalanced-learn picks the first class (0) as both majority and minority when the counts are
// equal, and a ratio then targets "the class that is not the minority / majority", class 1.
TEST(SamplingStrategy, RatioWithEqualCountsTargetsClassOne) {
  std::vector<StrategyCase> cases;
  for (double r : {1.0, 0.5, 0.9})
    for (SamplingType t : {SamplingType::kOverSampling, SamplingType::kUnderSampling})
      cases.push_back({r, {50, 50}, t});
  const nlohmann::json theirs = oracle(cases);
  for (size_t i = 0; i < cases.size(); ++i) expect_same(cases[i], theirs[i]);
}

TEST(SamplingStrategy, ParsesEverySpelling) {
  using Kind = SamplingStrategy::Kind;
  EXPECT_EQ(SamplingStrategy::parse("auto").kind, Kind::kAuto);
  EXPECT_EQ(SamplingStrategy::parse(" Not_Minority ").kind, Kind::kNotMinority);
  EXPECT_EQ(SamplingStrategy::parse("not majority").kind, Kind::kNotMajority);
  EXPECT_EQ(SamplingStrategy::parse("ALL").kind, Kind::kAll);
  const SamplingStrategy r = SamplingStrategy::parse("0.25");
  EXPECT_EQ(r.kind, Kind::kRatio);
  EXPECT_EQ(r.ratio, 0.25);
  for (const char* text : {"0:1000,1:500", "{0: 1000, 1: 500}", R"({"0": 1000, "1": 500})"}) {
    const SamplingStrategy c = SamplingStrategy::parse(text);
    EXPECT_EQ(c.kind, Kind::kCounts) << text;
    EXPECT_EQ(c.counts, (std::map<int, int64_t>{{0, 1000}, {1, 500}})) << text;
  }
  EXPECT_EQ(SamplingStrategy::parse("0:7").to_string(), "0:7");
  EXPECT_EQ(SamplingStrategy::parse("not minority").to_string(), "not minority");
}

TEST(SamplingStrategy, RejectsBadSpellingsWithTheAcceptedOnes) {
  for (const char* text : {"", "half", "0", "1.5", "-0.5", "nan", "0:10,2:5", "0:10,0:5", "0:x", "0.5x"}) {
    try {
      SamplingStrategy::parse(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("sampling_strategy"), std::string::npos) << e.what();
    }
  }
  try {
    SamplingStrategy::parse("1.5");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("should be in the range (0, 1]"), std::string::npos) << e.what();
  }
}

TEST(SamplingStrategy, ErrorsUseImbalancedLearnWording) {
  const std::array<int64_t, 2> counts{100, 10};
  auto message = [&](const char* text, SamplingType t) {
    try {
      resolve_sampling_strategy(SamplingStrategy::parse(text), counts, t);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("minority", SamplingType::kUnderSampling).find("cannot be used with under-sampler"), std::string::npos);
  EXPECT_NE(message("majority", SamplingType::kOverSampling).find("cannot be used with over-sampler"), std::string::npos);
  EXPECT_NE(message("0.05", SamplingType::kOverSampling).find("Please increase the ratio"), std::string::npos);
  EXPECT_NE(message("0:1000", SamplingType::kUnderSampling).find("should be less or equal"), std::string::npos);
  EXPECT_NE(message("1:5", SamplingType::kOverSampling).find("should be greater or equal"), std::string::npos);
  EXPECT_NE(message("0.5", SamplingType::kCleanSampling).find("sampling ratio"), std::string::npos);
  const std::array<int64_t, 2> single{0, 10};
  EXPECT_THROW(resolve_sampling_strategy(SamplingStrategy::parse("auto"), single, SamplingType::kUnderSampling), DataError);
}

}  // namespace
}  // namespace fraudkit
