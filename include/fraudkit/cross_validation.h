#pragma once
// Stratified (repeated) k-fold cross-validation of a whole training pipeline. In every fold
// the pipeline (preprocessing, optional sampler, classifier) is fitted on the fold's training
// part only; a stratified slice of that training part (1/inner_folds of it) is held out to
// tune the decision threshold; the fold's test part is scored once. So neither the sampler
// nor any transformer ever sees a test row, and the threshold is never tuned on test.
#include <nlohmann/json.hpp>

#include "fraudkit/dataset.h"
#include "fraudkit/run_context.h"
#include "fraudkit/training.h"

namespace fraudkit {

struct CvOptions {
  int folds = 5;        // k of the stratified k-fold, >= 2
  int repeats = 1;      // repetitions with fresh shuffles (repeated stratified k-fold), >= 1
  int inner_folds = 4;  // the threshold is tuned on 1/inner_folds of each training part, >= 2
};

// Returns {"folds": [{repeat, fold, rows..., threshold, average_precision, roc_auc, mcc,
// f_beta, f1, precision, recall, ...}], "summary": {metric: {mean, std, min, max}}, ...}.
// std is the population standard deviation over folds (numpy's default).
// Folds of repeat r are shuffled with seed ctx.seed + r.
nlohmann::json cross_validate(const Dataset& data, const TrainOptions& options, const CvOptions& cv,
                              const RunContext& ctx);

// The classic leakage demonstration: the same cross-validation run twice, once honestly (the
// sampler inside the pipeline, fitted on each training part) and once the leaky way (the
// sampler applied to the whole dataset first, so synthetic rows built from test rows land in
// training parts and synthetic rows land in test parts). Returns {"honest": ..., "leaky": ...,
// "average_precision_gap": leaky - honest mean AP}. Needs options.sampler.
nlohmann::json leakage_demonstration(const Dataset& data, const TrainOptions& options, const CvOptions& cv,
                                     const RunContext& ctx);

}  // namespace fraudkit
