// Random forest: test-set AP within 0.01 of scikit-learn 1.2's RandomForestClassifier
// (tests/oracle/forest_oracle.py: 100 trees, sqrt features, bootstrap, Gini), both sides
// averaged over seeds 0-4 because a forest's AP moves with its seed by more than 0.01 on the
// small sets; hand-checked thresholds; the tree invariants; max_features; and the errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"
#include "models/feature_binning.h"
#include "models/random_forest.h"
#include "test_support.h"

namespace fraudkit::models {
namespace {

using Split = testing::HoldoutSplit;

Split load_split(const std::string& name) { return testing::holdout_split(name); }

double ap_of(const std::vector<uint8_t>& y, const Eigen::VectorXd& scores) {
  return average_precision(y, std::span<const double>(scores.data(), static_cast<size_t>(scores.size())));
}

TEST(RandomForest, MeanTestApWithinOnePointOfScikitLearn) {
  const auto oracle = testing::source_dir() / "tests" / "oracle" / "forest_oracle.py";
  for (const std::string name : {"annthyroid.csv", "campaign.csv", "cardio.csv", "mammography.csv", "satimage-2.csv",
                                 "shuttle.csv", "smtp.csv", "thyroid.csv"}) {
    const Split s = load_split(name);
    double ap = 0;
    for (int seed = 0; seed < 5; ++seed) {
      RandomForest forest;
      forest.fit(s.train_X, s.train_y, {}, {.seed = seed}, 2);
      ap += ap_of(s.test_y, forest.predict_proba(s.test_X, 2)) / 5;
    }
    const double peer = testing::run_python_json(oracle, testing::dataset_path(name).string() +
                                                             " --target label --model rf --seeds 5")["ap"]
                            .get<double>();
    EXPECT_NEAR(ap, peer, 0.01) << name;
    std::printf("%-16s mean AP fraudkit %.4f  scikit-learn %.4f\n", name.c_str(), ap, peer);
  }
}

TEST(RandomForest, BalancedSubsampleWithinOnePointOfScikitLearn) {
  const std::string name = "mammography.csv";
  const Split s = load_split(name);
  double ap = 0;
  for (int seed = 0; seed < 5; ++seed) {
    RandomForest forest;
    forest.fit(s.train_X, s.train_y, {}, {.class_weight = "balanced_subsample", .seed = seed}, 2);
    ap += ap_of(s.test_y, forest.predict_proba(s.test_X, 2)) / 5;
  }
  const auto oracle = testing::source_dir() / "tests" / "oracle" / "forest_oracle.py";
  const double peer =
      testing::run_python_json(oracle, testing::dataset_path(name).string() +
                                           " --target label --model rf --seeds 5 --class-weight balanced_subsample")["ap"]
          .get<double>();
  EXPECT_NEAR(ap, peer, 0.01);
}

// Four rows, one feature, every row seen once: the one split is scikit-learn's midpoint.
TEST(RandomForest, ExactSplitsAreMidpointsBetweenTheNodesValues) {
  Eigen::MatrixXd X(5, 1);
  X << 1, 2, 4, 8, std::nan("");
  const std::vector<uint8_t> y{0, 0, 1, 1, 1};
  RandomForest forest;
  forest.fit(X, y, {}, {.trees = 1, .max_features = "all", .bootstrap = false}, 1);
  const std::vector<TreeNode>& nodes = forest.trees()[0].nodes();
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].feature, 0);
  EXPECT_EQ(nodes[0].threshold, 3.0);  // (2 + 4) / 2
  EXPECT_FALSE(nodes[0].missing_left) << "the missing row is positive: it belongs right";
  EXPECT_EQ(nodes[nodes[0].left].value, 0.0);
  EXPECT_EQ(nodes[nodes[0].right].value, 1.0);
  Eigen::MatrixXd query(3, 1);
  query << 3.0, 3.0000001, std::nan("");
  const Eigen::VectorXd p = forest.predict_proba(query);
  EXPECT_EQ(p[0], 0.0);
  EXPECT_EQ(p[1], 1.0);
  EXPECT_EQ(p[2], 1.0);
}

