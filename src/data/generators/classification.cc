// make_classification: scikit-learn's make_classification (Guyon's Madelon design) for two
// classes, with our own seeded random source. The steps and their order follow scikit-learn so
// that every derived quantity (rows per cluster, share flipped, what is shuffled) matches;
// the draws themselves differ, so the output is equal in distribution, not in bits.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "data/generators/random.h"
#include "data/generators/shuffle_rows.h"
#include "fraudkit/generate.h"

namespace fraudkit {

namespace {

constexpr int kClasses = 2;

void validate(const ClassificationParams& p) {
  check_params(p, classification_param_table(), "make_classification");
  if (p.n_informative + p.n_redundant > p.n_features)
    throw UsageError("make_classification: n_informative (" + std::to_string(p.n_informative) +
                     ") + n_redundant (" + std::to_string(p.n_redundant) +
                     ") must be smaller or equal n_features (" + std::to_string(p.n_features) +
                     ")");
  // Each cluster needs its own vertex of the n_informative-dimensional hypercube.
  const int64_t clusters = int64_t{kClasses} * p.n_clusters_per_class;
  if (p.n_informative < 62 && clusters > (int64_t{1} << p.n_informative))
    throw UsageError("make_classification: n_classes(2) * n_clusters_per_class(" +
                     std::to_string(p.n_clusters_per_class) +
                     ") must be smaller or equal 2**n_informative(" +
                     std::to_string(p.n_informative) +
                     ")=" + std::to_string(int64_t{1} << p.n_informative));
}

// Rows per cluster, as scikit-learn computes them: cluster k belongs to class k % 2 and gets
// int(n * weight[class] / clusters_per_class) rows; the rows lost to truncation go one each to
// clusters 0, 1, 2, ... With no label noise this fixes the class counts exactly.
std::vector<int64_t> rows_per_cluster(const ClassificationParams& p) {
  const double weights[kClasses] = {1.0 - p.weight_positive, p.weight_positive};
  const int n_clusters = kClasses * p.n_clusters_per_class;
  std::vector<int64_t> rows(n_clusters);
  int64_t assigned = 0;
  for (int k = 0; k < n_clusters; ++k) {
    rows[k] = static_cast<int64_t>(static_cast<double>(p.n_samples) * weights[k % kClasses] /
                                   p.n_clusters_per_class);
    assigned += rows[k];
  }
  for (int64_t i = 0; i < p.n_samples - assigned; ++i) ++rows[i % n_clusters];
  return rows;
}

// n_clusters distinct vertices of the hypercube {-sep, +sep}^dims, in random order, one per
// row. Up to 62 dimensions the vertices are distinct integers' bit patterns; beyond that, like
// scikit-learn beyond 30, the extra coordinates are independent fair coins (distinctness is
// already guaranteed by the first 62).
Eigen::MatrixXd hypercube_vertices(int n_clusters, int dims, double sep, gen::Random& rng) {
  const int exact_dims = std::min(dims, 62);
  const std::vector<uint64_t> codes =
      rng.sample_without_replacement(uint64_t{1} << exact_dims, static_cast<size_t>(n_clusters));
  Eigen::MatrixXd v(n_clusters, dims);
  for (int k = 0; k < n_clusters; ++k) {
    for (int j = 0; j < exact_dims; ++j) v(k, j) = (codes[k] >> j) & 1 ? sep : -sep;
    for (int j = exact_dims; j < dims; ++j) v(k, j) = rng.bounded(2) ? sep : -sep;
  }
  return v;
}

// A rows x cols matrix of independent uniforms on [-1, 1), drawn row by row.
Eigen::MatrixXd uniform_matrix(int rows, int cols, gen::Random& rng) {
  Eigen::MatrixXd m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = rng.uniform(-1.0, 1.0);
  return m;
}

Column numeric_column(const Eigen::MatrixXd& m, int j) {
  Column c{{"", ColumnType::kNumeric, {}}, {}, {}};
  c.values.assign(m.col(j).data(), m.col(j).data() + m.rows());
  return c;
}

}  // namespace

std::span<const ParamSpec<ClassificationParams>> classification_param_table() {
  using P = ClassificationParams;
  static const ParamSpec<P> table[] = {
      {"n_samples", &P::n_samples, 1, INT_MAX, "number of rows"},
      {"n_features", &P::n_features, 1, INT_MAX,
       "total number of features (informative + redundant + noise)"},
      {"n_informative", &P::n_informative, 1, INT_MAX,
       "features carrying the class signal (Gaussian clusters on hypercube vertices)"},
      {"n_redundant", &P::n_redundant, 0, INT_MAX,
       "random linear combinations of the informative features"},
      {"n_clusters_per_class", &P::n_clusters_per_class, 1, 1 << 20,
       "Gaussian clusters per class; 2 * this must be <= 2^n_informative"},
      {"weight_positive", &P::weight_positive, 0, 1,
       "share of rows in class 1 before label noise"},
      {"flip_y", &P::flip_y, 0, 1,
       "share of rows whose label is redrawn uniformly (so about half of them change)"},
      {"class_sep", &P::class_sep, 0, 1e6, "half the hypercube side: larger is easier"},
      {"seed", &P::seed, 0, INT_MAX, "random seed"},
  };
  return table;
}

Dataset make_classification(const ClassificationParams& p) {
  validate(p);
  gen::Random rng(static_cast<uint64_t>(p.seed));
  const int n = p.n_samples, n_inf = p.n_informative, n_red = p.n_redundant;
  const int n_noise = p.n_features - n_inf - n_red;
  const int n_clusters = kClasses * p.n_clusters_per_class;
  const std::vector<int64_t> cluster_rows = rows_per_cluster(p);

  const Eigen::MatrixXd centroids = hypercube_vertices(n_clusters, n_inf, p.class_sep, rng);

  // Informative block: standard normal rows, then per cluster a random linear map (a random
  // covariance) and a shift to the cluster's vertex.
  Eigen::MatrixXd informative(n, n_inf);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n_inf; ++j) informative(i, j) = rng.normal();
  std::vector<uint8_t> label(static_cast<size_t>(n));
  int64_t start = 0;
  for (int k = 0; k < n_clusters; ++k) {
    const auto len = static_cast<Eigen::Index>(cluster_rows[k]);
    std::fill_n(label.begin() + start, len, static_cast<uint8_t>(k % kClasses));
    const Eigen::MatrixXd a = uniform_matrix(n_inf, n_inf, rng);
    auto block = informative.middleRows(start, len);
    block = block * a;
    block.rowwise() += centroids.row(k);
    start += len;
  }

