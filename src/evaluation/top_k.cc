// precision@k and recall@k: how good the k alerts a review team can handle would be. Linear
// time: a selection finds the k-th largest score, so no full sort is needed.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "evaluation/input_checks.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

namespace {

// Positives among the k highest-scoring rows, ties at the cut taken in row order (what a
// stable descending sort would keep). k is already clamped to [0, n].
int64_t positives_in_top_k(std::span<const uint8_t> y, std::span<const double> scores, size_t k) {
  if (k == 0) return 0;
  std::vector<double> copy(scores.begin(), scores.end());
  std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(k - 1), copy.end(),
                   std::greater<>());
  const double cut = copy[k - 1];
  size_t above = 0;
  int64_t hits = 0;
  for (size_t i = 0; i < scores.size(); ++i)
    if (scores[i] > cut) {
      ++above;
      hits += y[i];
    }
  size_t room_at_cut = k - above;  // rows tied at the cut score that still fit, first come first in
  for (size_t i = 0; i < scores.size() && room_at_cut > 0; ++i)
    if (scores[i] == cut) {
      --room_at_cut;
      hits += y[i];
    }
  return hits;
}

size_t checked_k(std::span<const uint8_t> y, std::span<const double> scores, int64_t k,
                 const char* what) {
  detail::check_labels_and_scores(y, scores);
  if (k < 0) throw UsageError(std::string(what) + ": k must be >= 0, got " + std::to_string(k));
  return std::min(static_cast<size_t>(k), y.size());
}

}  // namespace

double precision_at_k(std::span<const uint8_t> y, std::span<const double> scores, int64_t k) {
  const size_t kept = checked_k(y, scores, k, "precision_at_k");
  if (kept == 0) return 0.0;  // nothing flagged: zero_division = 0
  return static_cast<double>(positives_in_top_k(y, scores, kept)) / static_cast<double>(kept);
}

double recall_at_k(std::span<const uint8_t> y, std::span<const double> scores, int64_t k) {
  const size_t kept = checked_k(y, scores, k, "recall_at_k");
  int64_t positives = 0;
  for (uint8_t label : y) positives += label;
  if (positives == 0) return 0.0;  // no positive to recall: zero_division = 0
  return static_cast<double>(positives_in_top_k(y, scores, kept)) / static_cast<double>(positives);
}

}  // namespace fraudkit
