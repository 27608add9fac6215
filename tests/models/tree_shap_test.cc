// TreeSHAP against the definition: exact Shapley values of v(S) = E[tree(x) | x_S] computed by
// brute force over every subset S (a split on a feature outside S averages its children by
// cover), on random trees with repeated features, categorical splits and missing values; and additivity on
// trained boosting trees.
#include "models/tree_shap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/random.h"
#include "models/gradient_boosting.h"

namespace fraudkit::models {
namespace {

// v(S): the row's known features (mask bit f) are followed, the others averaged by cover.
double conditional_value(const std::vector<TreeNode>& nodes, int id, const std::vector<double>& x, unsigned known) {
  const TreeNode& n = nodes[static_cast<size_t>(id)];
  if (n.feature < 0) return n.value;
  if (known >> n.feature & 1u) {
    const double v = x[static_cast<size_t>(n.feature)];
    bool left = std::isnan(v) ? n.missing_left : v <= n.threshold;
    if (n.categorical() && !std::isnan(v))  // only whole codes 0..63 can be in the set
      left = v >= 0 && v < 64 && v == std::floor(v) && (n.left_categories[0] >> static_cast<int>(v) & 1u);
    return conditional_value(nodes, left ? n.left : n.right, x, known);
  }
  const TreeNode &l = nodes[static_cast<size_t>(n.left)], &r = nodes[static_cast<size_t>(n.right)];
  return (l.cover * conditional_value(nodes, n.left, x, known) + r.cover * conditional_value(nodes, n.right, x, known)) /
         n.cover;
}

std::vector<double> brute_force_shapley(const std::vector<TreeNode>& nodes, const std::vector<double>& x, int features) {
  std::vector<double> phi(static_cast<size_t>(features), 0);
  std::vector<double> factorial(static_cast<size_t>(features) + 1, 1);
  for (int i = 1; i <= features; ++i) factorial[static_cast<size_t>(i)] = factorial[static_cast<size_t>(i - 1)] * i;
  for (int f = 0; f < features; ++f)
    for (unsigned s = 0; s < (1u << features); ++s) {
      if (s >> f & 1u) continue;
      const int size = __builtin_popcount(s);
      const double weight = factorial[static_cast<size_t>(size)] * factorial[static_cast<size_t>(features - size - 1)] /
                            factorial[static_cast<size_t>(features)];
      phi[static_cast<size_t>(f)] +=
          weight * (conditional_value(nodes, 0, x, s | (1u << f)) - conditional_value(nodes, 0, x, s));
    }
  return phi;
}

// A random full binary tree of the given depth over `features` features (features repeat
// along paths), random thresholds in (-1, 1) or (30% of splits) random sets of codes 0..7,
// covers that add up, random missing directions.
std::vector<TreeNode> random_tree(int depth, int features, Rng& rng) {
  std::vector<TreeNode> nodes(1);
  nodes[0].cover = 100;
  std::vector<std::pair<int, int>> open{{0, 0}};
  for (size_t head = 0; head < open.size(); ++head) {
    const auto [id, d] = open[head];
    if (d == depth || (d > 1 && rng.uniform() < 0.2)) {
      nodes[static_cast<size_t>(id)].value = rng.normal();
      continue;
    }
    const int left = static_cast<int>(nodes.size());
    const double share = 0.1 + 0.8 * rng.uniform();
    TreeNode& n = nodes[static_cast<size_t>(id)];
    n.feature = static_cast<int>(rng.below(static_cast<uint64_t>(features)));
    n.threshold = 2 * rng.uniform() - 1;
    n.missing_left = rng.uniform() < 0.5;
    if (rng.uniform() < 0.3) n.left_categories = {rng.next() & 0xff};  // a categorical split on codes 0..7
    n.left = left;
    n.right = left + 1;
    const double cover = n.cover;
    nodes.push_back({.cover = cover * share});
    nodes.push_back({.cover = cover * (1 - share)});
    open.emplace_back(left, d + 1);
    open.emplace_back(left + 1, d + 1);
  }
  return nodes;
}

TEST(TreeShap, EqualsBruteForceShapleyValues) {
  Rng rng(5);
  for (int trial = 0; trial < 60; ++trial) {
    const int features = 2 + trial % 4, depth = 1 + trial % 5;
    const HistogramTree tree = HistogramTree::from_nodes(random_tree(depth, features, rng), features);
    for (int q = 0; q < 5; ++q) {
      std::vector<double> x(static_cast<size_t>(features));
      // Values that both numeric and categorical splits read: codes 0..7 shifted into (-1, 1)
      // would not be codes, so half the values are codes and half numbers.
      for (double& v : x)
        v = rng.uniform() < 0.1 ? std::nan("") : rng.uniform() < 0.5 ? static_cast<double>(rng.below(8)) : 2 * rng.uniform() - 1;
      std::vector<double> phi(static_cast<size_t>(features), 0);
      add_tree_shap(tree, x.data(), 1, 1.0, phi);
      const std::vector<double> want = brute_force_shapley(tree.nodes(), x, features);
      double sum = tree_expected_value(tree);
      for (int f = 0; f < features; ++f) {
        EXPECT_NEAR(phi[static_cast<size_t>(f)], want[static_cast<size_t>(f)], 1e-12) << "trial " << trial << " feature " << f;
        sum += phi[static_cast<size_t>(f)];
      }
      EXPECT_NEAR(sum, tree.predict(x.data()), 1e-12) << "trial " << trial;
    }
  }
}

TEST(TreeShap, BoostedTreesAddUpToTheMargin) {
  Rng rng(9);
  Eigen::MatrixXd X(2000, 5);
  std::vector<uint8_t> y(2000);
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    for (Eigen::Index c = 0; c < 5; ++c) X(r, c) = rng.uniform() < 0.03 ? std::nan("") : rng.normal();
    y[static_cast<size_t>(r)] = (X(r, 0) > 0.5) != (X(r, 1) * X(r, 2) > 0.3);
  }
  GradientBoosting model;
  model.fit(X, y, {}, {.rounds = 25, .max_leaves = 15}, 2);
  const Eigen::VectorXd margin = model.decision_function(X);
  for (Eigen::Index r = 0; r < 50; ++r) {
    std::vector<double> phi(5, 0);
    double sum = model.base_margin();
    for (const HistogramTree& tree : model.trees()) {
      add_tree_shap(tree, X.data() + r, static_cast<size_t>(X.rows()), 0.1, phi);
      sum += 0.1 * tree_expected_value(tree);
    }
    for (const double p : phi) sum += p;
    EXPECT_NEAR(sum, margin[r], 1e-9) << "row " << r;
  }
}

}  // namespace
}  // namespace fraudkit::models
