// LogisticRegression: parameters, input validation, scoring and the saved state. The solver
// lives in logistic_regression_newton.cc and its kernel in logistic_regression_kernel.cc.
#include "fraudkit/logistic_regression.h"
#include "models/logistic_regression_detail.h"

#include <cmath>

#include "fraudkit/error.h"

namespace fraudkit {
namespace {

constexpr const char* kComponent = "logistic_regression";

std::string where(size_t row) { return " at row " + std::to_string(row); }

}  // namespace

std::span<const ParamSpec<LogisticParams>> logistic_param_table() {
  using P = LogisticParams;
  static const ParamSpec<P> table[] = {
      {"C", &P::C, 1e-12, 1e12,
       "inverse L2 regularisation strength, as scikit-learn's C (larger = weaker penalty)"},
      {"max_iter", &P::max_iter, 0, 100000, "maximum Newton iterations"},
      {"tol", &P::tol, 0, 1, "stop when max |gradient| / (1 + max |coef|) < tol"},
      {.name = "fit_intercept", .member = &P::fit_intercept,
       .help = "learn an unpenalised intercept"},
  };
  return table;
}

nlohmann::json ConvergenceReport::to_json() const {
  return {{"solver", solver},
          {"iterations", iterations},
          {"converged", converged},
          {"gradient_norm", gradient_norm},
          {"objective", objective},
          {"message", message}};
}

LogisticRegression::LogisticRegression(LogisticParams params) : params_(params) {
  check_params(params_, logistic_param_table(), kComponent);
}

void LogisticRegression::fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y,
                             std::span<const double> weights) {
  check_params(params_, logistic_param_table(), kComponent);
  const size_t n = static_cast<size_t>(X.rows());
  if (y.size() != n)
    throw UsageError(std::string(kComponent) + ": X has " + std::to_string(n) + " rows but y has " +
                     std::to_string(y.size()));
  if (!weights.empty() && weights.size() != n)
    throw UsageError(std::string(kComponent) + ": X has " + std::to_string(n) +
                     " rows but there are " + std::to_string(weights.size()) + " weights");
  if (n == 0) throw DataError(std::string(kComponent) + ": no rows to fit");
  if (X.cols() == 0) throw DataError(std::string(kComponent) + ": no feature columns to fit");
  // Class totals by weight: a class whose rows all weigh 0 is as absent as a missing one.
  double total[2] = {0, 0};
  size_t count[2] = {0, 0};
  for (size_t i = 0; i < n; ++i) {
    if (y[i] > 1)
      throw DataError(std::string(kComponent) + ": label " + std::to_string(y[i]) + where(i) +
                      " is not 0 or 1");
    const double wi = weights.empty() ? 1.0 : weights[i];
    if (!std::isfinite(wi) || wi < 0)
      throw DataError(std::string(kComponent) + ": weight " + std::to_string(wi) + where(i) +
                      " is negative or not finite");
    total[y[i]] += wi;
    ++count[y[i]];
  }
  if (!(total[0] > 0) || !(total[1] > 0))
    throw DataError(std::string(kComponent) + ": the target needs both classes with positive "
                    "weight; got " + std::to_string(count[0]) + " negatives (weight " +
                    std::to_string(total[0]) + ") and " + std::to_string(count[1]) +
                    " positives (weight " + std::to_string(total[1]) + ")");
  // Non-finite features are detected by the solver's first pass (see newton_solve).
  logistic_detail::NewtonResult r = logistic_detail::newton_solve(X, y, weights, params_);
  coef_ = std::move(r.coef);
  intercept_ = r.intercept;
  report_ = std::move(r.report);
}

Eigen::VectorXd LogisticRegression::decision_function(const Eigen::MatrixXd& X) const {
  if (coef_.size() == 0) throw UsageError(std::string(kComponent) + ": the model is not fitted");
  if (X.cols() != coef_.size())
    throw UsageError(std::string(kComponent) + ": the model has " + std::to_string(coef_.size()) +
                     " features but X has " + std::to_string(X.cols()));
  Eigen::VectorXd z = X * coef_;
  z.array() += intercept_;
  return z;
}

Eigen::VectorXd LogisticRegression::predict_proba(const Eigen::MatrixXd& X) const {
  Eigen::VectorXd z = decision_function(X);
  for (Eigen::Index i = 0; i < z.size(); ++i) z[i] = logistic_detail::sigmoid(z[i]);
  return z;
}

double LogisticRegression::predict_proba_row(std::span<const double> x) const {
  if (coef_.size() == 0 || x.size() != static_cast<size_t>(coef_.size()))
    throw UsageError(std::string(kComponent) + ": the model has " + std::to_string(coef_.size()) +
                     " features but the row has " + std::to_string(x.size()));
  // Like decision_function: the sum over features first, then the intercept.
  double z = 0;
  for (size_t j = 0; j < x.size(); ++j) z += coef_[static_cast<Eigen::Index>(j)] * x[j];
  return logistic_detail::sigmoid(z + intercept_);
}

nlohmann::json LogisticRegression::state_to_json() const {
  // nlohmann writes doubles with the shortest text that parses back to the same bits, so a
  // loaded model scores bit-identically.
  return {{"coef", std::vector<double>(coef_.data(), coef_.data() + coef_.size())},
          {"intercept", intercept_},
          {"convergence", report_.to_json()}};
}

LogisticRegression LogisticRegression::from_json(const nlohmann::json& params,
                                                 const nlohmann::json& state) {
  LogisticRegression model;
  try {
    model.params_ = params_from_json<LogisticParams>(params, logistic_param_table(), kComponent);
  } catch (const UsageError& e) {
    throw ArtifactError(std::string("saved model parameters are invalid: ") + e.what());
  }
  const auto bad = [](const std::string& why) {
    return ArtifactError(std::string(kComponent) + ": saved state is invalid: " + why);
  };
  if (!state.is_object()) throw bad("not a JSON object");
  const auto coef = state.find("coef");
  if (coef == state.end() || !coef->is_array() || coef->empty())
    throw bad("'coef' must be a non-empty array of numbers");
  model.coef_.resize(static_cast<Eigen::Index>(coef->size()));
  for (size_t j = 0; j < coef->size(); ++j) {
    const nlohmann::json& v = (*coef)[j];
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      throw bad("coef[" + std::to_string(j) + "] is not a finite number: " + v.dump());
    model.coef_[static_cast<Eigen::Index>(j)] = v.get<double>();
  }
  const auto intercept = state.find("intercept");
  if (intercept == state.end() || !intercept->is_number() ||
      !std::isfinite(intercept->get<double>()))
    throw bad("'intercept' must be a finite number");
  model.intercept_ = intercept->get<double>();
  // The convergence report is informative only: an older or trimmed file may lack it, and a
  // malformed one does not make the model unusable.
  if (const auto conv = state.find("convergence"); conv != state.end() && conv->is_object()) {
    try {
      ConvergenceReport r;
      r.solver = conv->value("solver", r.solver);
      r.iterations = conv->value("iterations", 0);
      r.converged = conv->value("converged", false);
      r.gradient_norm = conv->value("gradient_norm", 0.0);
      r.objective = conv->value("objective", 0.0);
      r.message = conv->value("message", std::string());
      model.report_ = std::move(r);
    } catch (const nlohmann::json::exception&) {
    }
  }
  return model;
}

}  // namespace fraudkit
