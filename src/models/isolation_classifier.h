#pragma once
// Adapts IsolationForest to the Classifier interface (registry name "isolation_forest"). The
// model is unsupervised: fit ignores the labels and row weights (class weights too), and
// fit_report says so. The "probability" it returns is the anomaly score in (0, 1].
#include <omp.h>

#include "fraudkit/classifier.h"
#include "models/isolation_forest.h"

namespace fraudkit {

class IsolationClassifier final : public Classifier {
 public:
  explicit IsolationClassifier(models::IsolationParams params) : params_(std::move(params)) {}
  IsolationClassifier(models::IsolationParams params, models::IsolationForest model)
      : params_(std::move(params)), model_(std::move(model)) {}

  std::string type_name() const override { return "isolation_forest"; }
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t>, std::span<const double>) override {
    model_.fit(X, params_, threads());
  }
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const override { return model_.score(X, threads()); }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(params_, models::isolation_param_table());
  }
  nlohmann::json state_to_json() const override { return model_.state_to_json(); }
  nlohmann::json fit_report() const override {
    return {{"trees", model_.trees().size()},
            {"samples_per_tree", model_.samples_per_tree()},
            {"default_threshold", model_.default_threshold()},
            {"note", "unsupervised: labels, class weights and row weights are not used in fitting"}};
  }

 private:
  static int threads() { return omp_in_parallel() ? 1 : omp_get_max_threads(); }
  models::IsolationParams params_;
  models::IsolationForest model_;
};

}  // namespace fraudkit
