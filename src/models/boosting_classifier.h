#pragma once
// Adapts GradientBoosting to the Classifier interface (registry name "gradient_boosting").
// Threads: OpenMP's setting (OMP_NUM_THREADS, --threads); the model does not depend on it.
#include <omp.h>

#include "fraudkit/classifier.h"
#include "models/gradient_boosting.h"
#include "models/tree_shap.h"

namespace fraudkit {

class BoostingClassifier final : public Classifier {
 public:
  explicit BoostingClassifier(models::BoostingParams params) : params_(std::move(params)) {}
  BoostingClassifier(models::BoostingParams params, models::GradientBoosting model)
      : params_(std::move(params)), model_(std::move(model)) {}

  std::string type_name() const override { return "gradient_boosting"; }
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> row_weights) override {
    model_.fit(X, y, row_weights, params_, threads());
  }
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const override {
    return model_.predict_proba(X, threads());
  }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(params_, models::boosting_param_table());
  }
  nlohmann::json state_to_json() const override { return model_.state_to_json(); }
  nlohmann::json fit_report() const override {
    nlohmann::json r = {{"trees", model_.trees().size()},
                        {"base_margin", model_.base_margin()},
                        {"training_logloss", model_.training_loss()}};
    if (!model_.validation_score().empty()) {
      r["early_stopping"] = {{"metric", params_.early_stopping_metric},
                             {"rounds_grown", model_.validation_score().size()},
                             {"best_rounds", model_.trees().size()},
                             {"best_score", model_.validation_score()[model_.trees().size() - 1]}};
    }
    return r;
  }
  Eigen::MatrixXd contributions(const Eigen::MatrixXd& X) const override {
    if (X.cols() != model_.features()) return model_.decision_function(X);  // throws the column-count error
    return models::ensemble_contributions(model_.trees(), X, model_.base_margin(), model_.learning_rate(), threads());
  }
  std::string contribution_scale() const override { return "log-odds"; }
  const models::GradientBoosting& model() const { return model_; }

 private:
  static int threads() { return omp_in_parallel() ? 1 : omp_get_max_threads(); }
  models::BoostingParams params_;
  models::GradientBoosting model_;
};

}  // namespace fraudkit
