// Random forest (random_forest.h).
#include "models/random_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/random.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"
#include "models/forest_codes.h"
#include "models/forest_tree.h"
#include "models/tree_json.h"

namespace fraudkit::models {

std::span<const ParamSpec<ForestParams>> forest_param_table() {
  constexpr double kNoBound = std::numeric_limits<double>::infinity();
  static const ParamSpec<ForestParams> table[] = {
      {"trees", &ForestParams::trees, 1, 100000, "trees in the forest (scikit-learn's n_estimators)"},
      {"max_features", &ForestParams::max_features, -kNoBound, kNoBound,
       "features drawn per split: sqrt, log2, all, a fraction in (0, 1) or a count"},
      {"max_depth", &ForestParams::max_depth, 0, 1000, "deepest leaf; 0 = grow until pure"},
      {"min_samples_leaf", &ForestParams::min_samples_leaf, 1, 1e9, "fewest training rows in a leaf"},
      {"bootstrap", &ForestParams::bootstrap, -kNoBound, kNoBound, "draw each tree's rows with replacement"},
      {"max_samples", &ForestParams::max_samples, 1e-6, 1, "rows drawn per tree, as a fraction of the training rows"},
      {"class_weight", &ForestParams::class_weight, -kNoBound, kNoBound,
       "none or balanced_subsample (per-tree balancing; use --class-weight balanced for the whole set)"},
      {"oob_score", &ForestParams::oob_score, -kNoBound, kNoBound, "report out-of-bag AP and ROC-AUC"},
      {"splitter", &ForestParams::splitter, -kNoBound, kNoBound,
       "exact (every midpoint, as scikit-learn) or histogram (max_bins quantile edges, faster)"},
      {"max_bins", &ForestParams::max_bins, 2, 255, "bins per feature with splitter=histogram"},
      {"seed", &ForestParams::seed, 0, 2147483647, "seed for the bootstrap and the feature draws"},
  };
  return table;
}

int resolve_max_features(const std::string& text, int features) {
  const auto bad = [&] {
    return UsageError("random_forest: max_features is '" + text +
                      "'; expected sqrt, log2, all, a fraction in (0, 1) or a whole number of features");
  };
  if (text == "sqrt") return std::max(1, static_cast<int>(std::sqrt(static_cast<double>(features))));
  if (text == "log2") return std::max(1, static_cast<int>(std::log2(static_cast<double>(features))));
  if (text == "all") return features;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    throw bad();
  }
  if (used != text.size() || !(v > 0)) throw bad();
  if (v < 1) return std::max(1, static_cast<int>(v * features));  // scikit-learn: int(fraction * features)
  if (v != std::floor(v)) throw bad();
  return std::min(features, static_cast<int>(v));
}

namespace {

// Tree t's own stream: the forest is the same whatever thread grows which tree.
Rng tree_stream(int seed, size_t t) { return Rng((static_cast<uint64_t>(seed) << 32) ^ t); }

// How many times the bootstrap drew each row (1 for every row without bootstrap).
std::vector<uint32_t> draw_rows(size_t n, const ForestParams& params, Rng& rng) {
  if (!params.bootstrap) return std::vector<uint32_t>(n, 1);
  std::vector<uint32_t> counts(n, 0);
  const auto draws = std::max<size_t>(1, static_cast<size_t>(std::llround(params.max_samples * static_cast<double>(n))));
  for (size_t i = 0; i < draws; ++i) ++counts[rng.below(n)];
  return counts;
}

}  // namespace

