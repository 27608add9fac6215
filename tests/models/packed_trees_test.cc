// The packed scoring form gives, for every row, exactly the sum of the trees' own walks
// (HistogramTree::predict) in tree order, for batches of any size, any thread count and single
// rows, with and without missing values; missing values follow each split's learned direction.
#include "models/packed_trees.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "common/random.h"
#include "fraudkit/error.h"
#include "models/gradient_boosting.h"
#include "models/random_forest.h"

namespace fraudkit::models {
namespace {

// The reference: each tree's own walk, summed in tree order.
double plain_sum(std::span<const HistogramTree> trees, const Eigen::MatrixXd& X, Eigen::Index r, double start,
                 double scale) {
  double s = start;
  for (const HistogramTree& t : trees) s += scale * t.predict(X.data() + r, static_cast<size_t>(X.rows()));
  return s;
}

Eigen::MatrixXd random_rows(Eigen::Index rows, Eigen::Index cols, uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd X(rows, cols);
  for (Eigen::Index c = 0; c < cols; ++c)
    for (Eigen::Index r = 0; r < rows; ++r) X(r, c) = rng.uniform() < 0.05 ? std::nan("") : rng.normal();
  return X;
}

TEST(PackedTrees, SameSumsAsTheTreesOwnWalks) {
  const Eigen::MatrixXd X = random_rows(3000, 6, 1);
  std::vector<uint8_t> y(3000);
  for (Eigen::Index r = 0; r < X.rows(); ++r)
    y[static_cast<size_t>(r)] = (std::isnan(X(r, 0)) || X(r, 0) + X(r, 1) * X(r, 2) > 0.5) ? 1 : 0;
  GradientBoosting model;
  model.fit(X, y, {}, {.rounds = 30, .max_leaves = 15}, 2);
  const std::vector<HistogramTree>& trees = model.trees();
  const PackedTrees packed(trees);
  ASSERT_EQ(packed.trees(), 30u);
  // Not a multiple of the block size; with missing values, then without (blocks without
  // missing values take a step that does not test for them).
  const Eigen::MatrixXd Q = random_rows(1001, 6, 2);
  const Eigen::MatrixXd complete = Q.unaryExpr([](double v) { return std::isnan(v) ? 0.0 : v; });
  for (const Eigen::MatrixXd* q : {&Q, &complete})
    for (const int threads : {1, 2}) {
      const Eigen::VectorXd got = packed.accumulate(*q, 0.25, 0.1, threads);
      for (Eigen::Index r = 0; r < q->rows(); ++r) ASSERT_EQ(got[r], plain_sum(trees, *q, r, 0.25, 0.1)) << "row " << r;
    }
  std::vector<double> row(6);
  for (Eigen::Index r = 0; r < 50; ++r) {
    for (Eigen::Index c = 0; c < 6; ++c) row[static_cast<size_t>(c)] = Q(r, c);
    ASSERT_EQ(packed.accumulate_row(row.data(), 0.25, 0.1), plain_sum(trees, Q, r, 0.25, 0.1)) << "row " << r;
  }
}

TEST(PackedTrees, LargeTreesScoredInLargeBlocksGiveTheTreesOwnSums) {
  // Trees grown until pure on a noisy label have thousands of nodes: the batch is then cut into
  // blocks of up to 4096 rows. 5000 rows: one full block and a partial one. The data has a
  // column no split reads after the ones they do (the sentinel column must not take its place).
  const Eigen::MatrixXd X = random_rows(8000, 4, 5);
  std::vector<uint8_t> y(8000);
  Rng noise(6);
  for (Eigen::Index r = 0; r < X.rows(); ++r) y[static_cast<size_t>(r)] = noise.uniform() < 0.3 ? 1 : 0;
  RandomForest forest;
  forest.fit(X, y, {}, {.trees = 4, .max_features = "all"}, 2);
  const std::vector<HistogramTree>& trees = forest.trees();
  ASSERT_GT(trees[0].nodes().size(), 2000u);
  Eigen::MatrixXd Q(5000, 5);
  Q.leftCols(4) = random_rows(5000, 4, 7);
  Q.col(4).setConstant(std::numeric_limits<double>::infinity());
  const PackedTrees packed(trees);
  for (const int threads : {1, 2}) {
    const Eigen::VectorXd got = packed.accumulate(Q, 0.0, 1.0, threads);
    for (Eigen::Index r = 0; r < Q.rows(); ++r) ASSERT_EQ(got[r], plain_sum(trees, Q, r, 0.0, 1.0)) << "row " << r;
  }
  // Data narrower than the columns the splits read is refused, not read past its end.
  EXPECT_THROW(packed.accumulate(Q.leftCols(2), 0.0, 1.0, 1), Error);
}

TEST(PackedTrees, CategoricalSplitsGiveTheTreesOwnSums) {
  // Column 0 holds codes of 12 categories (some missing), column 1 a number; the label depends
  // on a scattered set of categories, so the trees split on category sets.
  Rng rng(3);
  Eigen::MatrixXd X(4000, 2);
  std::vector<uint8_t> y(4000);
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    const auto code = static_cast<double>(rng.below(12));
    X(r, 0) = rng.uniform() < 0.05 ? std::nan("") : code;
    X(r, 1) = rng.normal();
    y[static_cast<size_t>(r)] = ((static_cast<int>(code) * 7 % 12 < 4) + X(r, 1) + rng.normal() > 1) ? 1 : 0;
  }
  GradientBoosting model;
  const int categories[] = {12, 0};
  model.fit(X, y, {}, {.rounds = 20, .max_leaves = 8}, 2, categories);
  bool any_categorical = false;
  for (const HistogramTree& t : model.trees())
    for (const TreeNode& n : t.nodes()) any_categorical |= n.categorical();
  ASSERT_TRUE(any_categorical);
  const PackedTrees packed(model.trees());
  // Codes, missing values, and values no category has (past the codes, negative, fractional).
  Eigen::MatrixXd Q = random_rows(500, 2, 4);
  const double odd[] = {12, 300, -1, 2.5, 1e300};
  for (Eigen::Index r = 0; r < Q.rows(); ++r)
    if (!std::isnan(Q(r, 0))) Q(r, 0) = r % 10 == 0 ? odd[(r / 10) % 5] : static_cast<double>(r % 12);
  const Eigen::VectorXd got = packed.accumulate(Q, 0.0, 1.0, 2);
  std::vector<double> row(2);
  for (Eigen::Index r = 0; r < Q.rows(); ++r) {
    ASSERT_EQ(got[r], plain_sum(model.trees(), Q, r, 0.0, 1.0)) << "row " << r;
    row = {Q(r, 0), Q(r, 1)};
    ASSERT_EQ(packed.accumulate_row(row.data(), 0.0, 1.0), got[r]) << "row " << r;
  }
}

TEST(PackedTrees, TreesWhoseChildrenAreNotSideBySide) {
  // Root splits feature 0 at 0; its right child (node 1) splits feature 1 at 2, missing left;
  // node 4 is the root's left leaf: children listed far apart and out of order.
  std::vector<TreeNode> nodes(5);
  nodes[0] = {.feature = 0, .threshold = 0.0, .left = 4, .right = 1};
  nodes[1] = {.feature = 1, .missing_left = true, .threshold = 2.0, .left = 3, .right = 2};
  nodes[2].value = 30;
  nodes[3].value = 20;
  nodes[4].value = 10;
  const HistogramTree tree = HistogramTree::from_nodes(nodes, 2);
  const PackedTrees packed(std::span<const HistogramTree>(&tree, 1));
  Eigen::MatrixXd Q(5, 2);
  Q << -1, 5,  //  left leaf
      1, 1,    //  right, then left (1 <= 2)
      1, 3,    //  right, right
      1, std::nan(""),  // right, missing goes left
      std::nan(""), 0;  // root has missing right (the default)
  const Eigen::VectorXd got = packed.accumulate(Q, 0, 1, 1);
  EXPECT_EQ(got[0], 10);
  EXPECT_EQ(got[1], 20);
  EXPECT_EQ(got[2], 30);
  EXPECT_EQ(got[3], 20);
  EXPECT_EQ(got[4], 20);
}

}  // namespace
}  // namespace fraudkit::models
