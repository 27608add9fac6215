// Leaf-wise histogram trees, checked by invariants against direct computation on the rows:
// every leaf's value is the Newton step of the rows that reach it, every split is the best
// split of its node's rows (a histogram built from scratch for that node, so the grower's row
// partition and sibling subtraction are what is tested), the size limits hold, and routing raw
// values by the stored thresholds agrees with routing the bins.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "fraudkit/error.h"
#include "models/histogram_tree.h"

namespace fraudkit::models {
namespace {

struct Data {
  Eigen::MatrixXd X;
  std::vector<double> gradients, hessians;
  FeatureBinning binning;
  std::vector<uint8_t> bins;
  BinnedRows view() const {
    return {bins, static_cast<size_t>(X.rows()), static_cast<int>(X.cols()), binning.max_bins(), gradients, hessians};
  }
};

// Raw features with ties and missing values; gradients that depend on them (so splits gain).
Data make_data(Eigen::Index rows, Eigen::Index cols, int max_bins, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> coin(0, 9);
  Data d;
  d.X.resize(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r)
    for (Eigen::Index c = 0; c < cols; ++c)
      d.X(r, c) = coin(rng) == 0 ? std::numeric_limits<double>::quiet_NaN()
                  : c % 2 == 0   ? std::round(normal(rng) * 4) / 4  // few distinct values
                                 : normal(rng);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const double x0 = std::isnan(d.X(r, 0)) ? 1.0 : d.X(r, 0);
    const double x1 = std::isnan(d.X(r, 1)) ? -1.0 : d.X(r, 1);
    d.gradients.push_back((x0 > 0) != (x1 > 0.3) ? 1.0 + 0.1 * normal(rng) : -1.0 + 0.1 * normal(rng));
    d.hessians.push_back(0.25 + 0.05 * std::abs(normal(rng)));
  }
  d.binning = FeatureBinning::fit(d.X, {.max_bins = max_bins});
  d.bins = d.binning.transform_rows(d.X);
  return d;
}

int depth_of(const HistogramTree& tree, int id, int target, int depth = 0) {
  if (id == target) return depth;
  const TreeNode& n = tree.nodes()[static_cast<size_t>(id)];
  if (n.feature < 0) return -1;
  const int l = depth_of(tree, n.left, target, depth + 1);
  return l >= 0 ? l : depth_of(tree, n.right, target, depth + 1);
}

TEST(HistogramTree, LeavesAreNewtonStepsAndSplitsAreEachNodesBest) {
  struct Case {
    int max_bins;
    TreeParams params;
  };
  const Case cases[] = {
      {255, {.max_leaves = 31}},
      {16, {.max_leaves = 12, .max_depth = 3, .split = {.lambda = 2.0, .min_child_weight = 3.0, .min_samples_leaf = 20}}},
  };
  uint32_t seed = 40;
  for (const Case& c : cases) {
    const Data d = make_data(3000, 4, c.max_bins, seed++);
    const BinnedRows view = d.view();
    std::vector<uint32_t> rows;
    for (uint32_t r = 0; r < 3000; ++r)
      if (r % 5 != 0) rows.push_back(r);
    const HistogramTree tree = HistogramTree::grow(view, rows, d.binning, c.params, 2);
    ASSERT_GT(tree.leaves(), 1);
    EXPECT_LE(tree.leaves(), c.params.max_leaves);

    // Each node's rows, by routing every training row from the root.
    std::vector<std::vector<uint32_t>> node_rows(tree.nodes().size());
    for (const uint32_t r : rows) {
      int id = 0;
      for (;;) {
        node_rows[static_cast<size_t>(id)].push_back(r);
        const TreeNode& n = tree.nodes()[static_cast<size_t>(id)];
        if (n.feature < 0) break;
        const uint8_t b = view.bins[r * static_cast<size_t>(view.features) + static_cast<size_t>(n.feature)];
        id = (b == view.max_bins ? n.missing_left : b <= n.bin) ? n.left : n.right;
      }
    }
    for (size_t id = 0; id < tree.nodes().size(); ++id) {
      const TreeNode& n = tree.nodes()[id];
      const std::vector<uint32_t>& mine = node_rows[id];
      EXPECT_EQ(n.rows, mine.size()) << "node " << id;
      if (c.params.max_depth > 0) {
        EXPECT_LE(depth_of(tree, 0, static_cast<int>(id)), c.params.max_depth);
      }
      if (n.feature < 0) {
        double g = 0, h = 0;
        for (const uint32_t r : mine) g += d.gradients[r], h += d.hessians[r];
        EXPECT_NEAR(n.value, -g / (h + c.params.split.lambda), 1e-9) << "leaf " << id;
        continue;
      }
      NodeHistogram fresh(view.features, view.max_bins);
      fresh.build(view.bins, view.gradients, view.hessians, mine, 1);
      const SplitCandidate best = best_split(fresh, c.params.split);
      EXPECT_NEAR(n.gain, best.gain, 1e-9 * best.gain) << "node " << id;
      EXPECT_GT(n.gain, 0);
    }
    // Raw values routed by the stored thresholds reach the same leaf values as the bins.
    for (Eigen::Index r = 0; r < d.X.rows(); ++r)
      EXPECT_EQ(tree.predict(d.X.data() + r, static_cast<size_t>(d.X.rows())), tree.predict_binned(view, static_cast<size_t>(r)))
          << "row " << r;
  }
}

TEST(HistogramTree, TwoLevelsSeparateAnXorPattern) {
  // Four groups of rows by (x0 > 0, x1 > 0), of sizes 3, 1, 2 and 4; gradient +1 where
  // exactly one holds, -1 elsewhere. With lambda 0 the root's best split is x1 (gain 0.4
  // against 0.067 for x0), and each side then separates on x0: four pure leaves whose Newton
  // steps are -g.
  Eigen::MatrixXd X(10, 2);
  X << -1, -1, -1, -1, -1, -1, -1, 1, 1, -1, 1, -1, 1, 1, 1, 1, 1, 1, 1, 1;
  std::vector<double> g{-1, -1, -1, 1, 1, 1, -1, -1, -1, -1}, h(10, 1.0);
  const FeatureBinning binning = FeatureBinning::fit(X);
  const std::vector<uint8_t> bins = binning.transform_rows(X);
  const BinnedRows view{bins, 10, 2, binning.max_bins(), g, h};
  std::vector<uint32_t> rows(10);
  for (uint32_t i = 0; i < 10; ++i) rows[i] = i;
  const HistogramTree tree = HistogramTree::grow(view, rows, binning, {.max_leaves = 4, .split = {.lambda = 0, .min_child_weight = 0}}, 1);
  EXPECT_EQ(tree.leaves(), 4);
  for (uint32_t r = 0; r < 10; ++r) EXPECT_DOUBLE_EQ(tree.predict_binned(view, r), -g[r]) << "row " << r;
  EXPECT_THROW(HistogramTree::grow(view, rows, binning, {.max_leaves = 1}, 1), UsageError);
}

}  // namespace
}  // namespace fraudkit::models
