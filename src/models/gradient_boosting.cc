// Histogram gradient boosting for binary log-loss (gradient_boosting.h).
#include "models/gradient_boosting.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/random.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"
#include "models/logistic_regression_detail.h"
#include "models/tree_json.h"

namespace fraudkit::models {

using logistic_detail::log_loss;
using logistic_detail::sigmoid;

std::span<const ParamSpec<BoostingParams>> boosting_param_table() {
  constexpr double kNoBound = std::numeric_limits<double>::infinity();
  static const ParamSpec<BoostingParams> table[] = {
      {"rounds", &BoostingParams::rounds, 1, 100000, "boosting rounds (trees); the most, with early stopping"},
      {"learning_rate", &BoostingParams::learning_rate, 1e-6, 1, "shrinks each tree's contribution"},
      {"max_bins", &BoostingParams::max_bins, 2, 255, "histogram bins per feature (plus one for missing values)"},
      {"max_leaves", &BoostingParams::max_leaves, 2, 65536, "leaves per tree (leaf-wise growth)"},
      {"max_depth", &BoostingParams::max_depth, 0, 64, "deepest leaf; 0 = no limit"},
      {"lambda", &BoostingParams::lambda, 0, 1e12, "L2 penalty on leaf values (XGBoost's reg_lambda)"},
      {"min_child_weight", &BoostingParams::min_child_weight, 0, 1e12, "least hessian sum in a leaf"},
      {"min_samples_leaf", &BoostingParams::min_samples_leaf, 1, 1e9, "fewest training rows in a leaf"},
      {"subsample", &BoostingParams::subsample, 1e-6, 1, "fraction of rows drawn for each tree"},
      {"colsample", &BoostingParams::colsample, 1e-6, 1, "fraction of features each tree may split on"},
      {"scale_pos_weight", &BoostingParams::scale_pos_weight, 1e-12, 1e12, "weight multiplier for positive rows"},
      {"early_stopping_rounds", &BoostingParams::early_stopping_rounds, 0, 100000,
       "stop after this many rounds without a better held-out score; 0 = off"},
      {"validation_fraction", &BoostingParams::validation_fraction, 0.01, 0.5,
       "share of the training rows held out (stratified) for early stopping"},
      {"early_stopping_metric", &BoostingParams::early_stopping_metric, -kNoBound, kNoBound, "logloss or ap"},
      {"seed", &BoostingParams::seed, 0, 2147483647, "seed for subsampling and the early-stopping holdout"},
      {"categorical", &BoostingParams::categorical, -kNoBound, kNoBound,
       "native (split on sets of categories) or onehot (split on the 0/1 columns)"},
      {"max_cat_to_onehot", &BoostingParams::max_cat_to_onehot, 1, 256,
       "categorical columns with fewer categories split one category against the rest"},
      {"max_cat_threshold", &BoostingParams::max_cat_threshold, 1, 256,
       "most categories on the scanned side of a categorical partition split"},
  };
  return table;
}

namespace {

// The rows of X listed in `rows`, as a new matrix.
Eigen::MatrixXd gather(const Eigen::MatrixXd& X, std::span<const uint32_t> rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), X.cols());
  for (Eigen::Index c = 0; c < X.cols(); ++c)
    for (size_t i = 0; i < rows.size(); ++i) out(static_cast<Eigen::Index>(i), c) = X(rows[i], c);
  return out;
}

