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
// Large inputs start from the optimum on a row sample (warm_start), and passes near the
// optimum skip the Hessian (kReuseHessianBelow): 1M x 10 rows take about five passes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "fraudkit/error.h"
#include "fraudkit/logistic_regression.h"
#include "models/logistic_regression_detail.h"

namespace fraudkit::logistic_detail {
namespace {

using Eigen::Index;

constexpr double kArmijo = 1e-4;  // sufficient-decrease constant of the line search
constexpr int kMaxHalvings = 60;  // enough to shrink a raw gradient step of any scale
// Below this max |gradient| / (1 + max |coef|) the step is tiny and lands where the Hessian
// is the current one to within a fraction of a percent: the trial pass then skips the
// Hessian (about 40% of a pass) and the next step reuses the current one. Newton's local
// convergence turns from quadratic to linear with a rate of that relative change, which at
// this distance from the optimum still reaches tol in one or two steps, usually the last.
constexpr double kReuseHessianBelow = 1e-3;

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

  // with_hessian = false keeps the Hessian of `previous` (see kReuseHessianBelow).
  void evaluate(Point& p, bool with_hessian = true, const Point* previous = nullptr) const {
    evaluate_data_term(X_, y_, w_, p.coef, p.intercept, fit_intercept_, with_hessian, p.z, p.data);
    if (!with_hessian) p.data.hessian = previous->data.hessian;
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

  // The objective's Hessian, C X^T D X + I on coef (lower triangle), and the step from it.
  Eigen::VectorXd descent_direction(const Point& p, bool& is_newton) const {
    Eigen::MatrixXd H = C_ * p.data.hessian;
    H.diagonal().head(d_).array() += 1.0;
    return logistic_detail::descent_direction(H, p.gradient, is_newton);
  }

  // Sets `to` at from + t * step; `to` keeps its buffers (the margins are n doubles, and a
  // fresh allocation per pass costs page faults).
  void move(const Point& from, const Eigen::VectorXd& step, double t, Point& to) const {
    to.coef = from.coef + t * step.head(d_);
    to.intercept = from.intercept + (fit_intercept_ ? t * step[d_] : 0.0);
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

// Coarse-to-fine start. From coef = 0 Newton spends most of its passes getting near the
// optimum; the optimum of the same problem on a fixed 1/16 sample of the rows (every 16th
// block of 256 rows; C scaled by the weight ratio, so the penalty keeps its relative weight) is
// statistically close to it, costs under one full pass to find, and leaves the full problem two
// to four quadratically convergent iterations. The start changes no result beyond the solver
// tolerance (the optimum is unique), and the sample depends on the row count only, so the bits
// stay the same for any thread count.
constexpr Index kWarmStartMinRows = 131072;
constexpr Index kSampleBlockRows = 256;
constexpr Index kSampleEvery = 16;         // blocks
constexpr Index kSampleMinClassRows = 50;  // fewer positives or negatives: start cold
constexpr double kSampleTol = 1e-4;        // a start needs no more than this

struct Start {
  Eigen::VectorXd coef;
  double intercept = 0;
  int sample_iterations = -1;  // -1: cold start
  // Warm start: the sample's data Hessian scaled to the full weight, close enough to the full
  // one for the first step, which saves computing it in the first pass.
  Eigen::MatrixXd data_hessian;
};

Start cold_start(std::span<const uint8_t> y, std::span<const double> w, Index d,
                 bool fit_intercept) {
  // coef = 0 with the intercept at its own optimum there, the weighted log-odds.
  Start s{Eigen::VectorXd::Zero(d), 0.0, -1};
  if (fit_intercept) {
    double pos = 0, neg = 0;
    for (size_t i = 0; i < y.size(); ++i) (y[i] ? pos : neg) += w.empty() ? 1.0 : w[i];
    s.intercept = std::log(pos / neg);
  }
  return s;
}

NewtonResult solve(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                   std::span<const double> w, const LogisticParams& params);

Start warm_start(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                 std::span<const double> w, const LogisticParams& params) {
  const Index n = X.rows(), d = X.cols();
  if (n < kWarmStartMinRows) return cold_start(y, w, d, params.fit_intercept);
  std::vector<Index> begins;
  Index rows = 0;
  for (Index r0 = 0; r0 < n; r0 += kSampleBlockRows * kSampleEvery) {
    begins.push_back(r0);
    rows += std::min(kSampleBlockRows, n - r0);
  }
  Eigen::MatrixXd Xs(rows, d);
  std::vector<uint8_t> ys(rows);
  std::vector<double> ws(w.empty() ? 0 : rows);
  Index at = 0, count[2] = {0, 0};
  double weight_all = 0, weight_sample = 0;
  for (Index r0 : begins) {
    const Index nb = std::min(kSampleBlockRows, n - r0);
    Xs.middleRows(at, nb) = X.middleRows(r0, nb);
    for (Index i = 0; i < nb; ++i) {
      ys[at + i] = y[r0 + i];
      if (!w.empty()) ws[at + i] = w[r0 + i];
      const double wi = w.empty() ? 1.0 : w[r0 + i];
      count[y[r0 + i]] += wi > 0 ? 1 : 0;
      weight_sample += wi;
    }
    at += nb;
  }
  for (size_t i = 0; i < y.size(); ++i) weight_all += w.empty() ? 1.0 : w[i];
  // Too few rows of a class, or bad values (left for the full pass to report with their
  // real row numbers): start cold.
  if (count[0] < kSampleMinClassRows || count[1] < kSampleMinClassRows || !Xs.allFinite())
    return cold_start(y, w, d, params.fit_intercept);
  LogisticParams sample_params = params;
  sample_params.C = params.C * weight_all / weight_sample;
  sample_params.tol = std::max(params.tol, kSampleTol);
  NewtonResult r = solve(Xs, ys, ws, sample_params);
  if (!r.coef.allFinite() || !std::isfinite(r.intercept))
    return cold_start(y, w, d, params.fit_intercept);
  return {std::move(r.coef), r.intercept, r.report.iterations,
          r.data_hessian * (weight_all / weight_sample)};
}

}  // namespace

// H = C X^T D X + I on coef is positive definite in exact arithmetic, but D can underflow on
// (nearly) separated data, leaving the unpenalised intercept direction singular: then, or when
// the solve is not a descent direction, fall back to steepest descent (the line search scales
// it).
Eigen::VectorXd descent_direction(const Eigen::MatrixXd& hessian, const Eigen::VectorXd& gradient,
                                  bool& is_newton) {
  const Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> llt(hessian);
  if (llt.info() == Eigen::Success) {
    Eigen::VectorXd step = llt.solve(-gradient);
    if (step.allFinite() && gradient.dot(step) < 0) {
      is_newton = true;
      return step;
    }
  }
  is_newton = false;
  return -gradient;
}

NewtonResult newton_solve(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                          std::span<const double> w, const LogisticParams& params) {
  return solve(X, y, w, params);
}

namespace {

NewtonResult solve(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                   std::span<const double> w, const LogisticParams& params) {
  const Problem problem(X, y, w, params);
  Start start = warm_start(X, y, w, params);
  Point cur;
  cur.coef = std::move(start.coef);
  cur.intercept = start.intercept;
  // Non-finite features make the very first pass non-finite (0 * NaN and 0 * inf are NaN at
  // a cold start; at a warm start NaN and inf margins give a NaN or infinite loss), so there
  // is no separate scan of X on the normal path.
  if (start.data_hessian.size()) {
    Point sample;
    sample.data.hessian = std::move(start.data_hessian);
    problem.evaluate(cur, false, &sample);
  } else {
    problem.evaluate(cur);
  }
  if (!std::isfinite(cur.objective) || !cur.gradient.allFinite() || !cur.data.hessian.allFinite())
    problem.throw_non_finite();

  ConvergenceReport report;
  Point trial;  // reused: its buffers survive from one iteration to the next
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

    problem.move(cur, step, 1.0, trial);
    problem.evaluate(trial, relative >= kReuseHessianBelow, &cur);
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
      problem.move(cur, step, t, trial);
      problem.evaluate(trial);
    }
    std::swap(cur, trial);
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
  if (start.sample_iterations >= 0)
    report.message += "; started from the optimum on a 1/" + std::to_string(kSampleEvery) +
                      " row sample (" + std::to_string(start.sample_iterations) + " iterations)";
  return {std::move(cur.coef), cur.intercept, std::move(report), std::move(cur.data.hessian)};
}

}  // namespace
}  // namespace fraudkit::logistic_detail
