// The running top-k of one query: merging two and draining (the per-candidate calls are inline
// in knn_detail.h).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "neighbors/knn_detail.h"

namespace fraudkit::knn_detail {

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
