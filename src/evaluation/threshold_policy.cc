// ThresholdPolicy's textual forms: the CLI spec (parse / spec) and the artifact JSON
// (to_json / from_json). Both go through one validate(), so a policy that loads is one that
// choose_threshold accepts.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "fraudkit/error.h"
#include "fraudkit/threshold.h"

namespace fraudkit {

namespace {

constexpr const char* kAcceptedForms =
    "accepted forms: f1 | fbeta:B (B > 0) | cost:FP:FN or cost:FP:FN:TP:TN (costs of each "
    "outcome, e.g. cost:1:50) | capacity:K/N (flag at most K of every N rows, positive "
    "integers K <= N) or capacity:RATE (0 < RATE <= 1) | precision:P (0 < P <= 1) | "
    "recall:R (0 < R <= 1)";

[[noreturn]] void fail(const std::string& spec, const std::string& why) {
  throw UsageError("bad threshold policy '" + spec + "': " + why + "; " + kAcceptedForms);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

double parse_number(const std::string& spec, std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
    fail(spec, "'" + std::string(text) + "' is not a finite number");
  return v;
}

int64_t parse_positive_integer(const std::string& spec, std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v <= 0)
    fail(spec, "'" + std::string(text) + "' is not a positive integer");
  return v;
}

// Shortest text that reads back to the same double, so spec() round-trips exactly.
std::string shortest(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

const char* kind_name(ThresholdPolicyKind kind) {
  switch (kind) {
    case ThresholdPolicyKind::kFbeta: return "fbeta";
    case ThresholdPolicyKind::kCost: return "cost";
    case ThresholdPolicyKind::kCapacity: return "capacity";
    case ThresholdPolicyKind::kPrecision: return "precision";
    case ThresholdPolicyKind::kRecall: return "recall";
  }
  throw UsageError("unknown threshold policy kind");
}

// Throws UsageError (naming `context`) unless the policy's parameter is in range.
void validate_in(const ThresholdPolicy& p, const std::string& context) {
  auto bad = [&](const std::string& why) { fail(context, why); };
  switch (p.kind) {
    case ThresholdPolicyKind::kFbeta:
      if (!(p.beta > 0) || !std::isfinite(p.beta)) bad("beta must be a finite number > 0");
      return;
    case ThresholdPolicyKind::kCost: {
      const CostMatrix& c = p.cost;
      if (!std::isfinite(c.fp) || !std::isfinite(c.fn) || !std::isfinite(c.tp) || !std::isfinite(c.tn))
        bad("costs must be finite");
      // A wrong decision must cost at least as much as the right one, and something must be
      // at stake; otherwise "minimise cost" has no sensible answer (or every one is optimal).
      if (c.fp < c.tn || c.fn < c.tp) bad("need C_FP >= C_TN and C_FN >= C_TP");
      if ((c.fp - c.tn) + (c.fn - c.tp) <= 0) bad("need C_FP - C_TN + C_FN - C_TP > 0");
      return;
    }
    case ThresholdPolicyKind::kCapacity:
      if (!(p.alert_rate > 0 && p.alert_rate <= 1)) bad("the alert rate K/N must be in (0, 1]");
      return;
    case ThresholdPolicyKind::kPrecision:
    case ThresholdPolicyKind::kRecall:
      if (!(p.target > 0 && p.target <= 1)) bad("the target must be in (0, 1]");
      return;
  }
  bad("unknown policy kind");
}

}  // namespace

void ThresholdPolicy::validate() const {
  // Not via spec(): an out-of-range value should be named as such, not as a spec string.
  validate_in(*this, std::string("{kind ") + kind_name(kind) + "}");
}

ThresholdPolicy ThresholdPolicy::parse(const std::string& spec) {
  const std::vector<std::string_view> parts = split(spec, ':');
  const std::string_view name = parts[0];
  const size_t args = parts.size() - 1;
  ThresholdPolicy p;
  if (name == "f1" && args == 0) {
    p.kind = ThresholdPolicyKind::kFbeta;
    p.beta = 1.0;
  } else if (name == "fbeta" && args == 1) {
    p.kind = ThresholdPolicyKind::kFbeta;
    p.beta = parse_number(spec, parts[1]);
  } else if (name == "cost" && (args == 2 || args == 4)) {
    p.kind = ThresholdPolicyKind::kCost;
    p.cost.fp = parse_number(spec, parts[1]);
    p.cost.fn = parse_number(spec, parts[2]);
    if (args == 4) {
      p.cost.tp = parse_number(spec, parts[3]);
      p.cost.tn = parse_number(spec, parts[4]);
    }
  } else if (name == "capacity" && args == 1) {
    p.kind = ThresholdPolicyKind::kCapacity;
    const std::vector<std::string_view> ratio = split(parts[1], '/');
    if (ratio.size() == 2) {
      const int64_t k = parse_positive_integer(spec, ratio[0]);
      const int64_t per = parse_positive_integer(spec, ratio[1]);
      if (k > per) fail(spec, "K must not exceed N in capacity:K/N");
      p.alert_rate = static_cast<double>(k) / static_cast<double>(per);
    } else if (ratio.size() == 1) {
      p.alert_rate = parse_number(spec, ratio[0]);
    } else {
      fail(spec, "capacity takes K/N or a rate");
    }
  } else if ((name == "precision" || name == "recall") && args == 1) {
    p.kind = name == "precision" ? ThresholdPolicyKind::kPrecision : ThresholdPolicyKind::kRecall;
    p.target = parse_number(spec, parts[1]);
  } else {
    fail(spec, "unknown policy or wrong number of ':' parameters");
  }
  validate_in(p, spec);
  return p;
}

std::string ThresholdPolicy::spec() const {
  switch (kind) {
    case ThresholdPolicyKind::kFbeta:
      return beta == 1.0 ? "f1" : "fbeta:" + shortest(beta);
    case ThresholdPolicyKind::kCost: {
      std::string s = "cost:" + shortest(cost.fp) + ":" + shortest(cost.fn);
      if (cost.tp != 0 || cost.tn != 0) s += ":" + shortest(cost.tp) + ":" + shortest(cost.tn);
      return s;
    }
    case ThresholdPolicyKind::kCapacity:
      return "capacity:" + shortest(alert_rate);
    case ThresholdPolicyKind::kPrecision:
      return "precision:" + shortest(target);
    case ThresholdPolicyKind::kRecall:
      return "recall:" + shortest(target);
  }
  throw UsageError("unknown threshold policy kind");
}

nlohmann::json ThresholdPolicy::to_json() const {
  nlohmann::json j = {{"kind", kind_name(kind)}, {"spec", spec()}};
  switch (kind) {
    case ThresholdPolicyKind::kFbeta: j["beta"] = beta; break;
    case ThresholdPolicyKind::kCost:
      j["cost"] = {{"fp", cost.fp}, {"fn", cost.fn}, {"tp", cost.tp}, {"tn", cost.tn}};
      break;
    case ThresholdPolicyKind::kCapacity: j["alert_rate"] = alert_rate; break;
    case ThresholdPolicyKind::kPrecision:
    case ThresholdPolicyKind::kRecall: j["target"] = target; break;
  }
  return j;
}

ThresholdPolicy ThresholdPolicy::from_json(const nlohmann::json& j) {
  const std::string context = "threshold policy JSON " + j.dump();
  auto number = [&](const nlohmann::json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_number())
      fail(context, std::string("missing or non-numeric field '") + key + "'");
    return object[key].get<double>();
  };
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    fail(context, "expected an object with a string field 'kind'");
  const std::string kind = j["kind"].get<std::string>();
  ThresholdPolicy p;
  if (kind == "fbeta") {
    p.kind = ThresholdPolicyKind::kFbeta;
    p.beta = number(j, "beta");
  } else if (kind == "cost") {
    p.kind = ThresholdPolicyKind::kCost;
    if (!j.contains("cost")) fail(context, "missing field 'cost'");
    const nlohmann::json& c = j["cost"];
    p.cost = {number(c, "fp"), number(c, "fn"), number(c, "tp"), number(c, "tn")};
  } else if (kind == "capacity") {
    p.kind = ThresholdPolicyKind::kCapacity;
    p.alert_rate = number(j, "alert_rate");
  } else if (kind == "precision" || kind == "recall") {
    p.kind = kind == "precision" ? ThresholdPolicyKind::kPrecision : ThresholdPolicyKind::kRecall;
    p.target = number(j, "target");
  } else {
    fail(context, "unknown kind '" + kind + "' (known: fbeta, cost, capacity, precision, recall)");
  }
  validate_in(p, context);
  return p;
}

}  // namespace fraudkit
