// Path-dependent TreeSHAP (tree_shap.h). The variable names follow the paper's Algorithm 2.
#include "models/tree_shap.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace fraudkit::models {
namespace {

struct PathElement {
  int feature = -1;
  double zero_fraction = 0;  // share of the "feature unknown" weight that follows this path
  double one_fraction = 0;   // 1 when the row itself follows this path, else 0
  double weight = 0;         // permutation weight of the subset sizes
};

void extend(PathElement* path, int depth, double zero_fraction, double one_fraction, int feature) {
  path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0 : 0.0};
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].weight += one_fraction * path[i].weight * (i + 1) / static_cast<double>(depth + 1);
    path[i].weight = zero_fraction * path[i].weight * (depth - i) / static_cast<double>(depth + 1);
  }
}

void unwind(PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction, zero = path[index].zero_fraction;
  double next = path[depth].weight;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double tmp = path[i].weight;
      path[i].weight = next * (depth + 1) / ((i + 1) * one);
      next = tmp - path[i].weight * zero * (depth - i) / static_cast<double>(depth + 1);
    } else {
      path[i].weight = path[i].weight * (depth + 1) / (zero * (depth - i));
    }
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

double unwound_sum(const PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction, zero = path[index].zero_fraction;
  double next = path[depth].weight, total = 0;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double tmp = next * (depth + 1) / ((i + 1) * one);
      total += tmp;
      next = path[i].weight - tmp * zero * (depth - i) / static_cast<double>(depth + 1);
    } else {
      total += path[i].weight / zero / ((depth - i) / static_cast<double>(depth + 1));
    }
  }
  return total;
}

struct Walker {
  const std::vector<TreeNode>& nodes;
  const double* row;
  size_t stride;
  double scale;
  std::span<double> phi;
  std::vector<PathElement> storage;  // one path per recursion level, each up to depth + 2 long

  bool goes_left(const TreeNode& n) const {
    return n.goes_left(row[static_cast<size_t>(n.feature) * stride]);
  }

  void recurse(int id, PathElement* parent_path, int depth, double zero_fraction, double one_fraction, int feature) {
    // This level's path starts as a copy of the parent's.
    PathElement* path = parent_path + depth;
    std::copy(parent_path, parent_path + depth, path);
    extend(path, depth, zero_fraction, one_fraction, feature);
    const TreeNode& n = nodes[static_cast<size_t>(id)];
    if (n.feature < 0) {
      for (int i = 1; i <= depth; ++i) {
        const double w = unwound_sum(path, depth, i);
        phi[static_cast<size_t>(path[i].feature)] += scale * w * (path[i].one_fraction - path[i].zero_fraction) * n.value;
      }
      return;
    }
    const int hot = goes_left(n) ? n.left : n.right, cold = hot == n.left ? n.right : n.left;
    const double cover = n.cover;
    const double hot_share = cover > 0 ? nodes[static_cast<size_t>(hot)].cover / cover : 0;
    const double cold_share = cover > 0 ? nodes[static_cast<size_t>(cold)].cover / cover : 0;
    double incoming_zero = 1, incoming_one = 1;
    int k = 1;
    while (k <= depth && path[k].feature != n.feature) ++k;
    if (k <= depth) {  // the feature was split on above: undo its earlier extension
      incoming_zero = path[k].zero_fraction;
      incoming_one = path[k].one_fraction;
      unwind(path, depth, k);
      --depth;
    }
    recurse(hot, path, depth + 1, hot_share * incoming_zero, incoming_one, n.feature);
    recurse(cold, path, depth + 1, cold_share * incoming_zero, 0, n.feature);
  }
};

int tree_depth(const std::vector<TreeNode>& nodes) {
  std::vector<int> depth(nodes.size(), 0);
  int deepest = 0;
  for (size_t id = 0; id < nodes.size(); ++id) {  // children come after their parents
    const TreeNode& n = nodes[id];
    deepest = std::max(deepest, depth[id]);
    if (n.feature >= 0) depth[static_cast<size_t>(n.left)] = depth[static_cast<size_t>(n.right)] = depth[id] + 1;
  }
  return deepest;
}

}  // namespace

double tree_expected_value(const HistogramTree& tree) {
  const std::vector<TreeNode>& nodes = tree.nodes();
  const double root = nodes[0].cover;
  if (!(root > 0)) return nodes[0].value;
  double sum = 0;
  for (const TreeNode& n : nodes)
    if (n.feature < 0) sum += n.value * n.cover / root;
  return sum;
}

void add_tree_shap(const HistogramTree& tree, const double* row, size_t stride, double scale, std::span<double> phi) {
  const std::vector<TreeNode>& nodes = tree.nodes();
  const auto depth = static_cast<size_t>(tree_depth(nodes));
  // Each recursion level keeps its own path right after its parent's (as XGBoost does); the
  // levels' paths, at most depth + 2 of them of up to depth + 2 entries, fit in this much.
  Walker w{nodes, row, stride, scale, phi, std::vector<PathElement>((depth + 2) * (depth + 3))};
  w.recurse(0, w.storage.data(), 0, 1, 1, -1);
}

Eigen::MatrixXd ensemble_contributions(std::span<const HistogramTree> trees, const Eigen::MatrixXd& X, double start,
                                       double scale, int threads) {
  const Eigen::Index features = X.cols();
  double baseline = start;
  for (const HistogramTree& tree : trees) baseline += scale * tree_expected_value(tree);
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(X.rows(), features + 1);
#pragma omp parallel for schedule(dynamic, 64) num_threads(std::max(1, threads)) if (X.rows() > 256)
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    std::vector<double> phi(static_cast<size_t>(features), 0.0);
    for (const HistogramTree& tree : trees) add_tree_shap(tree, X.data() + r, static_cast<size_t>(X.rows()), scale, phi);
    for (Eigen::Index f = 0; f < features; ++f) out(r, f) = phi[static_cast<size_t>(f)];
    out(r, features) = baseline;
  }
  return out;
}

}  // namespace fraudkit::models
