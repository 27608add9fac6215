#include "fraudkit/cross_validation.h"

#include <algorithm>
#include <cmath>

#include "fraudkit/error.h"
#include "fraudkit/resample_dataset.h"
#include "fraudkit/sampler.h"
#include "fraudkit/split.h"

namespace fraudkit {
namespace {

// The per-fold numbers summarised over folds.
const char* const kSummaryMetrics[] = {"average_precision", "roc_auc", "mcc",    "f_beta", "f1",
                                       "precision",         "recall",  "threshold", "expected_cost"};

nlohmann::json summarise(const nlohmann::json& folds) {
  nlohmann::json summary = nlohmann::json::object();
  for (const char* name : kSummaryMetrics) {
    std::vector<double> v;
    for (const auto& f : folds)
      if (f.contains(name) && f[name].is_number()) v.push_back(f[name].get<double>());
    if (v.empty()) continue;
    double mean = 0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    summary[name] = {{"mean", mean},
                     {"std", std::sqrt(ss / static_cast<double>(v.size()))},
                     {"min", *std::min_element(v.begin(), v.end())},
                     {"max", *std::max_element(v.begin(), v.end())},
                     {"folds", v.size()}};
  }
  return summary;
}

void check_options(const CvOptions& cv) {
  if (cv.folds < 2) throw UsageError("cross-validation: folds = " + std::to_string(cv.folds) + "; expected at least 2");
  if (cv.repeats < 1) throw UsageError("cross-validation: repeats = " + std::to_string(cv.repeats) + "; expected at least 1");
  if (cv.inner_folds < 2)
    throw UsageError("cross-validation: inner_folds = " + std::to_string(cv.inner_folds) + "; expected at least 2");
}

}  // namespace

nlohmann::json cross_validate(const Dataset& data, const TrainOptions& options, const CvOptions& cv,
                              const RunContext& ctx) {
  check_options(cv);
  if (!data.has_target()) throw UsageError("cross-validation needs a labelled dataset (--target)");
  nlohmann::json folds = nlohmann::json::array();
  const RowSet all = data.all_rows();
  for (int r = 0; r < cv.repeats; ++r) {
    const uint64_t seed = ctx.seed + static_cast<uint64_t>(r);
    const std::vector<Fold> outer = stratified_kfold(data, all, cv.folds, /*shuffle=*/true, seed);
    for (size_t f = 0; f < outer.size(); ++f) {
      ctx.report("repeat " + std::to_string(r + 1) + "/" + std::to_string(cv.repeats) + ", fold " +
                 std::to_string(f + 1) + "/" + std::to_string(outer.size()));
      // Threshold slice: the first of inner_folds stratified folds of the training part.
      const std::vector<Fold> inner = stratified_kfold(data, outer[f].train, cv.inner_folds, true, seed);
      TrainValTest split{inner[0].train, inner[0].test, outer[f].test};
      RunContext fold_ctx = ctx;
      fold_ctx.progress = nullptr;
      fold_ctx.seed = seed;
      const TrainOutcome out = train_on_split(data, split, options, fold_ctx);
      const nlohmann::json& test = out.report["test"];
      nlohmann::json row = {{"repeat", r},
                            {"fold", f},
                            {"train_rows", split.train.size()},
                            {"threshold_rows", split.validation.size()},
                            {"test_rows", split.test.size()},
                            {"test_positives", test["positives"]},
                            {"threshold", out.model.threshold},
                            {"fit_seconds", out.report["model"]["fit_seconds"]}};
      for (const char* name : {"average_precision", "roc_auc", "mcc", "f_beta", "f1", "precision", "recall",
                               "expected_cost"})
        row[name] = test[name];
      if (!out.report["sampler"].is_null()) row["sampler"] = out.report["sampler"]["report"];
      folds.push_back(std::move(row));
    }
  }
  return {{"folds", folds},
          {"summary", summarise(folds)},
          {"options", {{"folds", cv.folds}, {"repeats", cv.repeats}, {"inner_folds", cv.inner_folds},
                       {"seed", ctx.seed}, {"beta", options.report_beta}, {"policy", options.policy.spec()}}},
          {"pipeline", {{"sampler", options.sampler.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.sampler)},
                        {"sampler_params", options.sampler_params},
                        {"model", options.model},
                        {"model_params", options.model_params},
                        {"class_weight", options.class_weight.spec()},
                        {"preprocess", params_to_json(options.preprocess, preprocess_param_table())}}}};
}

nlohmann::json leakage_demonstration(const Dataset& data, const TrainOptions& options, const CvOptions& cv,
                                     const RunContext& ctx) {
  if (options.sampler.empty())
    throw UsageError("the leakage demonstration needs a sampler in the pipeline (e.g. scale,smote,logreg)");
  nlohmann::json honest = cross_validate(data, options, cv, ctx);

  ctx.report("leaky variant: resampling the whole dataset before splitting");
  const auto sampler = make_sampler(options.sampler, options.sampler_params);
  const DatasetResampling leaked = resample_dataset(data, data.all_rows(), *sampler, ctx);
  TrainOptions leaky_options = options;
  leaky_options.sampler.clear();
  nlohmann::json leaky = cross_validate(leaked.data, leaky_options, cv, ctx);

  const double gap = leaky["summary"]["average_precision"]["mean"].get<double>() -
                     honest["summary"]["average_precision"]["mean"].get<double>();
  return {{"honest", honest},
          {"leaky", leaky},
          {"leaky_rows", leaked.data.rows()},
          {"average_precision_gap", gap},
          {"note", "leaky = " + options.sampler +
                       " applied to all rows before cross-validation, so test folds hold synthetic rows "
                       "interpolated from training rows (and vice versa); its scores are optimistic and must "
                       "not be reported. honest = the sampler inside the pipeline, fitted on each training "
                       "part only."}};
}

}  // namespace fraudkit