// Shuffles `v` in place (Fisher-Yates on the shared stream).
void shuffle(std::vector<uint32_t>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// A stratified holdout: round(fraction x class size) rows of each class, at least one.
void holdout(std::span<const uint8_t> y, double fraction, Rng& rng, std::vector<uint32_t>& fit_rows,
             std::vector<uint32_t>& held_rows) {
  for (const uint8_t cls : {uint8_t{0}, uint8_t{1}}) {
    std::vector<uint32_t> rows;
    for (size_t r = 0; r < y.size(); ++r)
      if (y[r] == cls) rows.push_back(static_cast<uint32_t>(r));
    if (rows.size() < 2)
      throw DataError("gradient boosting: early stopping needs at least two rows of class " + std::to_string(cls) +
                      " to hold some out; the training rows have " + std::to_string(rows.size()));
    shuffle(rows, rng);
    const auto held = std::clamp<size_t>(static_cast<size_t>(std::lround(fraction * static_cast<double>(rows.size()))),
                                         1, rows.size() - 1);
    held_rows.insert(held_rows.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(held));
    fit_rows.insert(fit_rows.end(), rows.begin() + static_cast<std::ptrdiff_t>(held), rows.end());
  }
  std::sort(fit_rows.begin(), fit_rows.end());
  std::sort(held_rows.begin(), held_rows.end());
}

}  // namespace

