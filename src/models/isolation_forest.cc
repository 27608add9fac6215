// Isolation forest (isolation_forest.h).
#include "models/isolation_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "common/random.h"
#include "fraudkit/error.h"
#include "models/tree_json.h"

namespace fraudkit::models {

std::span<const ParamSpec<IsolationParams>> isolation_param_table() {
  constexpr double kNoBound = std::numeric_limits<double>::infinity();
  static const ParamSpec<IsolationParams> table[] = {
      {"trees", &IsolationParams::trees, 1, 100000, "trees in the forest (scikit-learn's n_estimators)"},
      {"max_samples", &IsolationParams::max_samples, 0, 1e9, "rows drawn per tree; 0 = auto, min(256, rows)"},
      {"max_features", &IsolationParams::max_features, 1e-6, 1, "fraction of the features each tree may use"},
      {"contamination", &IsolationParams::contamination, -kNoBound, kNoBound,
       "auto (default threshold 0.5) or the expected outlier share in (0, 0.5]; scores do not depend on it"},
      {"seed", &IsolationParams::seed, 0, 2147483647, "seed for the row and feature draws and the thresholds"},
  };
  return table;
}

double average_path_length(double n) {
  if (n <= 1) return 0;
  if (n <= 2) return 1;
  return 2.0 * (std::log(n - 1.0) + std::numbers::egamma) - 2.0 * (n - 1.0) / n;
}

namespace {

Rng tree_stream(int seed, size_t t) { return Rng((static_cast<uint64_t>(seed) << 32) ^ t ^ 0x150f0e57ULL); }

// k distinct indices out of n, drawn uniformly by a partial Fisher-Yates shuffle. For small k
// the swaps are kept in a short list instead of an n-sized array, so 256 rows out of 1M cost
// 256 draws, not a 1M-entry array per tree.
std::vector<uint32_t> draw_distinct(size_t n, size_t k, Rng& rng) {
  if (k > 1024) {
    std::vector<uint32_t> all(n);
    for (size_t i = 0; i < n; ++i) all[i] = static_cast<uint32_t>(i);
    for (size_t i = 0; i < k; ++i) std::swap(all[i], all[i + rng.below(n - i)]);
    all.resize(k);
    return all;
  }
  std::vector<std::pair<uint32_t, uint32_t>> swapped;  // position -> value, for touched positions
  const auto value_at = [&](uint32_t pos) {
    for (const auto& [p, v] : swapped)
      if (p == pos) return v;
    return pos;
  };
  const auto set = [&](uint32_t pos, uint32_t v) {
    for (auto& [p, old] : swapped)
      if (p == pos) return void(old = v);
    swapped.emplace_back(pos, v);
  };
  std::vector<uint32_t> out(k);
  for (size_t i = 0; i < k; ++i) {
    const auto j = static_cast<uint32_t>(i + rng.below(n - i));
    const uint32_t vi = value_at(static_cast<uint32_t>(i)), vj = value_at(j);
    out[i] = vj;
    set(j, vi);
    set(static_cast<uint32_t>(i), vj);
  }
  return out;
}

// A node to split: rows[begin, end) of the tree's sample.
struct Pending {
  int node, depth;
  uint32_t begin, end;
};

HistogramTree grow_isolation_tree(const Eigen::MatrixXd& X, std::vector<uint32_t> rows,
                                  std::span<const uint32_t> features, int max_depth, Rng& rng) {
  std::vector<TreeNode> nodes(1);
  std::vector<Pending> stack{{0, 0, 0, static_cast<uint32_t>(rows.size())}};
  std::vector<uint32_t> order(features.begin(), features.end());
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    const uint32_t count = p.end - p.begin;
    TreeNode& leaf = nodes[static_cast<size_t>(p.node)];
    leaf.rows = count;
    leaf.cover = count;
    leaf.value = p.depth + average_path_length(count);
    if (count < 2 || p.depth >= max_depth) continue;
    // One random feature that is not constant here (drawing on while they are).
    int feature = -1;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < order.size() && feature < 0; ++i) {
      std::swap(order[i], order[i + rng.below(order.size() - i)]);
      const double* x = X.data() + static_cast<size_t>(order[i]) * static_cast<size_t>(X.rows());
      lo = hi = x[rows[p.begin]];
      for (uint32_t k = p.begin + 1; k < p.end; ++k) lo = std::min(lo, x[rows[k]]), hi = std::max(hi, x[rows[k]]);
      if (hi > lo) feature = static_cast<int>(order[i]);
    }
    if (feature < 0) continue;  // every row equal on every feature
    double threshold = lo + (hi - lo) * rng.uniform();
    if (threshold == hi) threshold = lo;  // scikit-learn: keep the max on the right
    const double* x = X.data() + static_cast<size_t>(feature) * static_cast<size_t>(X.rows());
    const auto middle = std::partition(rows.begin() + p.begin, rows.begin() + p.end,
                                       [&](uint32_t r) { return x[r] <= threshold; });
    const auto mid = static_cast<uint32_t>(middle - rows.begin());
    const int left = static_cast<int>(nodes.size());
    TreeNode& node = nodes[static_cast<size_t>(p.node)];
    node.feature = feature;
    node.threshold = threshold;
    node.left = left;
    node.right = left + 1;
    nodes.resize(nodes.size() + 2);
    stack.push_back({left + 1, p.depth + 1, mid, p.end});
    stack.push_back({left, p.depth + 1, p.begin, mid});
  }
  return HistogramTree::from_nodes(std::move(nodes), static_cast<int>(X.cols()));
}

}  // namespace

