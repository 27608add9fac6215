#pragma once
// L2-regularised logistic regression, scikit-learn semantics: minimises
//   C * sum_i w_i * logloss(y_i, sigmoid(x_i . coef + intercept)) + 0.5 * ||coef||^2
// (the intercept is not penalised), double precision, with a Newton solver (Cholesky on the
// Hessian, backtracking line search) that converges to the same optimum as scikit-learn's
// lbfgs at tight tolerance. Row weights come from class_weight.h (class weight x sample
// weight) and are passed in by the caller.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/param_table.h"

namespace fraudkit {

struct LogisticParams {
  double C = 1.0;            // inverse regularisation strength (scikit-learn's C)
  int max_iter = 100;        // Newton iterations
  double tol = 1e-8;         // stop when max |gradient| / (1 + max|coef|) < tol
  bool fit_intercept = true; // learn an unpenalised intercept
};
std::span<const ParamSpec<LogisticParams>> logistic_param_table();

struct ConvergenceReport {
  std::string solver = "newton-cholesky";
  int iterations = 0;
  bool converged = false;
  double gradient_norm = 0;  // max-abs gradient of the objective at the end
  double objective = 0;      // objective value at the end
  // One sentence saying why the solver stopped; when converged is false it says so and what
  // to try (more iterations, scaling the features, a smaller C).
  std::string message;
  nlohmann::json to_json() const;
};

class LogisticRegression {
 public:
  LogisticRegression() = default;
  explicit LogisticRegression(LogisticParams params);

  // X: rows x features. weights: per row (empty = all 1). Throws UsageError / DataError on
  // mismatched sizes, a single class, or non-finite inputs.
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> weights);
  // Probability of class 1 per row.
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const;
  // Probability of class 1 for one feature row (the serving path; no allocation).
  double predict_proba_row(std::span<const double> x) const;
  // Raw margin x . coef + intercept per row.
  Eigen::VectorXd decision_function(const Eigen::MatrixXd& X) const;

  const Eigen::VectorXd& coef() const { return coef_; }
  double intercept() const { return intercept_; }
  const LogisticParams& params() const { return params_; }
  const ConvergenceReport& report() const { return report_; }

  // Hyperparameters and learned state, separately (the artifact stores both).
  nlohmann::json state_to_json() const;
  static LogisticRegression from_json(const nlohmann::json& params, const nlohmann::json& state);

 private:
  LogisticParams params_;
  Eigen::VectorXd coef_;
  double intercept_ = 0;
  ConvergenceReport report_;
};

}  // namespace fraudkit
