#pragma once
// L2-regularised logistic regression, scikit-learn semantics: minimises
//   C * sum_i w_i * logloss(y_i, sigmoid(x_i . coef + intercept)) + 0.5 * ||coef||^2
// (the intercept is not penalised), double precision, with a Newton solver (Cholesky on the
// Hessian, backtracking line search) that converges to the same optimum as scikit-learn's
// lbfgs at tight tolerance. Row weights come from class_weight.h (class weight x sample
// weight) and are passed in by the caller.
#include <cstdint>
#include <functional>
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

// Building blocks of the solver, exposed so the tests can check the fast blocked kernel
// against a naive row-by-row reference. Not part of the stable API.
namespace logistic_detail {

// 1 / (1 + exp(-z)) without overflow for any finite z.
double sigmoid(double z);
// -(y log p + (1 - y) log(1 - p)) with p = sigmoid(z), computed as
// (max(z, 0) - y z) + log1p(exp(-|z|)) so it stays accurate where p rounds to 0 or 1.
double log_loss(double y, double z);

// The kernel's own vectorisable e^-a for a >= 0 (clamped at a = 708, e^-708 = 3.3e-308) and
// log(1 + e) for e in [0, 1]; libm's versions do not vectorise. Exposed for accuracy tests.
double kernel_exp_minus(double a);
double kernel_log1p_unit(double e);

// The data term of the objective, sum_i w_i logloss(y_i, z_i) with z = X coef + intercept,
// and its derivatives with respect to theta = (coef, intercept) (the intercept entry last and
// present only when fitting it).
struct DataTerm {
  double loss = 0;
  Eigen::VectorXd gradient;  // sum_i w_i (p_i - y_i) [x_i, 1]
  Eigen::MatrixXd hessian;   // sum_i w_i p_i (1 - p_i) [x_i, 1][x_i, 1]^T; lower triangle only
};

// Rows per cache block of the kernel (sized for L1), and the most blocks-of-blocks
// ("chunks") whose partial sums are kept: the chunking depends on the row count only, never
// on the thread count, and chunk partials are added in chunk order, so results are
// bit-identical for any thread count.
inline constexpr Eigen::Index kBlockRows = 128;
inline constexpr Eigen::Index kMaxChunks = 64;

// Runs body(c) for every c in [0, count), each exactly once, on the calling thread and up to
// omp_get_max_threads() - 1 helper threads that join only if the OS runs them in time (see
// logistic_regression_threads.cc). Which thread runs which c is not fixed: bodies write to
// their own slots. Rethrows the first exception a body threw.
void run_chunks(Eigen::Index count, const std::function<void(Eigen::Index)>& body);

// One pass over X at (coef, intercept): writes the margins to z (resized to X.rows()) and the
// data term to `out` (the Hessian only when with_hessian).
// `w` is empty (all 1) or one weight per row.
void evaluate_data_term(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                        std::span<const double> w, const Eigen::VectorXd& coef, double intercept,
                        bool fit_intercept, bool with_hessian, Eigen::VectorXd& z, DataTerm& out);

// sum_i w_i logloss(y_i, z0_i + t (z1_i - z0_i)): the data term along a line whose end
// margins are known, so backtracking needs no pass over X. Same determinism as above.
double loss_along_line(std::span<const uint8_t> y, std::span<const double> w,
                       const Eigen::VectorXd& z0, const Eigen::VectorXd& z1, double t);

// Naive reference: the same quantities, row by row in plain loops (tests only).
DataTerm evaluate_data_term_reference(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                                      std::span<const double> w, const Eigen::VectorXd& coef,
                                      double intercept, bool fit_intercept);

// The Newton step -H^{-1} g by Cholesky of H (lower triangle used), or -g (is_newton = false)
// when H is not positive definite or the result is not a descent direction.
Eigen::VectorXd descent_direction(const Eigen::MatrixXd& hessian, const Eigen::VectorXd& gradient,
                                  bool& is_newton);

struct NewtonResult {
  Eigen::VectorXd coef;
  double intercept = 0;
  ConvergenceReport report;
  Eigen::MatrixXd data_hessian;  // of the data term at (or one step before) the solution
};
// Minimises C * data_term + 0.5 ||coef||^2 by damped Newton. Inputs already validated.
NewtonResult newton_solve(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                          std::span<const double> w, const LogisticParams& params);

}  // namespace logistic_detail
}  // namespace fraudkit
