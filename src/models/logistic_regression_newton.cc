// Damped Newton for L2-regularised logistic regression:
//   minimise  f(theta) = C * sum_i w_i logloss(y_i, x_i . coef + intercept) + 0.5 ||coef||^2.
// f is strictly convex in coef and (with both classes present) in the intercept, so Newton
// with a backtracking line search converges to the unique optimum, quadratically near it;
// a handful of passes over the data replace the hundreds of lbfgs iterations.
//
// Cost model: a pass over X is the expensive part, so every trial point is evaluated with its
// gradient and Hessian in the same pass. When the full Newton step is accepted (almost every
// iteration) that pass already prepared the next iteration: one pass per iteration. When it is
// rejected, the margins at the trial point give the data term anywhere on the segment
// without touching X, so backtracking costs O(n) per halving and one more pass at the end.
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "fraudkit/error.h"
#include "fraudkit/logistic_regression.h"

namespace fraudkit::logistic_detail {
namespace {

using Eigen::Index;

constexpr double kArmijo = 1e-4;  // sufficient-decrease constant of the line search
constexpr int kMaxHalvings = 60;  // enough to shrink a raw gradient step of any scale

// One point of the optimisation with everything a kernel pass tells about it.
struct Point {
  Eigen::VectorXd coef;
  double intercept = 0;
  Eigen::VectorXd z;  // margins X coef + intercept
  DataTerm data;
  double objective = 0;
  Eigen::VectorXd gradient;  // of f, intercept last when fitted
};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

class Problem {
 public:
  Problem(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> w,
          const LogisticParams& params)
      : X_(X), y_(y), w_(w), C_(params.C), fit_intercept_(params.fit_intercept), d_(X.cols()) {}

  void evaluate(Point& p) const {
    evaluate_data_term(X_, y_, w_, p.coef, p.intercept, fit_intercept_, true, p.z, p.data);
    p.objective = C_ * p.data.loss + 0.5 * p.coef.squaredNorm();
    p.gradient = C_ * p.data.gradient;
    p.gradient.head(d_) += p.coef;
  }

  // f at from + t * step, where `to` is the point at t = 1 (its margins are known).
  double objective_along(const Point& from, const Point& to, const Eigen::VectorXd& step,
                         double t) const {
    return C_ * loss_along_line(y_, w_, from.z, to.z, t) +
           0.5 * (from.coef + t * step.head(d_)).squaredNorm();
  }

  // Solves H step = -gradient by Cholesky. H = C X^T D X + I on coef is positive definite in
  // exact arithmetic, but D can underflow to 0 on (nearly) separated data, leaving the
  // unpenalised intercept direction singular: then fall back to steepest descent.
  Eigen::VectorXd descent_direction(const Point& p, bool& is_newton) const {
    Eigen::MatrixXd H = C_ * p.data.hessian;
    H.diagonal().head(d_).array() += 1.0;
    const Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> llt(H);
    if (llt.info() == Eigen::Success) {
      Eigen::VectorXd step = llt.solve(-p.gradient);
      if (step.allFinite() && p.gradient.dot(step) < 0) {
        is_newton = true;
        return step;
      }
    }
    is_newton = false;
    return -p.gradient;
  }

  Point moved(const Point& from, const Eigen::VectorXd& step, double t) const {
    Point p;
    p.coef = from.coef + t * step.head(d_);
    p.intercept = from.intercept + (fit_intercept_ ? t * step[d_] : 0.0);
    return p;
  }

  // First non-finite feature value, for an error message a user can act on.
  [[noreturn]] void throw_non_finite() const {
    for (Index j = 0; j < X_.cols(); ++j)
      for (Index i = 0; i < X_.rows(); ++i)
        if (!std::isfinite(X_(i, j)))
          throw DataError("logistic_regression: feature " + std::to_string(j) + " of row " +
                          std::to_string(i) + " is " + num(X_(i, j)) +
                          "; impute or drop missing and infinite values before fitting");
    throw DataError(
        "logistic_regression: the objective overflows at the starting point (features of "
        "magnitude near the double range); standardise the features before fitting");
  }

