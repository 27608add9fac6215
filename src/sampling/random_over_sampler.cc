// RandomOverSampler (imbalanced-learn 0.10): per class to grow (0 then 1), draw rows of that
// class uniformly with replacement.
//
// Plain bootstrap: the drawn rows are repeats of input rows, so they go into `kept` after every
// input row (imbalanced-learn's sample_indices_ order) and nothing is synthetic.
// Smoothed bootstrap (shrinkage >= 0): each drawn row gets Gaussian noise, making it a new,
// synthetic row: x + N(0, diag(h)^2) with, per numeric column,
//   h = shrinkage * (4 / ((p + 2) n))^(1 / (p + 4)) * std of the column over the class (ddof 0)
// where n = all input rows and p = numeric columns (imbalanced-learn: all columns, which must be
// numeric there). Categorical columns are copied from the drawn row, never perturbed.
#include <algorithm>
#include <cmath>
#include <string>

#include "fraudkit/error.h"
#include "sampling/over_common.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"

namespace fraudkit::sampling {
namespace {

constexpr const char* kName = "ros";

struct RandomOverParams {
  std::string sampling_strategy = "auto";  // see over::kStrategyHelp
  // Smoothed-bootstrap factor; negative = plain bootstrap (imbalanced-learn's shrinkage=None).
  double shrinkage = -1;
};

std::span<const ParamSpec<RandomOverParams>> random_over_table() {
  using P = RandomOverParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy, .help = over::kStrategyHelp},
      {"shrinkage", &P::shrinkage, -1, 1e6,
       "smoothed bootstrap: add Gaussian noise of shrinkage x the class std x (4/((p+2)n))^(1/(p+4)) per numeric "
       "column to each drawn row; negative = plain bootstrap of existing rows (imblearn shrinkage=None)"},
  };
  return table;
}

class RandomOverSampler final : public Sampler {
 public:
  explicit RandomOverSampler(RandomOverParams p)
      : params_(std::move(p)), strategy_(over::parse_strategy(params_.sampling_strategy, kName)) {}

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, random_over_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = class_counts(input);
    require_two_classes(counts, kName);
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kOverSampling);
    const bool smoothed = params_.shrinkage >= 0;
    if (smoothed) require_finite(input, kName);

    ResampleResult result;
    result.kept = all_rows(static_cast<size_t>(input.X.rows()));
    const int64_t total = over::total_to_create(target);
    if (smoothed) {
      result.synthetic.resize(total, input.X.cols());
      result.synthetic_y.reserve(static_cast<size_t>(total));
    } else {
      result.synthetic.resize(0, input.X.cols());
      result.kept.resize(result.kept.size() + static_cast<size_t>(total));
    }
    nlohmann::json classes = nlohmann::json::object();
    int64_t next = 0;
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      const std::vector<uint32_t> rows = rows_of_class(input.y, cls);
      const uint64_t stream = over::derive_seed(ctx.seed, 2, static_cast<uint64_t>(cls));
      if (smoothed) {
        const std::vector<double> h = bandwidths(input, rows);
        draw_smoothed(input, rows, h, n, stream, over::thread_count(ctx), result.synthetic, next);
        result.synthetic_y.insert(result.synthetic_y.end(), static_cast<size_t>(n), static_cast<uint8_t>(cls));
        classes[std::to_string(cls)] = {{"created", n}, {"noise_std", h}};
      } else {
        draw_indices(rows, n, stream, std::span(result.kept).subspan(static_cast<size_t>(input.X.rows() + next)));
        classes[std::to_string(cls)] = {{"repeated", n}};
      }
      next += n;
    }
    result.report = count_report(input, result, target);
    result.report["shrinkage"] = smoothed ? nlohmann::json(params_.shrinkage) : nlohmann::json(nullptr);
    result.report["classes"] = classes;
    return result;
  }

 private:
  // Per column: the noise std (0 for categorical columns).
  std::vector<double> bandwidths(const ResampleInput& input, const std::vector<uint32_t>& rows) const {
    const Eigen::Index p = input.X.cols();
    const int numeric = static_cast<int>(p) - over::count_categorical(input);
    const double n = static_cast<double>(input.X.rows());
    const double constant = std::pow(4.0 / ((numeric + 2) * n), 1.0 / (numeric + 4));
    std::vector<double> h(static_cast<size_t>(p), 0.0);
    for (Eigen::Index c = 0; c < p; ++c) {
      if (!input.categorical.empty() && input.categorical[static_cast<size_t>(c)]) continue;
      double mean = 0, var = 0;
      for (uint32_t r : rows) mean += input.X(r, c);
      mean /= static_cast<double>(rows.size());
      for (uint32_t r : rows) var += (input.X(r, c) - mean) * (input.X(r, c) - mean);
      h[static_cast<size_t>(c)] = params_.shrinkage * constant * std::sqrt(var / static_cast<double>(rows.size()));
    }
    return h;
  }

  static void draw_indices(const std::vector<uint32_t>& rows, int64_t n, uint64_t stream, std::span<uint32_t> out) {
    for (int64_t b = 0; b < over::block_count(n); ++b) {
      Rng rng(over::derive_seed(stream, 0, static_cast<uint64_t>(b)));
      const int64_t end = std::min(n, (b + 1) * over::kBlockRows);
      for (int64_t i = b * over::kBlockRows; i < end; ++i) out[static_cast<size_t>(i)] = rows[rng.below(rows.size())];
    }
  }

  static void draw_smoothed(const ResampleInput& input, const std::vector<uint32_t>& rows, const std::vector<double>& h,
                            int64_t n, uint64_t stream, int threads, RowMatrix& out, int64_t first) {
    const Eigen::Index p = input.X.cols();
    const int64_t blocks = over::block_count(n);
#pragma omp parallel for schedule(static) num_threads(threads) if (blocks > 1)
    for (int64_t b = 0; b < blocks; ++b) {
      Rng rng(over::derive_seed(stream, 0, static_cast<uint64_t>(b)));
      const int64_t end = std::min(n, (b + 1) * over::kBlockRows);
      for (int64_t i = b * over::kBlockRows; i < end; ++i) {
        const double* x = input.X.row(rows[rng.below(rows.size())]).data();
        double* o = out.row(first + i).data();
        for (Eigen::Index c = 0; c < p; ++c) {
          const double sd = h[static_cast<size_t>(c)];
          o[c] = sd > 0 ? x[c] + sd * rng.normal() : x[c];
        }
      }
    }
  }

  RandomOverParams params_;
  SamplingStrategy strategy_;
};

}  // namespace

std::unique_ptr<Sampler> make_random_over_sampler(const nlohmann::json& params) {
  return std::make_unique<RandomOverSampler>(params_from_json<RandomOverParams>(params, random_over_table(), kName));
}

std::string random_over_sampler_help() { return params_help(random_over_table()); }

}  // namespace fraudkit::sampling
