// The running top-k of one query.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "neighbors/knn_detail.h"

namespace fraudkit::knn_detail {

void TopK::insert(const Neighbor& n) {
  if (!sorted_) {
    items_.push_back(n);
    std::push_heap(items_.begin(), items_.end());
    return;
  }
  items_.push_back(n);
  size_t i = items_.size() - 1;
  for (; i > 0 && n < items_[i - 1]; --i) items_[i] = items_[i - 1];
  items_[i] = n;
}

void TopK::replace_worst(const Neighbor& n) {
  if (sorted_) {
    items_.pop_back();
  } else {
    std::pop_heap(items_.begin(), items_.end());
    items_.pop_back();
  }
  insert(n);
}

bool TopK::offer(double sq, std::span<const uint32_t> rows) {
  if (sq > bound_sq_) return false;
  const double distance = std::sqrt(sq);
  bool changed = false;
  for (const uint32_t row : rows) {
    const Neighbor candidate{distance, row};
    if (items_.size() < k_) {
      insert(candidate);
    } else if (candidate < worst()) {
      replace_worst(candidate);
    } else {
      break;  // later rows of the group tie on distance with a larger index: they lose too
    }
    changed = true;
  }
  if (changed && full()) bound_sq_ = square_bound(worst().distance);
  return changed;
}

void TopK::absorb(const TopK& other) {
  for (const Neighbor& n : other.items_) {
    if (items_.size() < k_) insert(n);
    else if (n < worst()) replace_worst(n);
  }
  if (full()) bound_sq_ = square_bound(worst().distance);
}

void TopK::drain(uint32_t* rows, double* distances) {
  if (!sorted_) std::sort_heap(items_.begin(), items_.end());
  for (size_t j = 0; j < items_.size(); ++j) {
    rows[j] = items_[j].row;
    if (distances) distances[j] = items_[j].distance;
  }
  clear();
}

int resolve_threads(int threads) { return threads > 0 ? threads : std::max(1, omp_get_max_threads()); }

}  // namespace fraudkit::knn_detail
