// ThresholdPolicy's spec and JSON forms: what parses, what is rejected (with the accepted forms
// in the message), and that spec() / to_json() round-trip.
#include "fraudkit/threshold.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fraudkit/error.h"

namespace fraudkit {
namespace {

using Kind = ThresholdPolicyKind;

bool same(const ThresholdPolicy& a, const ThresholdPolicy& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kFbeta: return a.beta == b.beta;
    case Kind::kCost:
      return a.cost.fp == b.cost.fp && a.cost.fn == b.cost.fn && a.cost.tp == b.cost.tp && a.cost.tn == b.cost.tn;
    case Kind::kCapacity: return a.alert_rate == b.alert_rate;
    case Kind::kPrecision:
    case Kind::kRecall: return a.target == b.target;
  }
  return false;
}

TEST(ThresholdPolicyParse, AcceptsEveryDocumentedForm) {
  ThresholdPolicy p = ThresholdPolicy::parse("f1");
  EXPECT_EQ(p.kind, Kind::kFbeta);
  EXPECT_EQ(p.beta, 1.0);
  p = ThresholdPolicy::parse("fbeta:2");
  EXPECT_EQ(p.kind, Kind::kFbeta);
  EXPECT_EQ(p.beta, 2.0);
  EXPECT_EQ(ThresholdPolicy::parse("fbeta:0.5").beta, 0.5);
  p = ThresholdPolicy::parse("cost:1:50");
  EXPECT_EQ(p.kind, Kind::kCost);
  EXPECT_EQ(p.cost.fp, 1.0);
  EXPECT_EQ(p.cost.fn, 50.0);
  EXPECT_EQ(p.cost.tp, 0.0);
  EXPECT_EQ(p.cost.tn, 0.0);
  p = ThresholdPolicy::parse("cost:2.5:40:-1:0.5");
  EXPECT_EQ(p.cost.fp, 2.5);
  EXPECT_EQ(p.cost.fn, 40.0);
  EXPECT_EQ(p.cost.tp, -1.0);
  EXPECT_EQ(p.cost.tn, 0.5);
  p = ThresholdPolicy::parse("capacity:5/1000");
  EXPECT_EQ(p.kind, Kind::kCapacity);
  EXPECT_EQ(p.alert_rate, 5.0 / 1000.0);
  EXPECT_EQ(ThresholdPolicy::parse("capacity:0.01").alert_rate, 0.01);
  EXPECT_EQ(ThresholdPolicy::parse("capacity:7/7").alert_rate, 1.0);
  p = ThresholdPolicy::parse("precision:0.9");
  EXPECT_EQ(p.kind, Kind::kPrecision);
  EXPECT_EQ(p.target, 0.9);
  p = ThresholdPolicy::parse("recall:1");
  EXPECT_EQ(p.kind, Kind::kRecall);
  EXPECT_EQ(p.target, 1.0);
}

TEST(ThresholdPolicyParse, RejectsBadSpecsListingTheAcceptedForms) {
  const std::vector<std::string> bad = {
      "", "F1", "f2", "f1:2", "fbeta", "fbeta:", "fbeta:0", "fbeta:-1", "fbeta:abc", "fbeta:2x",
      "fbeta:inf", "fbeta:nan", "cost", "cost:1", "cost:1:2:3", "cost:1:2:3:4:5", "cost:-1:5",
      "cost:0:0", "cost:1:5:6:0", "cost:5:1:3:0", "cost:1:5:0:2", "cost:1:5:0:1.5", "cost:1:inf", "capacity", "capacity:",
      "capacity:0/10", "capacity:11/10", "capacity:1/0", "capacity:1.5/10", "capacity:-1/10",
      "capacity:1/2/3", "capacity:0", "capacity:1.5", "capacity:a/b", "precision:0",
      "precision:1.01", "precision:", "recall:-0.1", "recall:0.5:1", "bogus:1", "precision :0.9"};
  for (const std::string& spec : bad) {
    try {
      ThresholdPolicy::parse(spec);
      ADD_FAILURE() << "accepted '" << spec << "'";
    } catch (const UsageError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("accepted forms"), std::string::npos) << message;
      EXPECT_NE(message.find("capacity:K/N"), std::string::npos) << message;
      EXPECT_NE(message.find("'" + spec + "'"), std::string::npos) << message;
    }
  }
}

TEST(ThresholdPolicySpec, IsTheInverseOfParse) {
  for (const std::string spec : {"f1", "fbeta:2", "fbeta:0.5", "cost:1:50", "cost:2.5:40:-1:0.5",
                                 "capacity:0.01", "precision:0.9", "recall:0.75", "recall:1"}) {
    const ThresholdPolicy p = ThresholdPolicy::parse(spec);
    EXPECT_EQ(p.spec(), spec);
    EXPECT_TRUE(same(ThresholdPolicy::parse(p.spec()), p)) << spec;
  }
  // Non-canonical inputs come back in canonical form, with the same meaning.
  EXPECT_EQ(ThresholdPolicy::parse("fbeta:1").spec(), "f1");
  EXPECT_EQ(ThresholdPolicy::parse("capacity:1/100").spec(), "capacity:0.01");
  EXPECT_EQ(ThresholdPolicy::parse("cost:1:50:0:0").spec(), "cost:1:50");
  // Rates that are not short decimals still round-trip exactly.
  const ThresholdPolicy third = ThresholdPolicy::parse("capacity:1/3");
  EXPECT_EQ(ThresholdPolicy::parse(third.spec()).alert_rate, 1.0 / 3.0);
}

TEST(ThresholdPolicyJson, RoundTripsEveryKind) {
  for (const std::string spec : {"f1", "fbeta:3.5", "cost:1:50", "cost:2.5:40:-1:0.5", "capacity:1/3",
                                 "precision:0.9", "recall:0.6"}) {
    const ThresholdPolicy p = ThresholdPolicy::parse(spec);
    const nlohmann::json j = p.to_json();
    EXPECT_EQ(j["spec"], p.spec());
    EXPECT_TRUE(same(ThresholdPolicy::from_json(j), p)) << j.dump();
    EXPECT_TRUE(same(ThresholdPolicy::from_json(nlohmann::json::parse(j.dump())), p)) << j.dump();
  }
}

TEST(ThresholdPolicyJson, RejectsMalformedOrOutOfRangeObjects) {
  const std::vector<nlohmann::json> bad = {
      nlohmann::json::array(), {{"beta", 1.0}}, {{"kind", 3}}, {{"kind", "magic"}},
      {{"kind", "fbeta"}}, {{"kind", "fbeta"}, {"beta", "two"}}, {{"kind", "fbeta"}, {"beta", -1.0}},
      {{"kind", "cost"}}, {{"kind", "cost"}, {"cost", {{"fp", 1.0}, {"fn", 5.0}}}},
      {{"kind", "capacity"}, {"alert_rate", 0.0}}, {{"kind", "precision"}, {"target", 1.5}},
      {{"kind", "recall"}}};
  for (const nlohmann::json& j : bad) EXPECT_THROW(ThresholdPolicy::from_json(j), UsageError) << j.dump();
}

TEST(ThresholdPolicyValidate, RejectsHandBuiltOutOfRangePolicies) {
  ThresholdPolicy p;
  p.kind = Kind::kFbeta;
  p.beta = 0;
  EXPECT_THROW(p.validate(), UsageError);
  p.kind = Kind::kCapacity;
  p.alert_rate = 1.5;
  EXPECT_THROW(p.validate(), UsageError);
  p.alert_rate = 0.5;
  EXPECT_NO_THROW(p.validate());
}

}  // namespace
}  // namespace fraudkit
