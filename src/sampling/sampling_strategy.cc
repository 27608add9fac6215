// imbalanced-learn 0.10's check_sampling_strategy for binary targets. The error messages keep
// imbalanced-learn's wording so a user moving over recognises them.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <string>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"

namespace fraudkit {
namespace {

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

const char* kSpellings =
    "expected auto, minority, majority, not minority, not majority, all, a ratio in (0, 1] "
    "(e.g. 0.5), or per-class counts such as 0:1000,1:500";

// "0:1000,1:500", "{0: 1000, 1: 500}" or {"0": 1000, "1": 500}.
std::map<int, int64_t> parse_counts(const std::string& text) {
  std::string body;
  for (char c : text)
    if (c != '{' && c != '}' && c != '"' && c != '\'' && !std::isspace(static_cast<unsigned char>(c)))
      body += c;
  std::map<int, int64_t> counts;
  std::stringstream items(body);
  std::string item;
  while (std::getline(items, item, ',')) {
    auto colon = item.find(':');
    if (colon == std::string::npos) throw UsageError("sampling_strategy '" + text + "': " + kSpellings);
    size_t used_class = 0, used_count = 0;
    int cls = -1;
    long long n = 0;
    try {
      cls = std::stoi(item.substr(0, colon), &used_class);
      n = std::stoll(item.substr(colon + 1), &used_count);
    } catch (const std::exception&) {
      throw UsageError("sampling_strategy '" + text + "': " + kSpellings);
    }
    if (used_class != colon || used_count != item.size() - colon - 1 || (cls != 0 && cls != 1))
      throw UsageError("sampling_strategy '" + text + "': class keys must be 0 or 1; " + kSpellings);
    if (counts.count(cls)) throw UsageError("sampling_strategy '" + text + "': class " + std::to_string(cls) + " given twice");
    counts[cls] = n;
  }
  if (counts.empty()) throw UsageError("sampling_strategy '" + text + "': " + kSpellings);
  return counts;
}

}  // namespace

SamplingStrategy SamplingStrategy::parse(std::string_view text_in) {
  std::string text = trim(text_in);
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::replace(lower.begin(), lower.end(), '_', ' ');
  SamplingStrategy s;
  if (lower == "auto") s.kind = Kind::kAuto;
  else if (lower == "minority") s.kind = Kind::kMinority;
  else if (lower == "majority") s.kind = Kind::kMajority;
  else if (lower == "not minority") s.kind = Kind::kNotMinority;
  else if (lower == "not majority") s.kind = Kind::kNotMajority;
  else if (lower == "all") s.kind = Kind::kAll;
  else if (text.find(':') != std::string::npos) {
    s.kind = Kind::kCounts;
    s.counts = parse_counts(text);
  } else {
    size_t used = 0;
    double r = 0;
    try {
      r = std::stod(text, &used);
    } catch (const std::exception&) {
      throw UsageError("sampling_strategy '" + text + "': " + kSpellings);
    }
    if (used != text.size()) throw UsageError("sampling_strategy '" + text + "': " + kSpellings);
    if (!(r > 0 && r <= 1)) {
      std::ostringstream m;
      m << "When 'sampling_strategy' is a float, it should be in the range (0, 1]. Got " << text << " instead.";
      throw UsageError(m.str());
    }
    s.kind = Kind::kRatio;
    s.ratio = r;
  }
  return s;
}

std::string SamplingStrategy::to_string() const {
  switch (kind) {
    case Kind::kAuto: return "auto";
    case Kind::kMinority: return "minority";
    case Kind::kMajority: return "majority";
    case Kind::kNotMinority: return "not minority";
    case Kind::kNotMajority: return "not majority";
    case Kind::kAll: return "all";
    case Kind::kRatio: {
      std::ostringstream o;
      o.precision(17);
      o << ratio;
      return o.str();
    }
    case Kind::kCounts: {
      std::string out;
      for (const auto& [cls, n] : counts) out += (out.empty() ? "" : ",") + std::to_string(cls) + ":" + std::to_string(n);
      return out;
    }
  }
  return "auto";
}

std::map<int, int64_t> resolve_sampling_strategy(const SamplingStrategy& strategy,
                                                 std::span<const int64_t, 2> class_counts,
                                                 SamplingType type) {
  const int64_t n0 = class_counts[0], n1 = class_counts[1];
  if (n0 <= 0 || n1 <= 0)
    throw DataError("The target 'y' needs to have more than 1 class. Got 1 class instead "
                    "(" + std::to_string(n0) + " negatives, " + std::to_string(n1) + " positives)");
  // imbalanced-learn takes the first class (0) on a tie in both max and min.
  const int majority = n1 > n0 ? 1 : 0;
  const int minority = n1 < n0 ? 1 : 0;
  const int64_t n_major = std::max(n0, n1), n_minor = std::min(n0, n1);
  const int64_t count[2] = {n0, n1};
  const bool over = type == SamplingType::kOverSampling;
  using Kind = SamplingStrategy::Kind;

  std::map<int, int64_t> out;
  auto equalise = [&](auto include) {
    for (int c = 0; c < 2; ++c)
      if (include(c)) out[c] = over ? n_major - count[c] : n_minor;
  };
  switch (strategy.kind) {
    case Kind::kAll: equalise([](int) { return true; }); break;
    case Kind::kMinority:
      if (!over)
        throw UsageError("'sampling_strategy'='minority' cannot be used with under-sampler and clean-sampler.");
      equalise([&](int c) { return c == minority; });
      break;
    case Kind::kMajority:
      if (over) throw UsageError("'sampling_strategy'='majority' cannot be used with over-sampler.");
      equalise([&](int c) { return c == majority; });
      break;
    case Kind::kNotMinority: equalise([&](int c) { return c != minority; }); break;
    case Kind::kNotMajority: equalise([&](int c) { return c != majority; }); break;
    case Kind::kAuto:
      if (over) equalise([&](int c) { return c != majority; });
      else equalise([&](int c) { return c != minority; });
      break;
    case Kind::kRatio:
      if (type == SamplingType::kCleanSampling)
        throw UsageError("'clean-sampling' methods do let the user specify the sampling ratio.");
      if (over) {
        // int() in Python truncates toward zero.
        int64_t n = static_cast<int64_t>(std::trunc(static_cast<double>(n_major) * strategy.ratio -
                                                    static_cast<double>(n_minor)));
        if (n <= 0)
          throw DataError("The specified ratio required to remove samples from the minority class while "
                          "trying to generate new samples. Please increase the ratio. (ratio " +
                          strategy.to_string() + ", " + std::to_string(n_minor) + " minority and " +
                          std::to_string(n_major) + " majority rows)");
        out[1 - majority] = n;  // "every class but the majority": class 1 when counts tie
      } else {
        int64_t n = static_cast<int64_t>(std::trunc(static_cast<double>(n_minor) / strategy.ratio));
        if (n > n_major)
          throw DataError("The specified ratio required to generate new sample in the majority class while "
                          "trying to remove samples. Please increase the ratio. (ratio " +
                          strategy.to_string() + ", " + std::to_string(n_minor) + " minority and " +
                          std::to_string(n_major) + " majority rows)");
        out[1 - minority] = n;  // "every class but the minority": class 1 when counts tie
      }
      break;
    case Kind::kCounts:
      if (type == SamplingType::kCleanSampling)
        throw UsageError("'sampling_strategy' as per-class counts is not supported by cleaning methods "
                         "(Tomek links, ENN); use auto, all, majority, not minority or not majority.");
      for (const auto& [cls, n] : strategy.counts) {
        if (n < 0)
          throw UsageError("The number of samples in a class cannot be negative. 'sampling_strategy' "
                           "contains some negative value: " + strategy.to_string());
        if (over) {
          if (n < count[cls])
            throw DataError("With over-sampling methods, the number of samples in a class should be greater "
                            "or equal to the original number of samples. Originally, there is " +
                            std::to_string(count[cls]) + " samples and " + std::to_string(n) +
                            " samples are asked (class " + std::to_string(cls) + ").");
          out[cls] = n - count[cls];
        } else {
          if (n > count[cls])
            throw DataError("With under-sampling methods, the number of samples in a class should be less or "
                            "equal to the original number of samples. Originally, there is " +
                            std::to_string(count[cls]) + " samples and " + std::to_string(n) +
                            " samples are asked (class " + std::to_string(cls) + ").");
          out[cls] = n;
        }
      }
      break;
  }
  return out;
}

}  // namespace fraudkit