 private:
  const Eigen::MatrixXd& X_;
  std::span<const uint8_t> y_;
  std::span<const double> w_;
  double C_;
  bool fit_intercept_;
  Index d_;
};

double max_abs(const Eigen::VectorXd& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }

}  // namespace

NewtonResult newton_solve(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                          std::span<const double> w, const LogisticParams& params) {
  const Index d = X.cols();
  const Problem problem(X, y, w, params);

  // Start at coef = 0 with the intercept at its own optimum there, the weighted log-odds.
  Point cur;
  cur.coef = Eigen::VectorXd::Zero(d);
  if (params.fit_intercept) {
    double pos = 0, neg = 0;
    for (size_t i = 0; i < y.size(); ++i) (y[i] ? pos : neg) += w.empty() ? 1.0 : w[i];
    cur.intercept = std::log(pos / neg);
  }
  // Non-finite features make the very first pass non-finite (0 * NaN and 0 * inf are NaN),
  // so there is no separate scan of X on the normal path.
  problem.evaluate(cur);
  if (!std::isfinite(cur.objective) || !cur.gradient.allFinite() || !cur.data.hessian.allFinite())
    problem.throw_non_finite();

  ConvergenceReport report;
  int gradient_steps = 0;
  bool line_search_failed = false;
  for (;;) {
    const double relative = max_abs(cur.gradient) / (1.0 + max_abs(cur.coef));
    if (relative < params.tol) {
      report.converged = true;
      break;
    }
    if (report.iterations >= params.max_iter) break;

    bool is_newton = false;
    const Eigen::VectorXd step = problem.descent_direction(cur, is_newton);
    if (!is_newton) ++gradient_steps;
    const double slope = cur.gradient.dot(step);

    Point trial = problem.moved(cur, step, 1.0);
    problem.evaluate(trial);
    // Near the optimum the decrease a Newton step promises is below the rounding noise of a
    // sum over n rows, so Armijo's test turns into a coin flip; a step whose objective is
    // equal to rounding and whose gradient shrank is then the right one to take.
    const bool armijo = trial.objective <= cur.objective + kArmijo * slope;
    const bool flat_but_better =
        std::abs(trial.objective - cur.objective) <= 1e-12 * std::abs(cur.objective) &&
        max_abs(trial.gradient) < max_abs(cur.gradient);
    if (!(armijo || flat_but_better)) {
      double t = 0.5;
      bool found = false;
      for (int h = 0; h < kMaxHalvings && !found; ++h, t *= 0.5)
        found = problem.objective_along(cur, trial, step, t) <= cur.objective + kArmijo * t * slope;
      if (!found) {
        line_search_failed = true;
        break;
      }
      t *= 2;  // undo the last halving of the loop
      trial = problem.moved(cur, step, t);
      problem.evaluate(trial);
    }
    cur = std::move(trial);
    ++report.iterations;
  }

  report.gradient_norm = max_abs(cur.gradient);
  report.objective = cur.objective;
  const double relative = report.gradient_norm / (1.0 + max_abs(cur.coef));
  const std::string where = "max |gradient| " + num(report.gradient_norm) +
                            ", relative to 1 + max |coef| " + num(relative) + ", tol " +
                            num(params.tol);
  const std::string gradient_note =
      gradient_steps ? "; " + std::to_string(gradient_steps) +
                           " gradient steps where the Hessian was not positive definite"
                     : "";
  if (report.converged) {
    report.message = "converged in " + std::to_string(report.iterations) + " Newton iterations (" +
                     where + ")" + gradient_note;
  } else if (line_search_failed) {
    report.message = "did NOT converge: the line search found no decrease after " +
                     std::to_string(report.iterations) + " iterations (" + where +
                     "); the objective is flat to rounding, typical of (nearly) separable or "
                     "unscaled data: standardise the features or lower C" + gradient_note;
  } else {
    report.message = "did NOT converge within max_iter = " + std::to_string(params.max_iter) +
                     " iterations (" + where +
                     "); raise max_iter, standardise the features or lower C" + gradient_note;
  }
  return {std::move(cur.coef), cur.intercept, std::move(report)};
}

}  // namespace fraudkit::logistic_detail
