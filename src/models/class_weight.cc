#include "fraudkit/class_weight.h"

#include <charconv>
#include <cmath>
#include <string_view>

#include "fraudkit/error.h"

namespace fraudkit {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad_spec(const std::string& spec, const std::string& why) {
  throw UsageError("class_weight: cannot parse '" + spec + "': " + why +
                   "; expected none, balanced or 0:W0,1:W1 (finite weights >= 0)");
}

// One "label:weight" item of an explicit spec; sets w0 or w1 and marks it seen.
void parse_item(const std::string& spec, std::string_view item, ClassWeight& cw, bool seen[2]) {
  const size_t colon = item.find(':');
  if (colon == std::string_view::npos) bad_spec(spec, "item '" + std::string(item) + "' has no ':'");
  const std::string_view label = trim(item.substr(0, colon));
  const std::string_view value = trim(item.substr(colon + 1));
  if (label != "0" && label != "1")
    bad_spec(spec, "class label '" + std::string(label) + "' is not 0 or 1");
  const int cls = label == "1" ? 1 : 0;
  if (seen[cls]) bad_spec(spec, "class " + std::string(label) + " is given twice");
  double w = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), w);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty())
    bad_spec(spec, "weight '" + std::string(value) + "' is not a number");
  if (!std::isfinite(w) || w < 0) bad_spec(spec, "weight '" + std::string(value) + "' is negative or not finite");
  (cls == 1 ? cw.w1 : cw.w0) = w;
  seen[cls] = true;
}

// Shortest text that parses back to the same double, so spec() round-trips through parse().
std::string shortest(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

}  // namespace

ClassWeight ClassWeight::parse(const std::string& spec) {
  const std::string_view s = trim(spec);
  ClassWeight cw;
  if (s == "none") return cw;
  if (s == "balanced") {
    cw.mode = Mode::kBalanced;
    return cw;
  }
  cw.mode = Mode::kExplicit;
  bool seen[2] = {false, false};
  const size_t comma = s.find(',');
  if (comma == std::string_view::npos) bad_spec(spec, "an explicit weight needs both classes");
  if (s.find(',', comma + 1) != std::string_view::npos) bad_spec(spec, "more than two items");
  parse_item(spec, s.substr(0, comma), cw, seen);
  parse_item(spec, s.substr(comma + 1), cw, seen);
  return cw;
}

std::string ClassWeight::spec() const {
  switch (mode) {
    case Mode::kNone: return "none";
    case Mode::kBalanced: return "balanced";
    case Mode::kExplicit: return "0:" + shortest(w0) + ",1:" + shortest(w1);
  }
  return "none";
}

std::vector<double> row_weights(const ClassWeight& cw, std::span<const uint8_t> y,
                                std::span<const double> sample_weight) {
  const size_t n = y.size();
  if (!sample_weight.empty() && sample_weight.size() != n)
    throw UsageError("class_weight: " + std::to_string(sample_weight.size()) +
                     " sample weights for " + std::to_string(n) + " rows");
  size_t count[2] = {0, 0};
  for (size_t i = 0; i < n; ++i) {
    if (y[i] > 1)
      throw DataError("class_weight: label " + std::to_string(y[i]) + " at row " +
                      std::to_string(i) + " is not 0 or 1");
    ++count[y[i]];
  }
  double class_w[2] = {1.0, 1.0};
  if (cw.mode == ClassWeight::Mode::kExplicit) {
    class_w[0] = cw.w0;
    class_w[1] = cw.w1;
  } else if (cw.mode == ClassWeight::Mode::kBalanced) {
    if (count[0] == 0 || count[1] == 0)
      throw DataError("class_weight balanced: the target has a single class (" +
                      std::to_string(count[0]) + " negatives, " + std::to_string(count[1]) +
                      " positives); two classes are needed");
    // scikit-learn's compute_class_weight: n_samples / (n_classes * bincount(y)).
    for (int c = 0; c < 2; ++c)
      class_w[c] = static_cast<double>(n) / (2.0 * static_cast<double>(count[c]));
  }
  std::vector<double> w(n);
  for (size_t i = 0; i < n; ++i) {
    const double sw = sample_weight.empty() ? 1.0 : sample_weight[i];
    if (!std::isfinite(sw) || sw < 0)
      throw DataError("sample weight at row " + std::to_string(i) + " is " + shortest(sw) +
                      "; weights must be finite and >= 0");
    w[i] = sw * class_w[y[i]];
  }
  return w;
}

}  // namespace fraudkit
