// Histogram gradient boosting for binary log-loss (gradient_boosting.h).
#include "models/gradient_boosting.h"

#include <cmath>
#include <string>

#include "fraudkit/error.h"
#include "models/logistic_regression_detail.h"

namespace fraudkit::models {

using logistic_detail::log_loss;
using logistic_detail::sigmoid;

void GradientBoosting::fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> weights,
                           const BoostingParams& params, int threads) {
  const auto n = static_cast<size_t>(X.rows());
  if (n == 0 || y.size() != n || (!weights.empty() && weights.size() != n))
    throw UsageError("gradient boosting: X has " + std::to_string(n) + " rows, y " + std::to_string(y.size()) +
                     ", weights " + std::to_string(weights.size()) + " (expected the same, weights may be empty)");
  if (params.rounds < 1) throw UsageError("gradient boosting: rounds must be at least 1");
  if (!(params.learning_rate > 0)) throw UsageError("gradient boosting: learning_rate must be positive");
  if (!(params.scale_pos_weight > 0)) throw UsageError("gradient boosting: scale_pos_weight must be positive");

  std::vector<double> w(n);
  double positive = 0, total = 0;
  for (size_t r = 0; r < n; ++r) {
    w[r] = (weights.empty() ? 1.0 : weights[r]) * (y[r] ? params.scale_pos_weight : 1.0);
    if (!(w[r] > 0) || !std::isfinite(w[r]))
      throw DataError("gradient boosting: row " + std::to_string(r) + " has weight " + std::to_string(w[r]) +
                      "; expected a positive finite weight");
    total += w[r];
    positive += y[r] ? w[r] : 0;
  }
  if (positive == 0 || positive == total)
    throw DataError("gradient boosting: the training rows hold a single class; both 0 and 1 are needed");

  const FeatureBinning binning = FeatureBinning::fit(X, {.max_bins = params.max_bins}, threads);
  const std::vector<uint8_t> bins = binning.transform(X, threads);
  features_ = static_cast<int>(X.cols());
  learning_rate_ = params.learning_rate;
  base_margin_ = std::log(positive / (total - positive));
  trees_.clear();
  training_loss_.clear();

  std::vector<double> margin(n, base_margin_), gradients(n), hessians(n);
  std::vector<uint32_t> rows(n);
  for (size_t r = 0; r < n; ++r) rows[r] = static_cast<uint32_t>(r);
  const BinnedRows data{bins, n, features_, params.max_bins, gradients, hessians};
  for (int round = 0; round < params.rounds; ++round) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t r = 0; r < n; ++r) {
      const double p = sigmoid(margin[r]);
      gradients[r] = w[r] * (p - y[r]);
      hessians[r] = w[r] * p * (1 - p);
    }
    trees_.push_back(HistogramTree::grow(data, rows, binning, params.tree, threads));
    const HistogramTree& tree = trees_.back();
    double loss = 0;
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : loss)
    for (size_t r = 0; r < n; ++r) {
      margin[r] += learning_rate_ * tree.predict_binned(data, r);
      loss += w[r] * log_loss(y[r], margin[r]);
    }
    training_loss_.push_back(loss / total);
  }
}

Eigen::VectorXd GradientBoosting::decision_function(const Eigen::MatrixXd& X) const {
  if (X.cols() != features_)
    throw UsageError("gradient boosting: the data has " + std::to_string(X.cols()) + " columns, the model " +
                     std::to_string(features_));
  Eigen::VectorXd out(X.rows());
  const auto stride = static_cast<size_t>(X.rows());
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    double m = base_margin_;
    for (const HistogramTree& tree : trees_) m += learning_rate_ * tree.predict(X.data() + r, stride);
    out[r] = m;
  }
  return out;
}

Eigen::VectorXd GradientBoosting::predict_proba(const Eigen::MatrixXd& X) const {
  Eigen::VectorXd m = decision_function(X);
  for (Eigen::Index r = 0; r < m.size(); ++r) m[r] = sigmoid(m[r]);
  return m;
}

}  // namespace fraudkit::models