  Eigen::MatrixXd redundant;
  if (n_red > 0) redundant = informative * uniform_matrix(n_inf, n_red, rng);

  Dataset d;
  d.columns.reserve(static_cast<size_t>(p.n_features));
  for (int j = 0; j < n_inf; ++j) d.columns.push_back(numeric_column(informative, j));
  informative.resize(0, 0);
  for (int j = 0; j < n_red; ++j) d.columns.push_back(numeric_column(redundant, j));
  redundant.resize(0, 0);
  // Noise drawn row by row, as scikit-learn fills its noise block.
  for (int j = 0; j < n_noise; ++j) {
    d.columns.push_back(Column{{"", ColumnType::kNumeric, {}}, {}, {}});
    d.columns.back().values.resize(static_cast<size_t>(n));
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n_noise; ++j) d.columns[n_inf + n_red + j].values[i] = rng.normal();

  // Label noise: every row is chosen with probability flip_y and then gets a fair-coin label,
  // so about flip_y / 2 of the labels actually change.
  std::vector<uint32_t> flipped;
  for (int i = 0; i < n; ++i)
    if (rng.uniform() < p.flip_y) flipped.push_back(static_cast<uint32_t>(i));
  for (uint32_t i : flipped) label[i] = static_cast<uint8_t>(rng.bounded(kClasses));

  d.target = std::move(label);
  gen::shuffle_rows(d, rng);

  // scikit-learn also shuffles the feature order, so informative columns are not x0, x1, ...
  const std::vector<uint32_t> order = rng.permutation(d.columns.size());
  std::vector<Column> shuffled;
  shuffled.reserve(order.size());
  for (uint32_t j : order) shuffled.push_back(std::move(d.columns[j]));
  d.columns = std::move(shuffled);
  for (size_t j = 0; j < d.columns.size(); ++j) d.columns[j].schema.name = "x" + std::to_string(j);

  d.target_name = "label";
  d.positive_label = "1";
  d.negative_label = "0";
  d.source = "make_classification(seed=" + std::to_string(p.seed) + ")";
  return d;
}

}  // namespace fraudkit
