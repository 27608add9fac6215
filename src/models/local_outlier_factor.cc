// Local outlier factor, novelty mode (local_outlier_factor.h).
#include "models/local_outlier_factor.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/random.h"
#include "fraudkit/error.h"

namespace fraudkit::models {

std::span<const ParamSpec<LofParams>> lof_param_table() {
  static const ParamSpec<LofParams> table[] = {
      {"n_neighbors", &LofParams::n_neighbors, 1, 10000, "neighbours per row (scikit-learn's n_neighbors)"},
      {"max_samples", &LofParams::max_samples, 0, 1e9,
       "training rows kept in the model (drawn uniformly); 0 = all, as scikit-learn"},
      {"seed", &LofParams::seed, 0, 2147483647, "seed for drawing the kept rows"},
  };
  return table;
}

LocalOutlierFactor::LocalOutlierFactor(LocalOutlierFactor&&) noexcept = default;
LocalOutlierFactor& LocalOutlierFactor::operator=(LocalOutlierFactor&&) noexcept = default;
LocalOutlierFactor::~LocalOutlierFactor() = default;

namespace {

RowMatrix row_major(const Eigen::MatrixXd& X, std::span<const uint32_t> rows) {
  RowMatrix out(static_cast<Eigen::Index>(rows.size()), X.cols());
  for (size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
  return out;
}

// lrd from a row's neighbours and their distances.
double reach_density(std::span<const uint32_t> neighbours, const double* distances, const std::vector<double>& k_distance) {
  double sum = 0;
  for (size_t j = 0; j < neighbours.size(); ++j) sum += std::max(k_distance[neighbours[j]], distances[j]);
  return 1.0 / (sum / static_cast<double>(neighbours.size()) + 1e-10);
}

}  // namespace

void LocalOutlierFactor::build_index(int threads) {
  KnnOptions options;
  options.threads = threads;
  index_ = std::make_unique<NearestNeighbors>(*points_, options);
}

void LocalOutlierFactor::fit(const Eigen::MatrixXd& X, const LofParams& params, int threads) {
  check_params(params, lof_param_table(), "local_outlier_factor");
  const auto n = static_cast<size_t>(X.rows());
  if (n < 2) throw DataError("local_outlier_factor: needs at least 2 training rows, got " + std::to_string(n));
  std::vector<uint32_t> keep(n);
  for (size_t i = 0; i < n; ++i) keep[i] = static_cast<uint32_t>(i);
  if (params.max_samples > 0 && static_cast<size_t>(params.max_samples) < n) {  // a uniform draw, kept in order
    Rng rng(static_cast<uint64_t>(params.seed));
    for (size_t i = 0; i < static_cast<size_t>(params.max_samples); ++i) std::swap(keep[i], keep[i + rng.below(n - i)]);
    keep.resize(static_cast<size_t>(params.max_samples));
    std::sort(keep.begin(), keep.end());
  }
  points_ = std::make_unique<RowMatrix>(row_major(X, keep));  // NearestNeighbors rejects NaN and infinity
  const auto rows = static_cast<size_t>(points_->rows());
  k_ = std::min(params.n_neighbors, static_cast<int>(rows) - 1);
  build_index(threads);
  // Each training row's neighbours among the others: ask for k + 1 and drop the row itself
  // (scikit-learn's kneighbors(None) drops the query's own index, wherever ties put it).
  const KnnResult self = index_->query_self(k_ + 1);
  std::vector<uint32_t> ids(rows * static_cast<size_t>(k_));
  std::vector<double> dist(rows * static_cast<size_t>(k_));
  for (size_t i = 0; i < rows; ++i) {
    size_t out = 0;
    for (int j = 0; j <= k_ && out < static_cast<size_t>(k_); ++j) {
      if (self.index(i, j) == i) continue;
      ids[i * static_cast<size_t>(k_) + out] = self.index(i, j);
      dist[i * static_cast<size_t>(k_) + out] = self.distance(i, j);
      ++out;
    }
  }
  k_distance_.resize(rows);
  for (size_t i = 0; i < rows; ++i) k_distance_[i] = dist[i * static_cast<size_t>(k_) + static_cast<size_t>(k_ - 1)];
  lrd_.resize(rows);
  for (size_t i = 0; i < rows; ++i)
    lrd_[i] = reach_density({ids.data() + i * static_cast<size_t>(k_), static_cast<size_t>(k_)},
                            dist.data() + i * static_cast<size_t>(k_), k_distance_);
}

Eigen::VectorXd LocalOutlierFactor::local_outlier_factor(const Eigen::MatrixXd& X) const {
  if (!index_) throw UsageError("local_outlier_factor: the model is not fitted");
  if (X.cols() != points_->cols())
    throw UsageError("local_outlier_factor: the data has " + std::to_string(X.cols()) + " columns, the model " +
                     std::to_string(points_->cols()));
  std::vector<uint32_t> all(static_cast<size_t>(X.rows()));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint32_t>(i);
  const RowMatrix queries = row_major(X, all);
  const KnnResult near = index_->query(queries, k_);
  Eigen::VectorXd out(X.rows());
  for (size_t i = 0; i < all.size(); ++i) {
    const std::span<const uint32_t> neighbours = near.row(i);
    const double lrd = reach_density(neighbours, near.distances.data() + i * static_cast<size_t>(k_), k_distance_);
    double ratio = 0;
    for (const uint32_t o : neighbours) ratio += lrd_[o];
    out[static_cast<Eigen::Index>(i)] = ratio / static_cast<double>(k_) / lrd;
  }
  return out;
}

Eigen::VectorXd LocalOutlierFactor::score(const Eigen::MatrixXd& X) const {
  Eigen::VectorXd lof = local_outlier_factor(X);
  for (Eigen::Index i = 0; i < lof.size(); ++i) lof[i] = lof[i] / (1.0 + lof[i]);
  return lof;
}

nlohmann::json LocalOutlierFactor::state_to_json() const {
  std::vector<double> flat(points_->data(), points_->data() + points_->size());
  return {{"k", k_}, {"columns", points_->cols()}, {"points", flat}, {"k_distance", k_distance_}, {"lrd", lrd_}};
}

LocalOutlierFactor LocalOutlierFactor::from_json(const nlohmann::json& state) {
  LocalOutlierFactor m;
  m.k_ = state.at("k").get<int>();
  const auto columns = state.at("columns").get<Eigen::Index>();
  const auto flat = state.at("points").get<std::vector<double>>();
  m.k_distance_ = state.at("k_distance").get<std::vector<double>>();
  m.lrd_ = state.at("lrd").get<std::vector<double>>();
  if (columns < 1 || flat.size() % static_cast<size_t>(columns) != 0)
    throw ArtifactError("local outlier factor: the saved points do not fill whole rows");
  const auto rows = static_cast<Eigen::Index>(flat.size() / static_cast<size_t>(columns));
  if (m.k_ < 1 || m.k_ >= rows || m.k_distance_.size() != static_cast<size_t>(rows) ||
      m.lrd_.size() != static_cast<size_t>(rows))
    throw ArtifactError("local outlier factor: the saved state is inconsistent (k, points, k-distances, densities)");
  m.points_ = std::make_unique<RowMatrix>(Eigen::Map<const RowMatrix>(flat.data(), rows, columns));
  m.build_index(0);
  return m;
}

}  // namespace fraudkit::models
