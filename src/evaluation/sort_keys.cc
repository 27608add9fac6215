#include "evaluation/sort_keys.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace fraudkit::detail {

namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;
// 11-bit digits: a 2048-entry histogram stays in L1, and 6 passes cover 64 bits.
constexpr int kDigitBits = 11;
constexpr int kPasses = (64 + kDigitBits - 1) / kDigitBits;
constexpr size_t kBuckets = size_t{1} << kDigitBits;
constexpr uint64_t kDigitMask = kBuckets - 1;
// Below this, a comparison sort beats six passes over 2048 buckets.
constexpr size_t kRadixMinimum = 256;

inline size_t digit_of(uint64_t key, int shift) { return static_cast<size_t>((key >> shift) & kDigitMask); }

}  // namespace

uint64_t order_key(double x) {
  if (x == 0) x = 0.0;  // -0.0 == +0.0 numerically; give them one key
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  // Positive doubles order like their bit patterns; set the sign bit so they sort above the
  // negatives. Negative doubles order in reverse, so flip every bit.
  return (bits & kSignBit) ? ~bits : (bits | kSignBit);
}

double from_order_key(uint64_t key) {
  const uint64_t bits = (key & kSignBit) ? (key & ~kSignBit) : ~key;
  return std::bit_cast<double>(bits);
}

std::span<uint64_t> radix_sort(std::span<uint64_t> keys, std::span<uint64_t> scratch) {
  const size_t n = keys.size();
  if (scratch.size() < n) throw std::logic_error("radix_sort: scratch is smaller than keys");
  if (n < kRadixMinimum) {
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  // One read computes the histograms of every digit, so each pass is a single read + write.
  // (On the heap: 96 KiB is too much for the small stacks of OpenMP worker threads.)
  std::vector<std::array<size_t, kBuckets>> histograms(kPasses);
  for (const uint64_t key : keys)
    for (int pass = 0; pass < kPasses; ++pass) ++histograms[pass][digit_of(key, pass * kDigitBits)];
  uint64_t* src = keys.data();
  uint64_t* dst = scratch.data();
  for (int pass = 0; pass < kPasses; ++pass) {
    const int shift = pass * kDigitBits;
    std::array<size_t, kBuckets>& offsets = histograms[pass];
    // A digit shared by every key (typical for the sign and top exponent bits of scores)
    // would make an identity pass: skip it.
    if (offsets[digit_of(src[0], shift)] == n) continue;
    size_t total = 0;
    for (size_t& slot : offsets) {
      const size_t count = slot;
      slot = total;
      total += count;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint64_t key = src[i];
      dst[offsets[digit_of(key, shift)]++] = key;
    }
    std::swap(src, dst);
  }
  return {src, n};
}

void reference_sort(std::span<uint64_t> keys) { std::sort(keys.begin(), keys.end()); }

}  // namespace fraudkit::detail
