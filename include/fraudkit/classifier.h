#pragma once
// The classifier interface every model implements, and the registry that maps each model's
// stable type name (used by the CLI, configs and the artifact loader) to its factory. Adding a
// model = implementing Classifier + one row in src/models/registry.cc.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/preprocess.h"

namespace fraudkit {

class Classifier {
 public:
  virtual ~Classifier() = default;
  // Stable registry name, e.g. "logistic_regression".
  virtual std::string type_name() const = 0;
  // X: rows x features (preprocessed). row_weights: class weight x sample weight (empty = 1).
  virtual void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                   std::span<const double> row_weights) = 0;
  // Probability of class 1 (higher = more suspicious), one per row.
  virtual Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const = 0;
  // Hyperparameters and learned state, saved separately in the artifact.
  virtual nlohmann::json params_to_json() const = 0;
  virtual nlohmann::json state_to_json() const = 0;
  // What the fit did (iterations, convergence, ...), for reports.
  virtual nlohmann::json fit_report() const = 0;
  // Per row, each feature's contribution to the raw score, then a last column with the
  // baseline: the row's raw score is their sum. Raw score = contribution_scale(): "log-odds"
  // for logistic regression (coefficient x standardised value) and gradient boosting
  // (TreeSHAP), "probability" for random forest (TreeSHAP). Models without explanations
  // throw UsageError.
  virtual Eigen::MatrixXd contributions(const Eigen::MatrixXd& X) const;
  virtual std::string contribution_scale() const { return ""; }
  // Told before fit where X's one-hot columns of each categorical input are. Models that split
  // on sets of categories (gradient boosting) fold each block back into one categorical
  // feature; the others see the 0/1 columns and ignore this.
  virtual void set_one_hot_blocks(std::span<const OneHotBlock> blocks) { (void)blocks; }
};

struct ClassifierInfo {
  std::string name;         // stable type name
  std::string description;  // one line for --help
  std::string params_help;  // parameter table rendered for --help
};

// New, unfitted classifier; params are range-checked. Unknown names throw UsageError listing
// the known ones.
std::unique_ptr<Classifier> make_classifier(const std::string& name, const nlohmann::json& params);
// A fitted classifier from an artifact. Unknown names throw ArtifactError listing known ones.
std::unique_ptr<Classifier> load_classifier(const std::string& name, const nlohmann::json& params,
                                            const nlohmann::json& state);
std::vector<ClassifierInfo> registered_classifiers();

}  // namespace fraudkit