TEST(RandomForest, TreesRespectDepthLeafSizeAndLeafValues) {
  const Split s = load_split("mammography.csv");
  RandomForest forest;
  forest.fit(s.train_X, s.train_y, {}, {.trees = 10, .max_depth = 4, .min_samples_leaf = 20, .seed = 3}, 2);
  for (const HistogramTree& tree : forest.trees()) {
    const std::vector<TreeNode>& nodes = tree.nodes();
    std::vector<int> depth(nodes.size(), 0);
    for (size_t id = 0; id < nodes.size(); ++id) {
      const TreeNode& n = nodes[id];
      EXPECT_GE(n.rows, 20u);
      EXPECT_LE(depth[id], 4);
      EXPECT_GE(n.value, 0.0);
      EXPECT_LE(n.value, 1.0);
      if (n.feature < 0) continue;
      depth[static_cast<size_t>(n.left)] = depth[static_cast<size_t>(n.right)] = depth[id] + 1;
      // A node's positive share is the weighted mean of its children's.
      const TreeNode &l = nodes[static_cast<size_t>(n.left)], &r = nodes[static_cast<size_t>(n.right)];
      EXPECT_NEAR(n.value * n.cover, l.value * l.cover + r.value * r.cover, 1e-9 * n.cover);
      EXPECT_EQ(n.rows, l.rows + r.rows);
    }
  }
}

TEST(RandomForest, HistogramSplitsUseTheBinEdges) {
  const Split s = load_split("mammography.csv");
  RandomForest forest;
  forest.fit(s.train_X, s.train_y, {}, {.trees = 5, .splitter = "histogram", .max_bins = 32}, 2);
  const FeatureBinning binning = FeatureBinning::fit(s.train_X, {.max_bins = 32});
  for (const HistogramTree& tree : forest.trees())
    for (const TreeNode& n : tree.nodes()) {
      if (n.feature < 0 || std::isinf(n.threshold)) continue;
      const std::vector<double>& edges = binning.thresholds(n.feature);
      EXPECT_TRUE(std::find(edges.begin(), edges.end(), n.threshold) != edges.end()) << n.threshold;
    }
  EXPECT_GT(ap_of(s.test_y, forest.predict_proba(s.test_X)), 0.5);
}

TEST(RandomForest, OutOfBagScoreTracksTheTestScore) {
  const Split s = load_split("mammography.csv");
  RandomForest forest;
  forest.fit(s.train_X, s.train_y, {}, {.oob_score = true}, 2);
  const nlohmann::json& oob = forest.oob();
  // With 100 trees nearly every row is out of some tree's bootstrap (1 - e^-1 of them each).
  EXPECT_GT(oob.at("rows_scored").get<double>(), 0.999 * static_cast<double>(s.train_X.rows()));
  EXPECT_NEAR(oob.at("average_precision").get<double>(), ap_of(s.test_y, forest.predict_proba(s.test_X)), 0.05);
}

TEST(RandomForest, MaxFeaturesForms) {
  EXPECT_EQ(resolve_max_features("sqrt", 10), 3);
  EXPECT_EQ(resolve_max_features("log2", 10), 3);
  EXPECT_EQ(resolve_max_features("all", 10), 10);
  EXPECT_EQ(resolve_max_features("0.5", 10), 5);
  EXPECT_EQ(resolve_max_features("0.01", 10), 1);
  EXPECT_EQ(resolve_max_features("4", 10), 4);
  EXPECT_EQ(resolve_max_features("40", 10), 10);
  for (const char* bad : {"abc", "0", "-1", "2.5", "3x", ""}) EXPECT_THROW(resolve_max_features(bad, 10), UsageError) << bad;
}

TEST(RandomForest, BadInputIsAClearError) {
  Eigen::MatrixXd X(4, 1);
  X << 1, 2, 3, 4;
  const std::vector<uint8_t> y{0, 1, 0, 1};
  RandomForest forest;
  EXPECT_THROW(forest.fit(X, std::vector<uint8_t>{0, 0, 0, 0}, {}, {}, 1), DataError);
  EXPECT_THROW(forest.fit(X, y, {}, {.class_weight = "balanced"}, 1), UsageError);
  EXPECT_THROW(forest.fit(X, y, {}, {.splitter = "random"}, 1), UsageError);
  EXPECT_THROW(forest.fit(X, y, {}, {.trees = 0}, 1), UsageError);
  X(1, 0) = std::numeric_limits<double>::infinity();
  EXPECT_THROW(forest.fit(X, y, {}, {}, 1), DataError);
}

}  // namespace
}  // namespace fraudkit::models