void GradientBoosting::fit(const Eigen::MatrixXd& X_all, std::span<const uint8_t> y_all,
                           std::span<const double> weights, const BoostingParams& params, int threads,
                           std::span<const int> categories) {
  const auto n_all = static_cast<size_t>(X_all.rows());
  if (n_all == 0 || y_all.size() != n_all || (!weights.empty() && weights.size() != n_all))
    throw UsageError("gradient boosting: X has " + std::to_string(n_all) + " rows, y " + std::to_string(y_all.size()) +
                     ", weights " + std::to_string(weights.size()) + " (expected the same, weights may be empty)");
  check_params(params, boosting_param_table(), "gradient_boosting");
  const bool by_ap = params.early_stopping_metric == "ap";
  if (!by_ap && params.early_stopping_metric != "logloss")
    throw UsageError("gradient_boosting: early_stopping_metric is '" + params.early_stopping_metric +
                     "'; expected logloss or ap");
  if (params.categorical != "native" && params.categorical != "onehot")
    throw UsageError("gradient_boosting: categorical is '" + params.categorical + "'; expected native or onehot");
  if (!categories.empty() && categories.size() != static_cast<size_t>(X_all.cols()))
    throw UsageError("gradient boosting: " + std::to_string(categories.size()) + " category counts for " +
                     std::to_string(X_all.cols()) + " columns");

  std::vector<double> w_all(n_all);
  double positive = 0, total = 0;
  for (size_t r = 0; r < n_all; ++r) {
    w_all[r] = (weights.empty() ? 1.0 : weights[r]) * (y_all[r] ? params.scale_pos_weight : 1.0);
    if (!(w_all[r] > 0) || !std::isfinite(w_all[r]))
      throw DataError("gradient boosting: row " + std::to_string(r) + " has weight " + std::to_string(w_all[r]) +
                      "; expected a positive finite weight");
    total += w_all[r];
    positive += y_all[r] ? w_all[r] : 0;
  }
  if (positive == 0 || positive == total)
    throw DataError("gradient boosting: the training rows hold a single class; both 0 and 1 are needed");

  // With early stopping the trees see only the rows not held out (binning included).
  Rng rng(static_cast<uint64_t>(params.seed));
  const bool early_stopping = params.early_stopping_rounds > 0;
  std::vector<uint32_t> fit_rows, held_rows;
  Eigen::MatrixXd X_fit, X_held;
  std::vector<uint8_t> y_fit, y_held;
  std::vector<double> w, w_held;
  if (early_stopping) {
    holdout(y_all, params.validation_fraction, rng, fit_rows, held_rows);
    X_fit = gather(X_all, fit_rows);
    X_held = gather(X_all, held_rows);
    for (const uint32_t r : fit_rows) y_fit.push_back(y_all[r]), w.push_back(w_all[r]);
    for (const uint32_t r : held_rows) y_held.push_back(y_all[r]), w_held.push_back(w_all[r]);
    positive = total = 0;
    for (size_t i = 0; i < w.size(); ++i) total += w[i], positive += y_fit[i] ? w[i] : 0;
  }
  const Eigen::MatrixXd& X = early_stopping ? X_fit : X_all;
  const std::span<const uint8_t> y = early_stopping ? std::span<const uint8_t>(y_fit) : y_all;
  if (!early_stopping) w = std::move(w_all);
  const auto n = static_cast<size_t>(X.rows());

  const FeatureBinning binning =
      FeatureBinning::fit(X, {.max_bins = params.max_bins, .categories = categories}, threads);
  std::vector<uint8_t> categorical(categories.size());
  for (size_t f = 0; f < categories.size(); ++f) categorical[f] = categories[f] > 0;
  const std::vector<uint8_t> bins = binning.transform_rows(X, threads);
  features_ = static_cast<int>(X.cols());
  learning_rate_ = params.learning_rate;
  base_margin_ = std::log(positive / (total - positive));
  trees_.clear();
  validation_score_.clear();

  const TreeParams tree_params{
      .max_leaves = params.max_leaves,
      .max_depth = params.max_depth,
      .split = {.lambda = params.lambda,
                .min_child_weight = params.min_child_weight,
                .min_samples_leaf = static_cast<uint32_t>(params.min_samples_leaf),
                .categorical = categorical,
                .max_cat_to_onehot = params.max_cat_to_onehot,
                .max_cat_threshold = params.max_cat_threshold}};
  std::vector<double> margin(n, base_margin_), gradients(n), hessians(n);
  std::vector<double> held_margin(held_rows.size(), base_margin_);
  std::vector<uint32_t> all(n), sampled;
  for (size_t r = 0; r < n; ++r) all[r] = static_cast<uint32_t>(r);
  std::vector<uint32_t> feature_order(static_cast<size_t>(features_));
  std::vector<uint8_t> active;
  const auto features_per_tree =
      std::max<size_t>(1, static_cast<size_t>(std::lround(params.colsample * static_cast<double>(features_))));
  BinnedRows data{bins, n, features_, params.max_bins, gradients, hessians};
  // One-hot and flag columns: histogram passes skip each feature's most frequent bin.
  const std::unique_ptr<SparseBins> sparse =
      params.colsample < 1 ? nullptr : SparseBins::make(bins, n, histogram_shape(data, binning, tree_params.split));
  data.sparse = sparse.get();
  GrowScratch scratch;
  std::vector<double> best_margin;  // the training margins at the best round (early stopping)
  std::vector<int32_t> leaf_of_row(n, -1);
  double best_score = std::numeric_limits<double>::quiet_NaN();
  size_t best_rounds = 0;

  for (int round = 0; round < params.rounds; ++round) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t r = 0; r < n; ++r) {
      const double p = sigmoid(margin[r]);
      gradients[r] = w[r] * (p - y[r]);
      hessians[r] = w[r] * p * (1 - p);
    }
    // Subsamples, drawn on this thread in a fixed order (deterministic for a seed).
    std::span<const uint32_t> rows = all;
    if (params.subsample < 1) {
      sampled.clear();
      for (size_t r = 0; r < n; ++r)
        if (rng.uniform() < params.subsample) sampled.push_back(static_cast<uint32_t>(r));
      if (sampled.empty()) sampled.push_back(static_cast<uint32_t>(rng.below(n)));
      rows = sampled;
    }
    active.clear();
    if (features_per_tree < static_cast<size_t>(features_)) {
      for (size_t f = 0; f < feature_order.size(); ++f) feature_order[f] = static_cast<uint32_t>(f);
      for (size_t i = 0; i < features_per_tree; ++i)  // partial Fisher-Yates: the first k are the pick
        std::swap(feature_order[i], feature_order[i + rng.below(feature_order.size() - i)]);
      active.assign(static_cast<size_t>(features_), 0);
      for (size_t i = 0; i < features_per_tree; ++i) active[feature_order[i]] = 1;
    }
    if (rows.size() < n) std::fill(leaf_of_row.begin(), leaf_of_row.end(), -1);
    trees_.push_back(HistogramTree::grow(data, rows, binning, tree_params, threads, active, &scratch, leaf_of_row));
    const HistogramTree& tree = trees_.back();
    // The grower says where its rows ended; only rows left out of a subsample walk the tree.
    const std::vector<TreeNode>& nodes = tree.nodes();
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t r = 0; r < n; ++r)
      margin[r] += learning_rate_ * (leaf_of_row[r] >= 0 ? nodes[static_cast<size_t>(leaf_of_row[r])].value
                                                         : tree.predict_binned(data, r));

    if (!early_stopping) continue;
    const auto stride = static_cast<size_t>(X_held.rows());
    double held_loss = 0, held_total = 0;
    for (size_t i = 0; i < held_margin.size(); ++i) {
      held_margin[i] += learning_rate_ * tree.predict(X_held.data() + i, stride);
      held_loss += w_held[i] * log_loss(y_held[i], held_margin[i]);
      held_total += w_held[i];
    }
    const double score = by_ap ? average_precision(y_held, held_margin) : held_loss / held_total;
    validation_score_.push_back(score);
    if (std::isnan(best_score) || (by_ap ? score > best_score : score < best_score)) {
      best_score = score;
      best_rounds = trees_.size();
      best_margin = margin;
    } else if (trees_.size() - best_rounds >= static_cast<size_t>(params.early_stopping_rounds)) {
      break;
    }
  }
  if (early_stopping) {  // keep the trees up to the best round, as XGBoost's best_iteration
    trees_.resize(best_rounds);
    margin = std::move(best_margin);
  }
  // Once, at the end: a per-round loss cost 12% of the fit on cover.csv (a log per row per round).
  double loss = 0;
  for (size_t r = 0; r < n; ++r) loss += w[r] * log_loss(y[r], margin[r]);
  training_loss_ = loss / total;
  packed_ = PackedTrees(trees_);
}

