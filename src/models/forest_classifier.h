#pragma once
// Adapts RandomForest to the Classifier interface (registry name "random_forest").
// Threads: OpenMP's setting (OMP_NUM_THREADS, --threads); the model does not depend on it.
#include <omp.h>

#include "fraudkit/classifier.h"
#include "models/random_forest.h"
#include "models/tree_shap.h"

namespace fraudkit {

class ForestClassifier final : public Classifier {
 public:
  explicit ForestClassifier(models::ForestParams params) : params_(std::move(params)) {}
  ForestClassifier(models::ForestParams params, models::RandomForest model)
      : params_(std::move(params)), model_(std::move(model)) {}

  std::string type_name() const override { return "random_forest"; }
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> row_weights) override {
    model_.fit(X, y, row_weights, params_, threads());
  }
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const override {
    return model_.predict_proba(X, threads());
  }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(params_, models::forest_param_table());
  }
  nlohmann::json state_to_json() const override { return model_.state_to_json(); }
  nlohmann::json fit_report() const override {
    size_t leaves = 0;
    for (const auto& tree : model_.trees()) leaves += static_cast<size_t>(tree.leaves());
    nlohmann::json r = {{"trees", model_.trees().size()}, {"leaves", leaves}};
    if (!model_.oob().empty()) r["oob"] = model_.oob();
    return r;
  }
  Eigen::MatrixXd contributions(const Eigen::MatrixXd& X) const override {
    if (X.cols() != model_.features()) return model_.predict_proba(X);  // throws the column-count error
    return models::ensemble_contributions(model_.trees(), X, 0.0, 1.0 / static_cast<double>(model_.trees().size()),
                                          threads());
  }
  std::string contribution_scale() const override { return "probability"; }
  const models::RandomForest& model() const { return model_; }

 private:
  static int threads() { return omp_in_parallel() ? 1 : omp_get_max_threads(); }
  models::ForestParams params_;
  models::RandomForest model_;
};

}  // namespace fraudkit
