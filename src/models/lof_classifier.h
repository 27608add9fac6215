#pragma once
// Adapts LocalOutlierFactor (novelty mode) to the Classifier interface (registry name
// "local_outlier_factor"). Unsupervised: fit ignores labels and weights, and says so.
#include <omp.h>

#include "fraudkit/classifier.h"
#include "models/local_outlier_factor.h"

namespace fraudkit {

class LofClassifier final : public Classifier {
 public:
  explicit LofClassifier(models::LofParams params) : params_(params) {}
  LofClassifier(models::LofParams params, models::LocalOutlierFactor model)
      : params_(params), model_(std::move(model)) {}

  std::string type_name() const override { return "local_outlier_factor"; }
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t>, std::span<const double>) override {
    model_.fit(X, params_, threads());
  }
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const override { return model_.score(X); }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(params_, models::lof_param_table());
  }
  nlohmann::json state_to_json() const override { return model_.state_to_json(); }
  nlohmann::json fit_report() const override {
    return {{"neighbors", model_.neighbors()},
            {"training_rows_kept", model_.training_rows()},
            {"score", "LOF / (1 + LOF)"},
            {"note", "unsupervised: labels, class weights and row weights are not used in fitting"}};
  }

 private:
  static int threads() { return omp_in_parallel() ? 1 : omp_get_max_threads(); }
  models::LofParams params_;
  models::LocalOutlierFactor model_;
};

}  // namespace fraudkit
