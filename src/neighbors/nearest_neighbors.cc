// PLACEHOLDER naive engine until the neighbour-engine helper lands the real one.
#include <algorithm>
#include <cmath>

#include "fraudkit/error.h"
#include "fraudkit/neighbors.h"

namespace fraudkit {

KnnAlgorithm parse_knn_algorithm(const std::string& text) {
  if (text == "auto") return KnnAlgorithm::kAuto;
  if (text == "brute") return KnnAlgorithm::kBrute;
  if (text == "kd_tree") return KnnAlgorithm::kKdTree;
  throw UsageError("knn algorithm '" + text + "': expected auto, brute or kd_tree");
}
std::string to_string(KnnAlgorithm a) {
  return a == KnnAlgorithm::kBrute ? "brute" : a == KnnAlgorithm::kKdTree ? "kd_tree" : "auto";
}

struct NearestNeighbors::Impl {
  const RowMatrix* points;
  KnnOptions options;
};

NearestNeighbors::NearestNeighbors(const RowMatrix& points, KnnOptions options)
    : impl_(std::make_unique<Impl>(Impl{&points, std::move(options)})) {}
NearestNeighbors::~NearestNeighbors() = default;
NearestNeighbors::NearestNeighbors(NearestNeighbors&&) noexcept = default;
NearestNeighbors& NearestNeighbors::operator=(NearestNeighbors&&) noexcept = default;

KnnResult NearestNeighbors::query(const RowMatrix& q, int k) const {
  const RowMatrix& P = *impl_->points;
  if (k < 1 || k > P.rows()) throw UsageError("k out of range");
  KnnResult r;
  r.k = k;
  std::vector<std::pair<double, uint32_t>> cand(static_cast<size_t>(P.rows()));
  for (Eigen::Index i = 0; i < q.rows(); ++i) {
    for (Eigen::Index j = 0; j < P.rows(); ++j) {
      double s = 0;
      for (Eigen::Index c = 0; c < P.cols(); ++c) {
        if (!impl_->options.categorical.empty() && impl_->options.categorical[static_cast<size_t>(c)]) {
          if (q(i, c) != P(j, c)) s += impl_->options.mismatch_sq;
        } else {
          double d = q(i, c) - P(j, c);
          s += d * d;
        }
      }
      cand[static_cast<size_t>(j)] = {std::sqrt(s), static_cast<uint32_t>(j)};
    }
    std::partial_sort(cand.begin(), cand.begin() + k, cand.end());
    for (int j = 0; j < k; ++j) {
      r.indices.push_back(cand[static_cast<size_t>(j)].second);
      r.distances.push_back(cand[static_cast<size_t>(j)].first);
    }
  }
  return r;
}
KnnResult NearestNeighbors::query_self(int k) const { return query(*impl_->points, k); }
KnnAlgorithm NearestNeighbors::algorithm() const { return KnnAlgorithm::kBrute; }
size_t NearestNeighbors::size() const { return static_cast<size_t>(impl_->points->rows()); }

}  // namespace fraudkit
