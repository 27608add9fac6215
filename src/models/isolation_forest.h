#pragma once
// Isolation forest with scikit-learn 1.2's IsolationForest semantics (Liu, Ting and Zhou):
// each tree is grown on max_samples rows drawn without replacement (256 or all, the default
// "auto"), splitting a node on one random non-constant feature at a threshold drawn uniformly
// between the node's min and max of it, until one row is left or the depth reaches
// ceil(log2(max_samples)). A row's path length in a tree is its leaf's depth plus c(n), the
// average path length of an unsuccessful search among the n training rows left in the leaf:
//   c(n) = 2 (ln(n - 1) + Euler's gamma) - 2 (n - 1) / n,  c(2) = 1,  c(1) = c(0) = 0.
// The score is 2^(-mean path length / c(max_samples)), in (0, 1], higher = more anomalous:
// scikit-learn's -score_samples. It is unsupervised: labels and row weights are not used.
// contamination only sets the default threshold (fit_report's "default_threshold"): "auto" is
// scikit-learn's 0.5, a fraction f the score above which f of the training rows lie.
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

struct IsolationParams {
  int trees = 100;
  int max_samples = 0;                 // rows per tree; 0 = "auto", min(256, rows)
  double max_features = 1.0;           // fraction of the features each tree may split on
  std::string contamination = "auto";  // auto or a fraction in (0, 0.5]: the default threshold only
  int seed = 0;
};
std::span<const ParamSpec<IsolationParams>> isolation_param_table();

// c(n) above.
double average_path_length(double n);

class IsolationForest {
 public:
  // Rows of X (NaN not allowed: impute first). Throws DataError for non-finite values.
  void fit(const Eigen::MatrixXd& X, const IsolationParams& params, int threads);
  // 2^(-E[path length] / c(max_samples)) per row.
  Eigen::VectorXd score(const Eigen::MatrixXd& X, int threads = 1) const;
  // The score of one row of contiguous feature values (the serving path).
  double score_row(const double* row) const;

  const std::vector<HistogramTree>& trees() const { return trees_; }
  int samples_per_tree() const { return samples_; }
  double default_threshold() const { return default_threshold_; }

  nlohmann::json state_to_json() const;
  static IsolationForest from_json(const nlohmann::json& state);

 private:
  int features_ = 0;
  int samples_ = 0;
  double default_threshold_ = 0.5;
  std::vector<HistogramTree> trees_;  // leaf values: depth + c(rows in the leaf)
  PackedTrees packed_;                // trees_ in scoring form
};

}  // namespace fraudkit::models
