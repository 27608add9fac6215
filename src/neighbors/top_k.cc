// The running top-k of one query and the squared-distance bound that lets the kernels compare
// squares without ever changing a rank decided on the Euclidean distance.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "neighbors/knn_detail.h"

namespace fraudkit::knn_detail {

double largest_sq_within(double distance) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (distance == kInf) return kInf;
  // sqrt is correctly rounded and monotone, so {x : sqrt(x) <= distance} is [0, x_max]; the
  // square lands within an ulp or two of x_max.
  double x = distance * distance;
  while (std::sqrt(x) > distance) x = std::nextafter(x, 0.0);
  for (;;) {
    const double next = std::nextafter(x, kInf);
    if (std::sqrt(next) > distance) return x;
    x = next;
  }
}

bool TopK::offer(double sq, std::span<const uint32_t> rows) {
  if (sq > bound_sq_) return false;
  const double distance = std::sqrt(sq);
  bool changed = false;
  for (const uint32_t row : rows) {
    const Neighbor candidate{distance, row};
    if (heap_.size() < k_) {
      heap_.push_back(candidate);
      std::push_heap(heap_.begin(), heap_.end());
    } else if (candidate < heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end());
      heap_.back() = candidate;
      std::push_heap(heap_.begin(), heap_.end());
    } else {
      break;  // later rows of the group tie on distance with a larger index: they lose too
    }
    changed = true;
  }
  if (changed && full()) bound_sq_ = largest_sq_within(heap_.front().distance);
  return changed;
}

void TopK::drain(uint32_t* rows, double* distances) {
  std::sort_heap(heap_.begin(), heap_.end());
  for (size_t j = 0; j < heap_.size(); ++j) {
    rows[j] = heap_[j].row;
    distances[j] = heap_[j].distance;
  }
  clear();
}

int resolve_threads(int threads) { return threads > 0 ? threads : std::max(1, omp_get_max_threads()); }

}  // namespace fraudkit::knn_detail
