#include "sampling/over_common.h"

#include <omp.h>

#include <cmath>
#include <string>

#include "fraudkit/error.h"
#include "sampling/sampler_support.h"

namespace fraudkit::sampling::over {

std::span<const ParamSpec<SmoteParams>> smote_param_table() {
  using P = SmoteParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy, .help = kStrategyHelp},
      {"k_neighbors", &P::k_neighbors, 1, 1000000,
       "nearest same-class rows a new row may be interpolated toward (the row itself excluded)"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm, .help = kAlgorithmHelp},
  };
  return table;
}

SmoteFamilySampler::SmoteFamilySampler(const char* name, SmoteParams params)
    : name_(name),
      params_(std::move(params)),
      strategy_(parse_strategy(params_.sampling_strategy, name)),
      algorithm_(parse_algorithm(params_.knn_algorithm, name)) {}

nlohmann::json SmoteFamilySampler::params_to_json() const {
  return fraudkit::params_to_json(params_, smote_param_table());
}

std::map<int, int64_t> SmoteFamilySampler::resolve_target(const std::array<int64_t, 2>& counts) const {
  auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kOverSampling);
  for (const auto& [cls, n] : target)
    if (n > 0) require_neighbours(params_.k_neighbors + 1, counts[static_cast<size_t>(cls)], cls, name_, "k_neighbors");
  return target;
}

SamplingStrategy parse_strategy(const std::string& text, std::string_view sampler) {
  try {
    return SamplingStrategy::parse(text);
  } catch (const UsageError& e) {
    throw UsageError(std::string(sampler) + ": " + e.what());
  }
}

KnnAlgorithm parse_algorithm(const std::string& text, std::string_view sampler) {
  try {
    return parse_knn_algorithm(text);
  } catch (const UsageError& e) {
    throw UsageError(std::string(sampler) + ": parameter 'knn_algorithm': " + e.what());
  }
}

KnnOptions knn_options(KnnAlgorithm algorithm, const RunContext& ctx) {
  KnnOptions options;
  options.algorithm = algorithm;
  options.threads = ctx.threads;
  return options;
}

int64_t total_to_create(const std::map<int, int64_t>& target) {
  int64_t total = 0;
  for (const auto& [cls, n] : target) total += n;
  return total;
}

int count_categorical(const ResampleInput& input) {
  int n = 0;
  for (uint8_t c : input.categorical) n += c ? 1 : 0;
  return n;
}

void require_codes(const ResampleInput& input, std::string_view sampler) {
  const RowMatrix& X = input.X;
  for (size_t c = 0; c < input.categorical.size(); ++c) {
    if (!input.categorical[c]) continue;
    const auto col = static_cast<Eigen::Index>(c);
    for (Eigen::Index r = 0; r < X.rows(); ++r) {
      const double v = X(r, col);
      if (v >= 0 && v < 2147483648.0 && v == std::floor(v)) continue;
      const std::string name = c < input.feature_names.size() ? "'" + input.feature_names[c] + "'"
                                                              : "#" + std::to_string(c);
      if (std::isnan(v) || v == -1)
        throw DataError(std::string(sampler) + ": categorical column " + name + " has a missing value at row " +
                        std::to_string(r) + "; " + std::string(sampler) +
                        " needs complete data: impute missing values first (e.g. the most frequent category)");
      throw DataError(std::string(sampler) + ": categorical column " + name + " holds " + std::to_string(v) +
                      " at row " + std::to_string(r) + "; expected a category code 0, 1, 2, ...");
    }
  }
}

int minority_class(const ResampleInput& input, const std::array<int64_t, 2>& counts) {
  if (counts[0] != counts[1]) return counts[0] < counts[1] ? 0 : 1;
  return input.y.empty() ? 0 : input.y[0];
}

uint64_t derive_seed(uint64_t seed, uint64_t purpose, uint64_t index) {
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(seed) ^ purpose) ^ index);
}

int thread_count(const RunContext& ctx) { return ctx.threads > 0 ? ctx.threads : omp_get_max_threads(); }

}  // namespace fraudkit::sampling::over
