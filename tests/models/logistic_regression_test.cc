// Logistic regression against oracles that share no code with it: optimality conditions
// evaluated with plain loops, a one-feature optimum found by nested bisection, row repetition
// for integer weights, and invariants (bit-identical results for any thread count, exact JSON
// round trip). Parity with scikit-learn is in logistic_regression_parity_test.cc.
#include "fraudkit/logistic_regression.h"
#include "models/logistic_regression_detail.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "fraudkit/class_weight.h"
#include "fraudkit/error.h"

namespace fraudkit {
namespace {

namespace ld = logistic_detail;

struct Data {
  Eigen::MatrixXd X;
  std::vector<uint8_t> y;
};

// Rows drawn from a known logistic model with a rare positive class.
Data make_data(Eigen::Index n, Eigen::Index d, uint64_t seed, double signal = 1.0) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Data data{Eigen::MatrixXd(n, d), std::vector<uint8_t>(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    double z = -2.5;
    for (Eigen::Index j = 0; j < d; ++j) {
      data.X(i, j) = normal(gen) * (1.0 + 0.5 * static_cast<double>(j));
      z += signal * data.X(i, j) * (j % 2 ? -0.7 : 0.9) / (1.0 + static_cast<double>(j));
    }
    data.y[i] = uniform(gen) < 1.0 / (1.0 + std::exp(-z)) ? 1 : 0;
  }
  return data;
}

// Gradient of C * sum w logloss + 0.5 ||coef||^2 with textbook formulas (intercept last).
Eigen::VectorXd objective_gradient(const Data& data, const std::vector<double>& w,
                                   const Eigen::VectorXd& coef, double intercept, double C) {
  const Eigen::Index d = coef.size();
  Eigen::VectorXd g = Eigen::VectorXd::Zero(d + 1);
  for (Eigen::Index i = 0; i < data.X.rows(); ++i) {
    double z = intercept;
    for (Eigen::Index j = 0; j < d; ++j) z += data.X(i, j) * coef[j];
    const double r = (w.empty() ? 1.0 : w[i]) * (1.0 / (1.0 + std::exp(-z)) - data.y[i]);
    for (Eigen::Index j = 0; j < d; ++j) g[j] += C * r * data.X(i, j);
    g[d] += C * r;
  }
  g.head(d) += coef;
  return g;
}

LogisticRegression fit(const Data& data, LogisticParams params = {},
                       const std::vector<double>& w = {}) {
  LogisticRegression model(params);
  model.fit(data.X, data.y, w);
  return model;
}

uint64_t bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

TEST(LogisticRegression, ParamTableDrivesJsonAndRangeChecks) {
  const auto table = logistic_param_table();
  std::vector<std::string> names;
  for (const auto& spec : table) names.push_back(spec.name);
  EXPECT_EQ(names, (std::vector<std::string>{"C", "max_iter", "tol", "fit_intercept"}));
  const LogisticParams p = params_from_json<LogisticParams>(
      {{"C", 0.5}, {"fit_intercept", false}}, table, "logistic_regression");
  EXPECT_EQ(p.C, 0.5);
  EXPECT_FALSE(p.fit_intercept);
  EXPECT_EQ(p.max_iter, LogisticParams{}.max_iter);
  EXPECT_THROW(params_from_json<LogisticParams>({{"C", 0.0}}, table, "lr"), UsageError);
  EXPECT_THROW(params_from_json<LogisticParams>({{"tol", -1.0}}, table, "lr"), UsageError);
  EXPECT_THROW(params_from_json<LogisticParams>({{"penalty", "l1"}}, table, "lr"), UsageError);
  EXPECT_THROW(LogisticRegression(LogisticParams{.C = -1.0}), UsageError);
  EXPECT_NE(params_help(table).find("fit_intercept"), std::string::npos);
}

TEST(LogisticRegression, SigmoidAndLogLossStayFiniteAndAccurateAtExtremes) {
  EXPECT_EQ(ld::sigmoid(800.0), 1.0);
  EXPECT_EQ(ld::sigmoid(-800.0), 0.0);
  EXPECT_EQ(ld::sigmoid(0.0), 0.5);
  EXPECT_DOUBLE_EQ(ld::sigmoid(-40.0), std::exp(-40.0) / (1.0 + std::exp(-40.0)));
  EXPECT_EQ(ld::log_loss(1.0, -800.0), 800.0);  // naive log(sigmoid) would be -inf
  EXPECT_EQ(ld::log_loss(0.0, 800.0), 800.0);
  EXPECT_DOUBLE_EQ(ld::log_loss(1.0, 40.0), std::exp(-40.0));  // naive form rounds to 0
  EXPECT_DOUBLE_EQ(ld::log_loss(0.0, -40.0), std::exp(-40.0));
  for (double z : {-3.0, -0.25, 0.0, 0.7, 4.0}) {
    const double p = 1.0 / (1.0 + std::exp(-z));
    EXPECT_NEAR(ld::log_loss(1.0, z), -std::log(p), 1e-14);
    EXPECT_NEAR(ld::log_loss(0.0, z), -std::log(1.0 - p), 1e-14);
  }
}

TEST(LogisticRegression, KernelExpAndLog1pAreWithinFewUlpOfLibm) {
  // The kernel replaces libm (which does not vectorise) by polynomials; check them densely.
  double worst_exp = 0, worst_log1p = 0;
  for (double a = 0; a <= 708.0; a += 0.000731)
    worst_exp = std::max(worst_exp, std::abs(ld::kernel_exp_minus(a) / std::exp(-a) - 1.0));
  for (double e = 1e-6; e <= 1.0; e += 0.9e-6)
    worst_log1p = std::max(worst_log1p, std::abs(ld::kernel_log1p_unit(e) / std::log1p(e) - 1.0));
  for (double e = 1e-300; e <= 1.0; e *= 1.01)  // tiny arguments keep full relative accuracy
    worst_log1p = std::max(worst_log1p, std::abs(ld::kernel_log1p_unit(e) / std::log1p(e) - 1.0));
  const double eps = std::numeric_limits<double>::epsilon();  // 2^-52
  EXPECT_LE(worst_exp, 2 * eps);
  EXPECT_LE(worst_log1p, 3 * eps);
  EXPECT_EQ(ld::kernel_exp_minus(0.0), 1.0);
  EXPECT_EQ(ld::kernel_log1p_unit(0.0), 0.0);
  EXPECT_NEAR(ld::kernel_log1p_unit(1.0), std::log(2.0), 3 * eps);
  // Past the clamp the value stays at e^-708 (tiny, finite, positive), never garbage.
  for (double a : {708.0, 709.0, 1e4, std::numeric_limits<double>::infinity()})
    EXPECT_NEAR(ld::kernel_exp_minus(a) / std::exp(-708.0), 1.0, 2 * eps) << a;
  EXPECT_TRUE(std::isnan(ld::kernel_exp_minus(std::nan(""))));
}

TEST(LogisticRegression, BlockedKernelMatchesNaiveReference) {
  // More blocks than chunks (so chunks hold several blocks) plus a ragged last block.
  const Eigen::Index n = (ld::kMaxChunks + 6) * ld::kBlockRows + 37;
  const Data data = make_data(n, 7, 11);
  std::vector<double> w(data.y.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.25 + static_cast<double>(i % 5);
  Eigen::VectorXd coef(7);
  coef << 0.3, -1.2, 0.05, 2.0, -0.4, 0.0, 0.9;
  for (bool fit_intercept : {true, false}) {
    for (const std::vector<double>& weights : {w, std::vector<double>{}}) {
      Eigen::VectorXd z;
      ld::DataTerm fast;
      ld::evaluate_data_term(data.X, data.y, weights, coef, -0.8, fit_intercept, true, z, fast);
      const ld::DataTerm ref =
          ld::evaluate_data_term_reference(data.X, data.y, weights, coef, -0.8, fit_intercept);
      const Eigen::Index m = 7 + (fit_intercept ? 1 : 0);
      ASSERT_EQ(fast.gradient.size(), m);
      EXPECT_NEAR(fast.loss, ref.loss, 1e-12 * ref.loss);
      EXPECT_LT((fast.gradient - ref.gradient).cwiseAbs().maxCoeff(),
                1e-11 * ref.gradient.cwiseAbs().maxCoeff());
      const Eigen::MatrixXd fast_lower = fast.hessian.triangularView<Eigen::Lower>();
      const Eigen::MatrixXd ref_lower = ref.hessian.triangularView<Eigen::Lower>();
      EXPECT_LT((fast_lower - ref_lower).cwiseAbs().maxCoeff(),
                1e-11 * ref_lower.cwiseAbs().maxCoeff());
      ASSERT_EQ(z.size(), n);
      for (Eigen::Index i : {Eigen::Index{0}, n / 2, n - 1})
        EXPECT_NEAR(z[i], data.X.row(i).dot(coef) - 0.8, 1e-12) << i;
      // The line helper reproduces the loss at both ends and in between without X.
      Eigen::VectorXd z_other;
      ld::DataTerm other;
      ld::evaluate_data_term(data.X, data.y, weights, 0.5 * coef, 0.2, fit_intercept, false,
                             z_other, other);
      EXPECT_NEAR(ld::loss_along_line(data.y, weights, z, z_other, 0.0), fast.loss,
                  1e-12 * fast.loss);
      EXPECT_NEAR(ld::loss_along_line(data.y, weights, z, z_other, 1.0), other.loss,
                  1e-12 * other.loss);
      const ld::DataTerm mid = ld::evaluate_data_term_reference(
          data.X, data.y, weights, 0.75 * coef, 0.5 * (-0.8 + 0.2), fit_intercept);
      EXPECT_NEAR(ld::loss_along_line(data.y, weights, z, z_other, 0.5), mid.loss,
                  1e-11 * mid.loss);
    }
  }
}

TEST(LogisticRegression, DescentDirectionIsNewtonWhenPositiveDefiniteElseGradient) {
  Eigen::MatrixXd H(3, 3);
  H << 4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2;
  const Eigen::Vector3d g(1.0, -2.0, 0.5);
  bool is_newton = false;
  const Eigen::VectorXd step = ld::descent_direction(H, g, is_newton);
  EXPECT_TRUE(is_newton);
  EXPECT_LT((H * step + g).cwiseAbs().maxCoeff(), 1e-14);  // solves H step = -g
  // Indefinite, singular, and non-finite Hessians: steepest descent.
  Eigen::MatrixXd indefinite = H;
  indefinite(2, 2) = -5.0;
  Eigen::MatrixXd singular = Eigen::MatrixXd::Zero(3, 3);
  Eigen::MatrixXd nan = H;
  nan(1, 0) = std::nan("");
  for (const Eigen::MatrixXd& bad : {indefinite, singular, nan}) {
    is_newton = true;
    const Eigen::VectorXd fallback = ld::descent_direction(bad, g, is_newton);
    EXPECT_FALSE(is_newton);
    EXPECT_EQ(fallback, Eigen::VectorXd(-g));
  }
}

TEST(LogisticRegression, GradientIsZeroAtTheSolution) {
  const Data data = make_data(3000, 6, 3);
  for (double C : {0.01, 1.0, 100.0}) {
    const LogisticRegression model = fit(data, {.C = C});
    ASSERT_TRUE(model.report().converged) << model.report().message;
    const Eigen::VectorXd g = objective_gradient(data, {}, model.coef(), model.intercept(), C);
    EXPECT_LT(g.cwiseAbs().maxCoeff(), 1e-7 * (1.0 + model.coef().cwiseAbs().maxCoeff()))
        << "C = " << C;
    // The start point (coef 0) is far from optimal, so this check can fail.
    const Eigen::VectorXd g0 = objective_gradient(data, {}, Eigen::VectorXd::Zero(6), 0.0, C);
    EXPECT_GT(g0.cwiseAbs().maxCoeff(), 1e-3);
  }
}

TEST(LogisticRegression, OneFeatureOptimumMatchesNestedBisection) {
  // The optimality equations of a one-feature model, solved by bisection: for a slope b1 the
  // intercept solving sum (p - y) = 0 is unique (monotone in b0), and the profiled slope
  // equation C sum (p - y) x + b1 = 0 is monotone in b1 (the profile of a convex function).
  const std::vector<double> x = {-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 1.5};
  const std::vector<uint8_t> y = {0, 0, 1, 0, 1, 0, 1, 1, 1};
  const double C = 0.7;
  const auto sigma = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
  const auto bisect = [](auto f, double lo, double hi) {
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      (f(mid) > 0 ? hi : lo) = mid;
    }
    return 0.5 * (lo + hi);
  };
  const auto intercept_for = [&](double b1) {
    return bisect([&](double b0) {
      double s = 0;
      for (size_t i = 0; i < x.size(); ++i) s += sigma(b1 * x[i] + b0) - y[i];
      return s;
    }, -50.0, 50.0);
  };
  const double slope = bisect([&](double b1) {
    const double b0 = intercept_for(b1);
    double s = 0;
    for (size_t i = 0; i < x.size(); ++i) s += (sigma(b1 * x[i] + b0) - y[i]) * x[i];
    return C * s + b1;
  }, -50.0, 50.0);
  const double intercept = intercept_for(slope);

  Data data{Eigen::Map<const Eigen::MatrixXd>(x.data(), static_cast<Eigen::Index>(x.size()), 1), y};
  const LogisticRegression model = fit(data, {.C = C});
  ASSERT_TRUE(model.report().converged);
  EXPECT_NEAR(model.coef()[0], slope, 1e-9);
  EXPECT_NEAR(model.intercept(), intercept, 1e-9);
}

TEST(LogisticRegression, UninformativeFeatureGivesZeroCoefAndLogOddsIntercept) {
  // x sums to zero within each class, so coef = 0 solves the equations; the intercept is
  // then the log-odds of the classes, log(3 / 5).
  const std::vector<double> xs = {1, -1, 1, -1, 2, -2, 0, 0};
  const std::vector<uint8_t> ys = {1, 1, 0, 0, 0, 0, 1, 0};
  Data data{Eigen::Map<const Eigen::MatrixXd>(xs.data(), 8, 1), ys};
  const LogisticRegression model = fit(data);
  EXPECT_NEAR(model.coef()[0], 0.0, 1e-12);
  EXPECT_NEAR(model.intercept(), std::log(3.0 / 5.0), 1e-12);
}

TEST(LogisticRegression, IntegerSampleWeightEqualsRepeatingTheRow) {
  const Data data = make_data(800, 4, 5);
  std::vector<double> w(data.y.size());
  Data repeated{Eigen::MatrixXd(0, 4), {}};
  std::vector<Eigen::Index> rows;
  for (size_t i = 0; i < w.size(); ++i) {
    w[i] = static_cast<double>((i * 7) % 4);  // 0, 1, 2 or 3 copies
    for (int k = 0; k < static_cast<int>(w[i]); ++k) rows.push_back(static_cast<Eigen::Index>(i));
  }
  repeated.X.resize(static_cast<Eigen::Index>(rows.size()), 4);
  for (size_t r = 0; r < rows.size(); ++r) {
    repeated.X.row(static_cast<Eigen::Index>(r)) = data.X.row(rows[r]);
    repeated.y.push_back(data.y[rows[r]]);
  }
  const LogisticParams params{.tol = 1e-12};
  const LogisticRegression weighted = fit(data, params, w);
  const LogisticRegression copies = fit(repeated, params);
  ASSERT_TRUE(weighted.report().converged && copies.report().converged);
  EXPECT_LT((weighted.coef() - copies.coef()).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_NEAR(weighted.intercept(), copies.intercept(), 1e-9);
}

TEST(LogisticRegression, ExplicitClassWeightEqualsTheSameSampleWeights) {
  const Data data = make_data(1500, 3, 8);
  const std::vector<double> by_class = row_weights(ClassWeight::parse("0:1,1:7.5"), data.y, {});
  std::vector<double> by_row(data.y.size());
  for (size_t i = 0; i < by_row.size(); ++i) by_row[i] = data.y[i] ? 7.5 : 1.0;
  const LogisticRegression a = fit(data, {}, by_class);
  const LogisticRegression b = fit(data, {}, by_row);
  EXPECT_EQ(a.coef(), b.coef());
  // Up-weighting the positives moves the intercept up (more positives predicted).
  EXPECT_GT(a.intercept(), fit(data).intercept());
}

TEST(LogisticRegression, ReportMatchesAnIndependentObjective) {
  const Data data = make_data(2000, 5, 9);
  const double C = 2.0;
  const LogisticRegression model = fit(data, {.C = C});
  const ConvergenceReport& r = model.report();
  ASSERT_TRUE(r.converged);
  EXPECT_GT(r.iterations, 1);
  EXPECT_NE(r.message.find("converged in"), std::string::npos);
  double loss = 0;
  for (Eigen::Index i = 0; i < data.X.rows(); ++i) {
    const double p = 1.0 / (1.0 + std::exp(-(data.X.row(i).dot(model.coef()) + model.intercept())));
    loss -= data.y[i] ? std::log(p) : std::log(1.0 - p);
  }
  EXPECT_NEAR(r.objective, C * loss + 0.5 * model.coef().squaredNorm(), 1e-9 * r.objective);
  EXPECT_LT(r.gradient_norm, 1e-8 * (1.0 + model.coef().cwiseAbs().maxCoeff()));
  const nlohmann::json j = r.to_json();
  EXPECT_EQ(j.at("converged"), true);
  EXPECT_EQ(j.at("solver"), "newton-cholesky");
  EXPECT_EQ(j.at("iterations"), r.iterations);
}

TEST(LogisticRegression, ReportSaysClearlyWhenItDidNotConverge) {
  const Data data = make_data(2000, 5, 9);
  const LogisticRegression model = fit(data, {.max_iter = 1});
  const ConvergenceReport& r = model.report();
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.iterations, 1);
  EXPECT_NE(r.message.find("did NOT converge"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("max_iter"), std::string::npos) << r.message;
  EXPECT_EQ(r.to_json().at("converged"), false);
}

TEST(LogisticRegression, SeparableDataStaysFiniteAndRanksPerfectly) {
  // Perfectly separated classes: without the penalty the optimum is at infinity.
  Data data{Eigen::MatrixXd(200, 2), std::vector<uint8_t>(200)};
  for (Eigen::Index i = 0; i < 200; ++i) {
    data.y[i] = static_cast<uint8_t>(i % 2);
    data.X(i, 0) = (i % 2 ? 1.0 : -1.0) * (1.0 + 0.01 * static_cast<double>(i));
    data.X(i, 1) = std::sin(static_cast<double>(i));
  }
  for (double C : {1.0, 1e6}) {
    const LogisticRegression model = fit(data, {.C = C});
    ASSERT_TRUE(model.coef().allFinite());
    ASSERT_TRUE(std::isfinite(model.intercept()));
    const Eigen::VectorXd p = model.predict_proba(data.X);
    for (Eigen::Index i = 0; i < 200; ++i) EXPECT_EQ(p[i] > 0.5, data.y[i] == 1) << "C " << C;
    if (model.report().converged) {
      const Eigen::VectorXd g = objective_gradient(data, {}, model.coef(), model.intercept(), C);
      EXPECT_LT(g.cwiseAbs().maxCoeff(), 1e-6 * (1.0 + model.coef().cwiseAbs().maxCoeff()));
    } else {
      EXPECT_NE(model.report().message.find("did NOT converge"), std::string::npos);
    }
  }
}

TEST(LogisticRegression, WithoutInterceptTheInterceptStaysZero) {
  const Data data = make_data(1000, 3, 4);
  const LogisticRegression model = fit(data, {.fit_intercept = false});
  EXPECT_EQ(model.intercept(), 0.0);
  Eigen::VectorXd g = objective_gradient(data, {}, model.coef(), 0.0, 1.0);
  EXPECT_LT(g.head(3).cwiseAbs().maxCoeff(), 1e-7);  // the intercept equation is not imposed
  EXPECT_GT(std::abs(g[3]), 1e-3);
}

TEST(LogisticRegression, InvalidInputsThrowTheDocumentedErrors) {
  Data data = make_data(100, 2, 1);
  LogisticRegression model;
  const std::vector<uint8_t> short_y(99, 0);
  EXPECT_THROW(model.fit(data.X, short_y, {}), UsageError);
  const std::vector<double> short_w(99, 1.0);
  EXPECT_THROW(model.fit(data.X, data.y, short_w), UsageError);

  const std::vector<uint8_t> all_zero(100, 0);
  EXPECT_THROW(model.fit(data.X, all_zero, {}), DataError);
  std::vector<double> positives_weightless(100, 1.0);
  for (size_t i = 0; i < 100; ++i)
    if (data.y[i]) positives_weightless[i] = 0.0;
  EXPECT_THROW(model.fit(data.X, data.y, positives_weightless), DataError);
  std::vector<double> negative_w(100, 1.0);
  negative_w[3] = -1.0;
  EXPECT_THROW(model.fit(data.X, data.y, negative_w), DataError);
  std::vector<uint8_t> bad_label = data.y;
  bad_label[0] = 2;
  EXPECT_THROW(model.fit(data.X, bad_label, {}), DataError);
  EXPECT_THROW(model.fit(Eigen::MatrixXd(0, 2), std::vector<uint8_t>{}, {}), DataError);

  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {std::nan(""), inf, -inf}) {
    Data broken = data;
    broken.X(42, 1) = bad;
    try {
      model.fit(broken.X, broken.y, {});
      ADD_FAILURE() << "no error for " << bad;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("row 42"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("feature 1"), std::string::npos) << e.what();
    }
  }
  // Zero-weight rows still have to be valid numbers.
  Data broken = data;
  broken.X(7, 0) = std::nan("");
  std::vector<double> w(100, 1.0);
  w[7] = 0.0;
  EXPECT_THROW(model.fit(broken.X, broken.y, w), DataError);
}

TEST(LogisticRegression, ScoringChecksWidthAndFittedState) {
  const LogisticRegression unfitted;
  const std::vector<double> row = {1.0, 2.0};
  EXPECT_THROW(unfitted.predict_proba_row(row), UsageError);
  EXPECT_THROW(unfitted.predict_proba(Eigen::MatrixXd::Zero(3, 2)), UsageError);
  const Data data = make_data(300, 2, 2);
  const LogisticRegression model = fit(data);
  const std::vector<double> wide = {1.0, 2.0, 3.0};
  EXPECT_THROW(model.predict_proba_row(wide), UsageError);
  EXPECT_THROW(model.decision_function(Eigen::MatrixXd::Zero(3, 3)), UsageError);
  // Row scoring and matrix scoring agree, and probabilities are the sigmoid of the margin.
  const Eigen::VectorXd p = model.predict_proba(data.X);
  const Eigen::VectorXd z = model.decision_function(data.X);
  for (Eigen::Index i = 0; i < data.X.rows(); ++i) {
    const std::vector<double> x = {data.X(i, 0), data.X(i, 1)};
    EXPECT_NEAR(model.predict_proba_row(x), p[i], 1e-15);
    EXPECT_NEAR(p[i], 1.0 / (1.0 + std::exp(-z[i])), 1e-15);
  }
}

TEST(LogisticRegression, JsonRoundTripScoresBitIdentically) {
  const Data data = make_data(2000, 5, 12);
  const LogisticRegression model = fit(data, {.C = 0.37});
  // Through text, as the artifact stores it.
  const std::string params_text = params_to_json(model.params(), logistic_param_table()).dump();
  const std::string state_text = model.state_to_json().dump();
  const LogisticRegression loaded = LogisticRegression::from_json(
      nlohmann::json::parse(params_text), nlohmann::json::parse(state_text));
  EXPECT_EQ(loaded.params().C, 0.37);
  ASSERT_EQ(loaded.coef().size(), model.coef().size());
  for (Eigen::Index j = 0; j < model.coef().size(); ++j)
    EXPECT_EQ(bits(loaded.coef()[j]), bits(model.coef()[j])) << j;
  EXPECT_EQ(bits(loaded.intercept()), bits(model.intercept()));
  const Eigen::VectorXd a = model.predict_proba(data.X), b = loaded.predict_proba(data.X);
  for (Eigen::Index i = 0; i < a.size(); ++i) ASSERT_EQ(bits(a[i]), bits(b[i])) << i;
  EXPECT_EQ(loaded.report().iterations, model.report().iterations);
  EXPECT_EQ(loaded.report().converged, model.report().converged);
}

TEST(LogisticRegression, FromJsonRejectsCorruptState) {
  const nlohmann::json params = nlohmann::json::object();
  EXPECT_THROW(LogisticRegression::from_json(params, nlohmann::json::array()), ArtifactError);
  EXPECT_THROW(LogisticRegression::from_json(params, {{"intercept", 0.0}}), ArtifactError);
  EXPECT_THROW(LogisticRegression::from_json(params, {{"coef", nlohmann::json::array()}, {"intercept", 0.0}}),
               ArtifactError);
  EXPECT_THROW(LogisticRegression::from_json(params, {{"coef", {1.0, "x"}}, {"intercept", 0.0}}),
               ArtifactError);
  EXPECT_THROW(LogisticRegression::from_json(params, {{"coef", {1.0}}, {"intercept", nullptr}}),
               ArtifactError);
  EXPECT_THROW(LogisticRegression::from_json({{"C", -1.0}}, {{"coef", {1.0}}, {"intercept", 0.0}}),
               ArtifactError);
  const LogisticRegression ok =
      LogisticRegression::from_json(params, {{"coef", {1.0, -2.0}}, {"intercept", 0.5}});
  const std::vector<double> row = {1.0, 1.0};
  EXPECT_DOUBLE_EQ(ok.predict_proba_row(row), 1.0 / (1.0 + std::exp(0.5)));
}

TEST(LogisticRegression, SameBitsWhateverTheThreadCount) {
  // Large enough for all 64 chunks of several blocks each, and for the warm start from a row
  // sample (its own solve is threaded too), so the threads really split the work.
  const Data data = make_data(140005, 6, 21);
  std::vector<double> w(data.y.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = 1.0 + 0.1 * static_cast<double>(i % 13);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const LogisticRegression one = fit(data, {}, w);
  omp_set_num_threads(2);
  const LogisticRegression two = fit(data, {}, w);
  omp_set_num_threads(3);  // more threads than cores: a different interleaving again
  const LogisticRegression three = fit(data, {}, w);
  omp_set_num_threads(saved);
  for (const LogisticRegression* other : {&two, &three}) {
    for (Eigen::Index j = 0; j < one.coef().size(); ++j)
      EXPECT_EQ(bits(one.coef()[j]), bits(other->coef()[j])) << j;
    EXPECT_EQ(bits(one.intercept()), bits(other->intercept()));
    EXPECT_EQ(bits(one.report().objective), bits(other->report().objective));
    EXPECT_EQ(one.report().iterations, other->report().iterations);
  }
  EXPECT_NE(one.report().message.find("row sample"), std::string::npos) << one.report().message;
}

}  // namespace
}  // namespace fraudkit
