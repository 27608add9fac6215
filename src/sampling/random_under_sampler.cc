// RandomUnderSampler (imbalanced-learn 0.10): per class in class order, a targeted class keeps
// a random draw of the requested size (without replacement: distinct rows in draw order, like
// numpy's choice; with replacement: independent draws), other classes keep all their rows in
// input order. The random stream is ours (Rng), not numpy's: same seed, same draw, on every
// platform and thread count. No neighbour search, so missing values and categorical columns
// pass through untouched.
#include <string>
#include <utility>

#include "fraudkit/error.h"
#include "fraudkit/param_table.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/under_support.h"

namespace fraudkit::sampling {
namespace {

constexpr const char* kName = "rus";

struct RusParams {
  // Rows to keep per class: auto (= not minority: the majority down to the minority's size),
  // majority, not minority, not majority, all, a ratio minority/majority in (0, 1], or counts.
  std::string sampling_strategy = "auto";
  bool replacement = false;  // draw with replacement (rows may repeat)
};

std::span<const ParamSpec<RusParams>> rus_table() {
  using P = RusParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy,
       .help = "rows to keep: auto (majority down to the minority size), majority, not minority, not "
               "majority, all, a ratio minority/majority in (0, 1], or counts such as 0:1000,1:500"},
      {.name = "replacement", .member = &P::replacement, .help = "draw with replacement (rows may repeat)"},
  };
  return table;
}

class RandomUnderSampler final : public Sampler {
 public:
  explicit RandomUnderSampler(RusParams p)
      : params_(std::move(p)), strategy_(parse_strategy_param(params_.sampling_strategy, kName)) {}

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kUnderSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, rus_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = class_counts(input);
    require_two_classes(counts, kName);
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kUnderSampling);
    Rng rng(ctx.seed);
    ResampleResult out;
    for (int cls = 0; cls < 2; ++cls) {
      std::vector<uint32_t> rows = rows_of_class(input.y, cls);
      const auto it = target.find(cls);
      if (it == target.end()) {
        out.kept.insert(out.kept.end(), rows.begin(), rows.end());
        continue;
      }
      const auto n = static_cast<size_t>(it->second);
      if (params_.replacement) {
        for (size_t t = 0; t < n; ++t) out.kept.push_back(rows[rng.below(rows.size())]);
      } else {
        // Partial Fisher-Yates: the first n positions become a uniform draw in draw order.
        for (size_t t = 0; t < n; ++t) {
          std::swap(rows[t], rows[t + rng.below(rows.size() - t)]);
          out.kept.push_back(rows[t]);
        }
      }
    }
    out.synthetic.resize(0, input.X.cols());
    out.report = count_report(input, out, target);
    return out;
  }

 private:
  RusParams params_;
  SamplingStrategy strategy_;
};

}  // namespace

std::unique_ptr<Sampler> make_random_under_sampler(const nlohmann::json& params) {
  return std::make_unique<RandomUnderSampler>(params_from_json<RusParams>(params, rus_table(), kName));
}

std::string random_under_sampler_help() { return params_help(rus_table()); }

}  // namespace fraudkit::sampling
