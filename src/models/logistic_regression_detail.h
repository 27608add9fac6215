#pragma once
// Internals of the logistic-regression solver shared by its source files and reachable by its
// tests: the blocked kernel and its naive reference, the Newton step and the chunk runner.
// Not part of the public API.
#include <cmath>
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "fraudkit/logistic_regression.h"

namespace fraudkit {

// Building blocks of the solver, exposed so the tests can check the fast blocked kernel
// against a naive row-by-row reference. Not part of the stable API.
namespace logistic_detail {

// 1 / (1 + exp(-z)) without overflow for any finite z: exp(-|z|) never overflows, and
// 1 / (1 + e) or e / (1 + e) by the sign of z. Inline and without a branch: the boosting calls
// it for every row every round (20% faster than an out-of-line branching version, same bits).
inline double sigmoid(double z) {
  const double e = std::exp(-std::fabs(z));
  return (z >= 0 ? 1.0 : e) / (1.0 + e);
}
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
