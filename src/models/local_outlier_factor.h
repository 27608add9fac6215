#pragma once
// Local outlier factor in novelty mode, scikit-learn 1.2's LocalOutlierFactor(novelty=True):
// fitted on (mostly normal) training rows, it scores new rows by how much sparser their
// neighbourhood is than their neighbours' own.
//   k-distance(o)        distance from training row o to its k-th nearest other training row
//   reach(x, o)          max(k-distance(o), d(x, o))
//   lrd(x)               1 / (mean over x's k nearest training rows o of reach(x, o) + 1e-10)
//   LOF(x)               mean over those o of lrd(o) / lrd(x)
// Training rows find their neighbours among the other training rows (themselves excluded);
// new rows among all training rows. k = min(n_neighbors, training rows - 1). Neighbours come
// from the exact k-NN engine (neighbors.h); ties go to the smaller training row.
// The score is LOF / (1 + LOF): in (0, 1), higher = more anomalous, ranked as scikit-learn's
// -score_samples. Unsupervised: labels and weights are not used.
// The model keeps its training rows to find new rows' neighbours, so the artifact grows with
// them: max_samples (default 20,000, drawn uniformly with the seed) bounds it; 0 keeps all,
// as scikit-learn does.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/neighbors.h"
#include "fraudkit/param_table.h"

namespace fraudkit::models {

struct LofParams {
  int n_neighbors = 20;
  int max_samples = 20000;  // training rows kept; 0 = all
  int seed = 0;
};
std::span<const ParamSpec<LofParams>> lof_param_table();

class LocalOutlierFactor {
 public:
  LocalOutlierFactor() = default;
  LocalOutlierFactor(LocalOutlierFactor&&) noexcept;
  LocalOutlierFactor& operator=(LocalOutlierFactor&&) noexcept;
  ~LocalOutlierFactor();

  // NaN / infinite values are a DataError (impute first). `threads` also serves the neighbour
  // queries of later scoring (a loaded model uses OpenMP's setting); the results do not
  // depend on it.
  void fit(const Eigen::MatrixXd& X, const LofParams& params, int threads);
  // LOF(x) of each row.
  Eigen::VectorXd local_outlier_factor(const Eigen::MatrixXd& X) const;
  // LOF / (1 + LOF).
  Eigen::VectorXd score(const Eigen::MatrixXd& X) const;

  int neighbors() const { return k_; }
  size_t training_rows() const { return points_ ? static_cast<size_t>(points_->rows()) : 0; }

  nlohmann::json state_to_json() const;
  static LocalOutlierFactor from_json(const nlohmann::json& state);

 private:
  void build_index(int threads);
  int k_ = 0;
  // The kept training rows, on the heap: the index refers to them, so their address must not
  // change when the model is moved.
  std::unique_ptr<RowMatrix> points_;
  std::vector<double> k_distance_;   // per kept row
  std::vector<double> lrd_;          // per kept row
  std::unique_ptr<NearestNeighbors> index_;
};

}  // namespace fraudkit::models