void IsolationForest::fit(const Eigen::MatrixXd& X, const IsolationParams& params, int threads) {
  check_params(params, isolation_param_table(), "isolation_forest");
  const auto n = static_cast<size_t>(X.rows());
  if (n < 2) throw DataError("isolation_forest: needs at least 2 rows, got " + std::to_string(n));
  for (Eigen::Index c = 0; c < X.cols(); ++c)
    for (Eigen::Index r = 0; r < X.rows(); ++r)
      if (!std::isfinite(X(r, c)))
        throw DataError("isolation_forest: column " + std::to_string(c) + ", row " + std::to_string(r) +
                        " is not finite; impute missing values first (the preprocessing does by default)");
  double contamination = 0;
  if (params.contamination != "auto") {
    size_t used = 0;
    try {
      contamination = std::stod(params.contamination, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != params.contamination.size() || !(contamination > 0 && contamination <= 0.5))
      throw UsageError("isolation_forest: contamination is '" + params.contamination +
                       "'; expected auto or a fraction in (0, 0.5]");
  }
  features_ = static_cast<int>(X.cols());
  samples_ = params.max_samples == 0 ? static_cast<int>(std::min<size_t>(256, n))
                                     : static_cast<int>(std::min<size_t>(static_cast<size_t>(params.max_samples), n));
  const int max_depth = static_cast<int>(std::ceil(std::log2(std::max(samples_, 2))));
  const auto tree_features = std::max<size_t>(1, static_cast<size_t>(params.max_features * features_));
  const auto tree_count = static_cast<size_t>(params.trees);
  trees_.assign(tree_count, {});
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads))
  for (size_t t = 0; t < tree_count; ++t) {
    Rng rng = tree_stream(params.seed, t);
    std::vector<uint32_t> rows = draw_distinct(n, static_cast<size_t>(samples_), rng);
    std::vector<uint32_t> features = draw_distinct(static_cast<size_t>(features_), tree_features, rng);
    std::sort(features.begin(), features.end());
    trees_[t] = grow_isolation_tree(X, std::move(rows), features, max_depth, rng);
  }
  packed_ = PackedTrees(trees_);
  default_threshold_ = 0.5;
  if (contamination > 0) {  // the score above which `contamination` of the training rows lie
    Eigen::VectorXd s = score(X, threads);
    std::sort(s.data(), s.data() + s.size());
    const auto k = static_cast<Eigen::Index>(std::floor((1.0 - contamination) * static_cast<double>(n - 1)));
    default_threshold_ = s[k];
  }
}

Eigen::VectorXd IsolationForest::score(const Eigen::MatrixXd& X, int threads) const {
  if (X.cols() != features_)
    throw UsageError("isolation_forest: the data has " + std::to_string(X.cols()) + " columns, the model " +
                     std::to_string(features_));
  Eigen::VectorXd depth = packed_.accumulate(X, 0.0, 1.0, threads);
  const double scale = -1.0 / (static_cast<double>(trees_.size()) * average_path_length(samples_));
  for (Eigen::Index r = 0; r < depth.size(); ++r) depth[r] = std::exp2(depth[r] * scale);
  return depth;
}

double IsolationForest::score_row(const double* row) const {
  const double scale = -1.0 / (static_cast<double>(trees_.size()) * average_path_length(samples_));
  return std::exp2(packed_.accumulate_row(row, 0.0, 1.0) * scale);
}

nlohmann::json IsolationForest::state_to_json() const {
  nlohmann::json trees = nlohmann::json::array();
  for (const HistogramTree& t : trees_) trees.push_back(tree_to_json(t.nodes()));
  return {{"features", features_},
          {"samples_per_tree", samples_},
          {"default_threshold", default_threshold_},
          {"trees", std::move(trees)}};
}

IsolationForest IsolationForest::from_json(const nlohmann::json& state) {
  IsolationForest m;
  m.features_ = state.at("features").get<int>();
  m.samples_ = state.at("samples_per_tree").get<int>();
  m.default_threshold_ = state.at("default_threshold").get<double>();
  if (m.features_ < 1 || m.samples_ < 2)
    throw ArtifactError("isolation forest: the saved state has an invalid feature or sample count");
  for (const nlohmann::json& t : state.at("trees"))
    m.trees_.push_back(HistogramTree::from_nodes(tree_from_json(t), m.features_));
  if (m.trees_.empty()) throw ArtifactError("isolation forest: the saved state has no trees");
  m.packed_ = PackedTrees(m.trees_);
  return m;
}

}  // namespace fraudkit::models
