#pragma once
// Synthetic data generators (`fraudkit generate`).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fraudkit/dataset.h"
#include "fraudkit/param_table.h"

namespace fraudkit {

// scikit-learn make_classification semantics for two classes: Gaussian clusters on the
// vertices of a hypercube of side 2*class_sep in the informative subspace (one cluster per
// class by default), random covariance per cluster, redundant features as random linear
// combinations of the informative ones, the rest noise, labels flipped with probability
// flip_y, then features shuffled. Equal in distribution to scikit-learn, not bit-identical.
struct ClassificationParams {
  int n_samples = 10000;           // rows
  int n_features = 20;             // total features
  int n_informative = 2;           // features carrying the signal
  int n_redundant = 2;             // linear combinations of the informative ones
  int n_clusters_per_class = 1;    // Gaussian clusters per class
  double weight_positive = 0.02;   // share of class 1 before label noise (weights=[1-w, w])
  double flip_y = 0.01;            // fraction of labels assigned at random
  double class_sep = 1.0;          // hypercube half-side: larger = easier
  int seed = 0;                    // random seed
};
std::span<const ParamSpec<ClassificationParams>> classification_param_table();
// Columns x0..x{d-1} (numeric), target "label". Throws UsageError for inconsistent sizes.
Dataset make_classification(const ClassificationParams& params);

// The reference card-transaction simulator (../shared/anchors/make_transactions.py): amount,
// hour, day_of_week, merchant_category (categorical), distance_from_home,
// transaction_count_24h; target is_fraud. Same distributions per class, legit rows then fraud
// rows then a seeded shuffle.
struct TransactionParams {
  int rows = 50000;           // total rows
  double fraud_rate = 0.02;   // n_fraud = round(rows * fraud_rate)
  int seed = 42;              // random seed
};
std::span<const ParamSpec<TransactionParams>> transaction_param_table();
Dataset make_transactions(const TransactionParams& params);

}  // namespace fraudkit
