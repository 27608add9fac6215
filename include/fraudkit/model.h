#pragma once
// A trained, deployable model: input schema -> fitted preprocessing -> classifier -> frozen
// decision threshold, plus the training metadata. This is what an artifact holds and what
// `evaluate`, `predict` (and later the server) load.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fraudkit/classifier.h"
#include "fraudkit/csv.h"
#include "fraudkit/dataset.h"
#include "fraudkit/preprocess.h"
#include "fraudkit/threshold.h"

namespace fraudkit {

// One reason code: a (preprocessed) feature and its contribution to the row's raw score.
struct Reason {
  std::string feature;  // output feature name, e.g. "amount" or "merchant_category=online"
  double contribution = 0;
};

struct Model {
  Preprocessor preprocess;
  std::unique_ptr<Classifier> classifier;
  double threshold = 0.5;     // flag when score >= threshold; tuned on validation, then frozen
  ThresholdPolicy policy;     // the policy that chose `threshold`
  std::string target_name;    // label column of the training data
  std::string positive_label, negative_label;
  nlohmann::json metadata = nlohmann::json::object();  // training metadata (see training.h)

  // Scores `rows` of `data` (columns matched by name). stats: preprocessing surprises.
  std::vector<double> score(const Dataset& data, std::span<const uint32_t> rows,
                            TransformStats* stats = nullptr) const;
  // The top_k features of each row by |contribution| to its raw score, largest first (ties:
  // feature order). Throws UsageError when the classifier has no explanations.
  std::vector<std::vector<Reason>> explain(const Dataset& data, std::span<const uint32_t> rows, int top_k) const;
  // CSV options to read new data the way the model was trained: categorical columns declared
  // as such, the training target column (if present in the file) and its positive label.
  CsvOptions csv_options(bool with_target) const;
};

}  // namespace fraudkit
