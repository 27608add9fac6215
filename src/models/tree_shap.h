#pragma once
// SHAP values of one tree's prediction (Lundberg, Erion and Lee 2018, "Consistent
// individualized feature attribution for tree ensembles", Algorithm 2: path-dependent TreeSHAP,
// as XGBoost's pred_contribs): the Shapley values of the game v(S) = E[tree(x) | x_S], where a
// split on a feature outside S sends the row down both sides, weighted by the children's
// training cover (hessian sums for boosting trees, row weights for forests). They add up:
// expected_value(tree) + sum of a row's SHAP values = the tree's leaf value for that row.
// Missing values follow each split's learned direction, as in prediction.
#include <span>

#include <Eigen/Dense>

#include "models/histogram_tree.h"

namespace fraudkit::models {

// The cover-weighted mean of the tree's leaf values: its prediction when no feature is known.
double tree_expected_value(const HistogramTree& tree);

// Adds scale x the SHAP value of every feature for `row` (features `stride` apart) to phi
// (one entry per feature). Polynomial: depth^2 work per leaf.
void add_tree_shap(const HistogramTree& tree, const double* row, size_t stride, double scale, std::span<double> phi);

// For an ensemble whose raw score is start + scale x (sum of its trees' leaf values): rows x
// (features + 1), each row's SHAP values then the baseline start + scale x (sum of expected
// values); a row's entries add up to its raw score. Rows run in parallel on `threads`.
Eigen::MatrixXd ensemble_contributions(std::span<const HistogramTree> trees, const Eigen::MatrixXd& X, double start,
                                       double scale, int threads);

}  // namespace fraudkit::models
