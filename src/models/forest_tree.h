#pragma once
// One classification tree of a random forest with scikit-learn's DecisionTreeClassifier
// semantics (criterion "gini", splitter "best"):
// - depth-first; a node is split while it holds both classes, has at least two rows and is
//   above max_depth, by the valid split (min_samples_leaf rows each side) of largest Gini
//   decrease, even a zero one, as scikit-learn does;
// - each split looks at max_features features drawn without replacement, drawing further
//   while every feature drawn so far is constant in the node;
// - a leaf's value is the weighted share of positive rows in it (predict_proba of the tree).
// The split search reads each feature as ordered codes (forest_codes.h): with exact codes
// (one per distinct value) the candidates and thresholds are scikit-learn's, the midpoints
// between consecutive values present in the node; with histogram codes they are bin edges.
// A node's sums per code come from one pass into a dense array when the column has at most
// 4 codes per node row, otherwise from sorting the rows' codes.
// Gini on weights is the second-order gain with gradient -w*y, hessian w and no penalty:
// G_L^2/H_L + G_R^2/H_R - G^2/H is half the weighted Gini decrease.
// Missing values (NaN) go to the side that gains more, as in the boosting trees.
#include <cstdint>
#include <span>

#include "common/random.h"
#include "models/forest_codes.h"
#include "models/histogram_tree.h"

namespace fraudkit::models {

struct ForestTreeParams {
  int max_depth = 0;              // 0 = no limit (the root is depth 0)
  uint32_t min_samples_leaf = 1;  // fewest rows in each child
  int max_features = 1;           // features drawn per split, 1..features
};

// y and one weight per row of the coded data, 0 for rows the tree does not see (out of its
// bootstrap sample).
HistogramTree grow_forest_tree(const ForestCodes& codes, std::span<const uint8_t> y, std::span<const double> weights,
                               const ForestTreeParams& params, Rng& rng);

}  // namespace fraudkit::models