Eigen::VectorXd GradientBoosting::decision_function(const Eigen::MatrixXd& X, int threads) const {
  if (X.cols() != features_)
    throw UsageError("gradient boosting: the data has " + std::to_string(X.cols()) + " columns, the model " +
                     std::to_string(features_));
  return packed_.accumulate(X, base_margin_, learning_rate_, threads);
}

Eigen::VectorXd GradientBoosting::predict_proba(const Eigen::MatrixXd& X, int threads) const {
  Eigen::VectorXd m = decision_function(X, threads);
  for (Eigen::Index r = 0; r < m.size(); ++r) m[r] = sigmoid(m[r]);
  return m;
}

double GradientBoosting::predict_proba_row(const double* row) const {
  return sigmoid(packed_.accumulate_row(row, base_margin_, learning_rate_));
}

nlohmann::json GradientBoosting::state_to_json() const {
  nlohmann::json trees = nlohmann::json::array();
  for (const HistogramTree& t : trees_) trees.push_back(tree_to_json(t.nodes()));
  return {{"features", features_}, {"base_margin", base_margin_}, {"learning_rate", learning_rate_},
          {"trees", std::move(trees)}};
}

GradientBoosting GradientBoosting::from_json(const nlohmann::json& state) {
  GradientBoosting m;
  m.features_ = state.at("features").get<int>();
  m.base_margin_ = state.at("base_margin").get<double>();
  m.learning_rate_ = state.at("learning_rate").get<double>();
  if (m.features_ < 1 || !std::isfinite(m.base_margin_) || !std::isfinite(m.learning_rate_))
    throw ArtifactError("gradient boosting: the saved state has an invalid feature count, base margin or learning rate");
  for (const nlohmann::json& t : state.at("trees"))
    m.trees_.push_back(HistogramTree::from_nodes(tree_from_json(t), m.features_));
  m.packed_ = PackedTrees(m.trees_);
  return m;
}

}  // namespace fraudkit::models
