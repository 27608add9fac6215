#pragma once
// Adapts LogisticRegression to the Classifier interface.
#include "fraudkit/classifier.h"
#include "fraudkit/logistic_regression.h"

namespace fraudkit {

class LogisticClassifier final : public Classifier {
 public:
  explicit LogisticClassifier(LogisticRegression model) : model_(std::move(model)) {}
  std::string type_name() const override { return "logistic_regression"; }
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
           std::span<const double> row_weights) override {
    model_.fit(X, y, row_weights);
  }
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const override {
    return model_.predict_proba(X);
  }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(model_.params(), logistic_param_table());
  }
  nlohmann::json state_to_json() const override { return model_.state_to_json(); }
  nlohmann::json fit_report() const override { return model_.report().to_json(); }
  // Exact: coefficient x (preprocessed, standardised) value, baseline the intercept.
  Eigen::MatrixXd contributions(const Eigen::MatrixXd& X) const override {
    Eigen::MatrixXd out(X.rows(), X.cols() + 1);
    out.leftCols(X.cols()) = X.array().rowwise() * model_.coef().transpose().array();
    out.col(X.cols()).setConstant(model_.intercept());
    return out;
  }
  std::string contribution_scale() const override { return "log-odds"; }
  const LogisticRegression& model() const { return model_; }

 private:
  LogisticRegression model_;
};

}  // namespace fraudkit
