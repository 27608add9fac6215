// Gradient histograms and the split search over them (gradient_histogram.h).
#include "models/gradient_histogram.h"

#include <algorithm>

#include "fraudkit/error.h"

namespace fraudkit::models {
namespace {

double leaf_score(double gradient, double hessian, double lambda) { return gradient * gradient / (hessian + lambda); }

BinStats plus(const BinStats& a, const BinStats& b) {
  return {a.gradient + b.gradient, a.hessian + b.hessian, a.count + b.count};
}
BinStats minus(const BinStats& a, const BinStats& b) {
  return {a.gradient - b.gradient, a.hessian - b.hessian, a.count - b.count};
}

}  // namespace

NodeHistogram::NodeHistogram(int features, int max_bins) : features_(features), max_bins_(max_bins) {
  if (features < 1 || max_bins < 2 || max_bins > 255)
    throw Error(ErrorKind::kInternal, "histogram: needs at least one feature and 2..255 bins");
  stats_.resize(static_cast<size_t>(features) * bins_per_feature());
}

void NodeHistogram::build(std::span<const uint8_t> bins, size_t total_rows, std::span<const double> gradients,
                          std::span<const double> hessians, std::span<const uint32_t> rows, int threads,
                          std::span<const uint8_t> active) {
  if (bins.size() != total_rows * static_cast<size_t>(features_) || gradients.size() != total_rows ||
      hessians.size() != total_rows || (!active.empty() && active.size() != static_cast<size_t>(features_)))
    throw Error(ErrorKind::kInternal, "histogram: inconsistent sizes");
  active_.assign(active.begin(), active.end());
  std::fill(stats_.begin(), stats_.end(), BinStats{});
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads)) if (rows.size() > 4096)
  for (int f = 0; f < features_; ++f) {
    if (!this->active(f)) continue;
    BinStats* out = stats_.data() + static_cast<size_t>(f) * bins_per_feature();
    const uint8_t* column = bins.data() + static_cast<size_t>(f) * total_rows;
    for (const uint32_t r : rows) {
      BinStats& s = out[column[r]];
      s.gradient += gradients[r];
      s.hessian += hessians[r];
      ++s.count;
    }
  }
}

void NodeHistogram::subtract(const NodeHistogram& parent, const NodeHistogram& sibling) {
  if (parent.stats_.size() != stats_.size() || sibling.stats_.size() != stats_.size())
    throw Error(ErrorKind::kInternal, "histogram: subtracting histograms of different shapes");
  for (size_t i = 0; i < stats_.size(); ++i) stats_[i] = minus(parent.stats_[i], sibling.stats_[i]);
  active_ = parent.active_;
}

BinStats NodeHistogram::totals() const {
  int f = 0;
  while (f + 1 < features_ && !active(f)) ++f;
  BinStats sum;
  for (const BinStats& s : feature(f)) sum = plus(sum, s);
  return sum;
}

double split_gain(const BinStats& left, const BinStats& right, double lambda) {
  return leaf_score(left.gradient, left.hessian, lambda) + leaf_score(right.gradient, right.hessian, lambda) -
         leaf_score(left.gradient + right.gradient, left.hessian + right.hessian, lambda);
}

void improve_split(std::span<const BinStats> bins, int feature, const BinStats& total, const SplitParams& params,
                   SplitCandidate& best, int first_bin, int last_bin) {
  const double parent_score = leaf_score(total.gradient, total.hessian, params.lambda);
  const uint32_t min_rows = std::max<uint32_t>(1, params.min_samples_leaf);
  const auto valid = [&](const BinStats& s) { return s.count >= min_rows && s.hessian >= params.min_child_weight; };
  const int last = static_cast<int>(bins.size()) - 2;  // bins 0..last hold values; the last one is missing
  const BinStats& missing = bins.back();
  BinStats left_values;
  for (int b = std::max(0, first_bin); b < last && b <= last_bin; ++b) {
    left_values = plus(left_values, bins[static_cast<size_t>(b)]);
    for (const bool missing_left : {false, true}) {
      const BinStats left = missing_left ? plus(left_values, missing) : left_values;
      const BinStats right = minus(total, left);
      if (!valid(left) || !valid(right)) continue;
      const double gain = leaf_score(left.gradient, left.hessian, params.lambda) +
                          leaf_score(right.gradient, right.hessian, params.lambda) - parent_score;
      if (gain > best.gain) best = {feature, b, missing_left, gain, left, right};
    }
  }
}

SplitCandidate best_split(const NodeHistogram& histogram, const SplitParams& params) {
  const BinStats total = histogram.totals();
  SplitCandidate best;
  for (int f = 0; f < histogram.features(); ++f)
    if (histogram.active(f)) improve_split(histogram.feature(f), f, total, params, best);
  return best;
}

}  // namespace fraudkit::models
