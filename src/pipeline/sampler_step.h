#pragma once
// The optional resampling step of a training pipeline: preprocessed training rows in, the rows
// the classifier is fitted on out. Runs at fit time only; nothing at scoring time resamples.
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/preprocess.h"
#include "fraudkit/run_context.h"
#include "fraudkit/sampler.h"

namespace fraudkit::pipeline_detail {

struct FitRows {
  Eigen::MatrixXd X;
  std::vector<uint8_t> y;
  std::vector<double> sample_weights;  // empty = all 1
  nlohmann::json report;               // the sampler's report
};

// Resamples preprocessed training rows. SMOTENC / SMOTEN need categorical columns as such, so
// for them each one-hot block is folded back into one code column before resampling and
// expanded again afterwards; every other sampler sees the matrix the classifier will see
// (one-hot columns as numbers), as in an imbalanced-learn Pipeline after a ColumnTransformer.
// Kept rows keep their sample weight; synthetic rows get weight 1.
FitRows resample_fit_rows(const Preprocessor& preprocess, const Eigen::MatrixXd& X,
                          const std::vector<uint8_t>& y, const std::vector<double>& sample_weights,
                          const Sampler& sampler, const RunContext& ctx);

}  // namespace fraudkit::pipeline_detail