void RandomForest::fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> weights,
                       const ForestParams& params, int threads) {
  const auto n = static_cast<size_t>(X.rows());
  if (n == 0 || y.size() != n || (!weights.empty() && weights.size() != n))
    throw UsageError("random_forest: X has " + std::to_string(n) + " rows, y " + std::to_string(y.size()) +
                     ", weights " + std::to_string(weights.size()) + " (expected the same, weights may be empty)");
  check_params(params, forest_param_table(), "random_forest");
  if (params.class_weight != "none" && params.class_weight != "balanced_subsample")
    throw UsageError("random_forest: class_weight is '" + params.class_weight +
                     "'; expected none or balanced_subsample (--class-weight balanced balances the whole set)");
  if (params.splitter != "exact" && params.splitter != "histogram")
    throw UsageError("random_forest: splitter is '" + params.splitter + "'; expected exact or histogram");
  features_ = static_cast<int>(X.cols());
  const int max_features = resolve_max_features(params.max_features, features_);
  size_t positives = 0;
  for (size_t r = 0; r < n; ++r) {
    const double w = weights.empty() ? 1.0 : weights[r];
    if (!(w > 0) || !std::isfinite(w))
      throw DataError("random_forest: row " + std::to_string(r) + " has weight " + std::to_string(w) +
                      "; expected a positive finite weight");
    if (y[r] > 1) throw DataError("random_forest: labels must be 0 or 1; row " + std::to_string(r) + " has " +
                                  std::to_string(y[r]));
    positives += y[r];
  }
  if (positives == 0 || positives == n)
    throw DataError("random_forest: the training rows hold a single class; both 0 and 1 are needed");

  const ForestCodes codes = ForestCodes::fit(X, params.splitter == "exact", params.max_bins, threads);
  const ForestTreeParams tree_params{.max_depth = params.max_depth,
                                     .min_samples_leaf = static_cast<uint32_t>(params.min_samples_leaf),
                                     .max_features = max_features};
  const auto tree_count = static_cast<size_t>(params.trees);
  trees_.assign(tree_count, {});
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads))
  for (size_t t = 0; t < tree_count; ++t) {
    Rng rng = tree_stream(params.seed, t);
    const std::vector<uint32_t> counts = draw_rows(n, params, rng);
    std::vector<double> w(n);
    double class_weight[2] = {1, 1};
    if (params.class_weight == "balanced_subsample") {  // n_drawn / (2 * drawn of the class), as scikit-learn
      double drawn[2] = {0, 0};
      for (size_t r = 0; r < n; ++r) drawn[y[r]] += counts[r];
      for (int c = 0; c < 2; ++c) class_weight[c] = drawn[c] > 0 ? (drawn[0] + drawn[1]) / (2 * drawn[c]) : 1;
    }
    for (size_t r = 0; r < n; ++r)
      w[r] = counts[r] ? counts[r] * class_weight[y[r]] * (weights.empty() ? 1.0 : weights[r]) : 0;
    trees_[t] = grow_forest_tree(codes, y, w, tree_params, rng);
  }
  packed_ = PackedTrees(trees_);

  oob_ = nlohmann::json::object();
  if (!params.oob_score || !params.bootstrap) return;
  // Out-of-bag: the trees in order, each adding to the rows it did not draw (a fixed order,
  // so the same sums whatever the thread count).
  std::vector<double> sum(n, 0);
  std::vector<uint32_t> votes(n, 0);
  for (size_t t = 0; t < tree_count; ++t) {
    Rng rng = tree_stream(params.seed, t);
    const std::vector<uint32_t> counts = draw_rows(n, params, rng);
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads))
    for (size_t r = 0; r < n; ++r)
      if (counts[r] == 0) sum[r] += trees_[t].predict(X.data() + r, n), ++votes[r];
  }
  std::vector<uint8_t> oob_y;
  std::vector<double> oob_score;
  for (size_t r = 0; r < n; ++r)
    if (votes[r] > 0) oob_y.push_back(y[r]), oob_score.push_back(sum[r] / votes[r]);
  oob_["rows_scored"] = oob_y.size();
  const bool both = std::count(oob_y.begin(), oob_y.end(), 1) > 0 && std::count(oob_y.begin(), oob_y.end(), 0) > 0;
  if (both) {
    oob_["average_precision"] = average_precision(oob_y, oob_score);
    oob_["roc_auc"] = roc_auc(oob_y, oob_score);
  }
}

Eigen::VectorXd RandomForest::predict_proba(const Eigen::MatrixXd& X, int threads) const {
  if (X.cols() != features_)
    throw UsageError("random_forest: the data has " + std::to_string(X.cols()) + " columns, the model " +
                     std::to_string(features_));
  Eigen::VectorXd sum = packed_.accumulate(X, 0.0, 1.0, threads);
  return sum / static_cast<double>(trees_.size());
}

double RandomForest::predict_proba_row(const double* row) const {
  return packed_.accumulate_row(row, 0.0, 1.0) / static_cast<double>(trees_.size());
}

nlohmann::json RandomForest::state_to_json() const {
  nlohmann::json trees = nlohmann::json::array();
  for (const HistogramTree& t : trees_) trees.push_back(tree_to_json(t.nodes()));
  return {{"features", features_}, {"trees", std::move(trees)}, {"oob", oob_}};
}

RandomForest RandomForest::from_json(const nlohmann::json& state) {
  RandomForest m;
  m.features_ = state.at("features").get<int>();
  if (m.features_ < 1) throw ArtifactError("random forest: the saved state has no features");
  for (const nlohmann::json& t : state.at("trees"))
    m.trees_.push_back(HistogramTree::from_nodes(tree_from_json(t), m.features_));
  if (m.trees_.empty()) throw ArtifactError("random forest: the saved state has no trees");
  m.packed_ = PackedTrees(m.trees_);
  m.oob_ = state.value("oob", nlohmann::json::object());
  return m;
}

}  // namespace fraudkit::models
