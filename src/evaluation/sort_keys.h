#pragma once
// Hot kernel behind ScoreCurve::build: doubles are mapped to uint64 keys whose unsigned order is
// the numeric order, then sorted with an LSD radix sort (linear time, no comparisons). The plain
// std::sort reference exists so tests can check the kernel against an obviously correct sort.
#include <cstdint>
#include <vector>

namespace fraudkit::detail {

// Order-preserving bijection between non-NaN doubles and uint64: a < b <=> key(a) < key(b).
// -0.0 is mapped like +0.0 because the two compare equal (scikit-learn treats them as one
// threshold), so from_order_key(order_key(-0.0)) is +0.0.
uint64_t order_key(double x);
double from_order_key(uint64_t key);

// Sorts ascending. `scratch` is resized and used as the ping-pong buffer (kept by the caller so
// repeated sorts do not reallocate). Uses OpenMP threads for large inputs; the result does not
// depend on the thread count.
void radix_sort(std::vector<uint64_t>& keys, std::vector<uint64_t>& scratch);

// The naive reference: std::sort.
void reference_sort(std::vector<uint64_t>& keys);

}  // namespace fraudkit::detail
