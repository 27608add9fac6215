#include "sampling/under_support.h"

#include <string>

#include "fraudkit/error.h"
#include "sampling/sampler_support.h"

namespace fraudkit::sampling {

std::array<int64_t, 2> check_neighbour_input(const ResampleInput& input, std::string_view sampler) {
  const std::array<int64_t, 2> counts = class_counts(input);
  require_two_classes(counts, sampler);
  require_numeric(input, sampler, "one-hot encoding");
  require_finite(input, sampler);
  return counts;
}

void require_pool(int64_t needed, int64_t available, bool includes_self, std::string_view pool,
                  std::string_view sampler, std::string_view parameter) {
  if (needed <= available) return;
  const int64_t highest = includes_self ? available - 1 : available;
  throw DataError(std::string(sampler) + ": " + std::string(parameter) + " asks for " + std::to_string(needed) +
                  " rows of " + std::string(pool) + (includes_self ? " (the neighbours plus the row itself)" : "") +
                  " but there are only " + std::to_string(available) + "; lower " + std::string(parameter) +
                  " to at most " + std::to_string(std::max<int64_t>(highest, 0)));
}

SamplingStrategy parse_strategy_param(const std::string& text, std::string_view sampler) {
  try {
    return SamplingStrategy::parse(text);
  } catch (const UsageError& e) {
    throw UsageError(std::string(sampler) + ": " + e.what());
  }
}

KnnAlgorithm parse_algorithm_param(const std::string& text, std::string_view sampler) {
  try {
    return parse_knn_algorithm(text);
  } catch (const UsageError& e) {
    throw UsageError(std::string(sampler) + ": parameter 'knn_algorithm': " + e.what());
  }
}

KindSel parse_kind_sel(const std::string& text, std::string_view sampler) {
  if (text == "all") return KindSel::kAll;
  if (text == "mode") return KindSel::kMode;
  throw UsageError(std::string(sampler) + ": parameter 'kind_sel' = '" + text + "'; expected 'all' or 'mode'");
}

KnnOptions knn_options(KnnAlgorithm algorithm, const RunContext& ctx) {
  KnnOptions options;
  options.algorithm = algorithm;
  options.threads = ctx.threads;
  return options;
}

std::array<bool, 2> targeted_classes(const std::map<int, int64_t>& target) {
  return {target.count(0) > 0, target.count(1) > 0};
}

ResampleResult smote_then_clean(const ResampleInput& input, const RunContext& ctx, std::string_view sampler,
                                const nlohmann::json& smote_params, const Cleaner& clean) {
  const auto counts = check_neighbour_input(input, sampler);
  const SamplingStrategy strategy = parse_strategy_param(smote_params.value("sampling_strategy", "auto"), sampler);
  const auto target = resolve_sampling_strategy(strategy, counts, SamplingType::kOverSampling);

  ctx.report(std::string(sampler) + ": SMOTE");
  ResampleResult over = make_sampler("smote", smote_params)->fit_resample(input, ctx);
  // Memory: from here on SMOTE's created rows live only in `middle` (the input stays the
  // caller's); the survivors are copied out of `middle`, which goes before the report.
  Resampled middle = materialize(input, over);
  const std::vector<uint8_t> synthetic_y = std::move(over.synthetic_y);
  over.synthetic = RowMatrix();
  ctx.report(std::string(sampler) + ": cleaning SMOTE's output");
  const std::vector<uint32_t> survivors = clean(middle.X, middle.y);
  return_freed_memory();  // the cleaning's index, before the output is written

  ResampleResult out;
  const size_t originals = over.kept.size();
  size_t synthetic_kept = 0;
  for (uint32_t r : survivors) {
    if (r < originals) out.kept.push_back(over.kept[r]);
    else ++synthetic_kept;
  }
  out.synthetic.resize(static_cast<Eigen::Index>(synthetic_kept), input.X.cols());
  out.synthetic_y.reserve(synthetic_kept);
  int64_t before[2] = {0, 0}, after[2] = {0, 0};
  for (uint8_t v : middle.y) ++before[v];
  for (uint32_t r : survivors) {
    ++after[middle.y[r]];
    if (r < originals) continue;
    out.synthetic.row(static_cast<Eigen::Index>(out.synthetic_y.size())) = middle.X.row(r);
    out.synthetic_y.push_back(synthetic_y[r - originals]);
  }
  middle = Resampled();

  out.report = count_report(input, out, target);
  out.report["smote"] = over.report;
  out.report["cleaning_removed"] = {{"0", before[0] - after[0]}, {"1", before[1] - after[1]}};
  out.report["synthetic_removed"] = synthetic_y.size() - synthetic_kept;
  return out;
}

}  // namespace fraudkit::sampling
