#pragma once
// Hot kernel behind ScoreCurve::build: doubles are mapped to uint64 keys whose unsigned order is
// the numeric order, then sorted with an LSD radix sort (linear time, no comparisons). The plain
// std::sort reference exists so tests can check the kernel against an obviously correct sort.
#include <cstdint>
#include <span>

namespace fraudkit::detail {

// Order-preserving bijection between non-NaN doubles and uint64: a < b <=> key(a) < key(b).
// -0.0 is mapped like +0.0 because the two compare equal (scikit-learn treats them as one
// threshold), so from_order_key(order_key(-0.0)) is +0.0.
uint64_t order_key(double x);
double from_order_key(uint64_t key);

// Sorts `keys` ascending, single-threaded, ping-ponging between `keys` and `scratch` (same
// size). Returns the span holding the sorted keys: `keys` or `scratch`, whichever the last pass
// wrote, so no copy-back pass is needed. Callers parallelise by sorting chunks concurrently.
std::span<uint64_t> radix_sort(std::span<uint64_t> keys, std::span<uint64_t> scratch);

// The naive reference: std::sort, in place.
void reference_sort(std::span<uint64_t> keys);

}  // namespace fraudkit::detail
