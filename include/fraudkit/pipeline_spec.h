#pragma once
// A pipeline written as text, as on `fraudkit cv --pipeline "scale,smote,logreg"`: transformer
// steps, at most one sampler, then exactly one classifier, in that order.
//   transformers: impute (median imputation; always on), onehot (categorical columns; always
//                 on), scale (standardise numeric columns; off unless listed),
//                 indicator (0/1 missing-value columns)
//   sampler:      any sampler.h registry name (smote, adasyn, tomek, ...)
//   classifier:   logreg (= logistic_regression), logreg_balanced (with class_weight
//                 balanced), or any classifier.h registry name
#include <string>

#include "fraudkit/training.h"

namespace fraudkit {

// Sets options.preprocess, options.sampler, options.model (and class_weight for
// logreg_balanced) from `spec`. Throws UsageError naming the offending step and listing the
// known ones, for an unknown step, two samplers or classifiers, a missing classifier, or a
// step after the classifier.
void apply_pipeline_spec(const std::string& spec, TrainOptions& options);

// The canonical text of options' pipeline, e.g. "impute,scale,onehot,smote,logistic_regression".
std::string describe_pipeline(const TrainOptions& options);

}  // namespace fraudkit
