#pragma once
// Random forest classifier with scikit-learn 1.2's RandomForestClassifier semantics: each tree
// (forest_tree.h) is grown on a bootstrap sample (rows drawn with replacement; a row drawn k
// times weighs k), looking at max_features features per split; the forest's probability is
// the mean of its trees' leaf probabilities. class_weight "balanced_subsample" reweights each
// tree's bootstrap sample so both classes weigh the same in it ("balanced" over the whole
// training set comes from the caller's row weights, class_weight.h).
// The out-of-bag score averages, for every row, the trees that did not draw it, and reports
// that prediction's AP and ROC-AUC (scikit-learn's oob_score_ is accuracy, which says little
// at fraud prevalence).
// Trees are grown in parallel, each from its own seeded stream (seed, tree index), so the
// forest does not depend on the thread count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/param_table.h"
#include "models/histogram_tree.h"
#include "models/packed_trees.h"

namespace fraudkit::models {

struct ForestParams {
  int trees = 100;
  std::string max_features = "sqrt";  // per split: sqrt, log2, all, a fraction (0, 1) or a count
  int max_depth = 0;                  // 0 = grow until pure
  int min_samples_leaf = 1;
  bool bootstrap = true;              // false: every tree sees every row
  double max_samples = 1.0;           // rows drawn per tree, as a fraction of the training rows
  std::string class_weight = "none";  // none or balanced_subsample
  bool oob_score = false;             // report the out-of-bag AP and ROC-AUC
  std::string splitter = "exact";     // exact (scikit-learn's midpoints) or histogram (bin edges)
  int max_bins = 255;                 // bins per feature with splitter histogram
  int seed = 0;
};
std::span<const ParamSpec<ForestParams>> forest_param_table();

// The number of features max_features names for a data set of `features` columns; throws
// UsageError for text that is none of the accepted forms.
int resolve_max_features(const std::string& max_features, int features);

class RandomForest {
 public:
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> weights,
           const ForestParams& params, int threads);
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X, int threads = 1) const;
  // The probability for one row of features() contiguous values (the serving path).
  double predict_proba_row(const double* row) const;

  const std::vector<HistogramTree>& trees() const { return trees_; }
  int features() const { return features_; }
  // Filled when fitted with oob_score: {"rows_scored", "average_precision", "roc_auc"}.
  const nlohmann::json& oob() const { return oob_; }

  nlohmann::json state_to_json() const;
  static RandomForest from_json(const nlohmann::json& state);

 private:
  int features_ = 0;
  std::vector<HistogramTree> trees_;
  PackedTrees packed_;  // trees_ in scoring form
  nlohmann::json oob_ = nlohmann::json::object();
};

}  // namespace fraudkit::models
