#pragma once
// Histogram gradient boosting for binary log-loss (XGBoost "hist" with lossguide growth): the
// features are binned once (feature_binning.h), then each round fits one leaf-wise tree
// (histogram_tree.h) to the gradients p - y and hessians p (1 - p) of the current margins,
// weighted per row, and adds learning_rate times its leaf values to the margins.
// The first margin is the log-odds of the weighted positive rate (XGBoost 1.7 starts from
// base_score 0.5 unless told; the parity oracle passes it the same rate).
// Internal to the tree models (src/models); not part of the public API yet.
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "models/feature_binning.h"
#include "models/histogram_tree.h"

namespace fraudkit::models {

struct BoostingParams {
  int rounds = 100;             // trees
  double learning_rate = 0.1;   // scales each tree's leaf values
  int max_bins = 255;           // bins for non-missing values per feature
  TreeParams tree;              // max_leaves, max_depth, lambda, min_child_weight, min_samples_leaf
  double scale_pos_weight = 1;  // multiplies every positive row's weight (XGBoost's parameter)
};

class GradientBoosting {
 public:
  // y in {0, 1}; `weights` empty (all 1) or one positive weight per row; NaN = missing.
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> weights,
           const BoostingParams& params, int threads);
  // Margins (log-odds) and probabilities for raw rows.
  Eigen::VectorXd decision_function(const Eigen::MatrixXd& X) const;
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const;

  const std::vector<HistogramTree>& trees() const { return trees_; }
  double base_margin() const { return base_margin_; }
  // Weighted log-loss on the training rows after each round (for reports and tests).
  const std::vector<double>& training_loss() const { return training_loss_; }

 private:
  double base_margin_ = 0;
  double learning_rate_ = 0.1;
  int features_ = 0;
  std::vector<HistogramTree> trees_;
  std::vector<double> training_loss_;
};

}  // namespace fraudkit::models
