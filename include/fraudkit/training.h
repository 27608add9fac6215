#pragma once
// The training spine: stratified train / validation / test split, preprocessing and the
// classifier fitted on train only, scores on validation, a threshold policy tuned there and
// frozen, then the test part scored exactly once. Returns the deployable Model and a JSON
// report of every number and decision (the "model card").
#include <string>

#include <nlohmann/json.hpp>

#include "fraudkit/class_weight.h"
#include "fraudkit/dataset.h"
#include "fraudkit/metrics.h"
#include "fraudkit/model.h"
#include "fraudkit/run_context.h"
#include "fraudkit/split.h"
#include "fraudkit/threshold.h"

namespace fraudkit {

struct TrainOptions {
  SplitRatios split;                               // train / validation / test fractions
  std::string model = "logistic_regression";       // registry name (classifier.h)
  nlohmann::json model_params = nlohmann::json::object();
  ClassWeight class_weight;                        // none / balanced / explicit
  // Optional resampler (sampler.h registry name, e.g. "smote"), applied to the preprocessed
  // training rows only, at fit time only; "" = none. Class weights are then computed on the
  // resampled labels, as a scikit-learn classifier inside an imbalanced-learn Pipeline sees them.
  std::string sampler;
  nlohmann::json sampler_params = nlohmann::json::object();
  PreprocessParams preprocess;
  ThresholdPolicy policy;                          // tuned on validation
  double report_beta = 2.0;                        // the F-beta printed beside F1
  CostMatrix cost{};                               // for expected cost in the report
  int64_t review_k = -1;                           // precision@k; -1 = positives in the part
};

struct TrainOutcome {
  Model model;
  nlohmann::json report;  // data, split, preprocessing, fit, threshold, validation, test
};

TrainOutcome train_model(const Dataset& data, const TrainOptions& options, const RunContext& ctx);
// The same on a split the caller made (a time-based split, a fold): train rows are fitted,
// validation rows tune the threshold, test rows are scored once. options.split is ignored.
TrainOutcome train_on_split(const Dataset& data, const TrainValTest& split, const TrainOptions& options,
                            const RunContext& ctx);

// Metrics of a saved model on labelled data at its frozen threshold (the `evaluate` command).
nlohmann::json evaluate_model(const Model& model, const Dataset& data, const MetricOptions& options);

}  // namespace fraudkit
