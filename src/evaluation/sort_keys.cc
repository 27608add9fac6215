#include "evaluation/sort_keys.h"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <cstddef>

namespace fraudkit::detail {

namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;
// 11-bit digits: a 2048-entry histogram per thread stays in L1, and 6 passes cover 64 bits.
constexpr int kDigitBits = 11;
constexpr int kPasses = (64 + kDigitBits - 1) / kDigitBits;
constexpr size_t kBuckets = size_t{1} << kDigitBits;
constexpr uint64_t kDigitMask = kBuckets - 1;
// Below this, thread start-up costs more than the second core saves.
constexpr size_t kParallelMinimum = size_t{1} << 17;
// Below this, a comparison sort beats six passes over 2048 buckets.
constexpr size_t kRadixMinimum = 256;

inline size_t digit_of(uint64_t key, int shift) { return static_cast<size_t>((key >> shift) & kDigitMask); }

// Bits that differ between at least two keys: a digit where they are all zero is the same in
// every key, so its pass would be the identity and is skipped. Typical scores (probabilities)
// share the sign and most exponent bits.
uint64_t varying_bits(const std::vector<uint64_t>& keys, int threads) {
  uint64_t all_or = 0, all_and = ~uint64_t{0};
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(keys.size());
#pragma omp parallel for num_threads(threads) reduction(| : all_or) reduction(& : all_and) schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    all_or |= keys[i];
    all_and &= keys[i];
  }
  return all_or ^ all_and;
}

// One stable counting pass on the digit at `shift`, from src to dst. Each thread owns a
// contiguous chunk of src; its elements go, per bucket, after those of lower-numbered threads,
// which keeps the pass stable and the output independent of the thread count.
void scatter_pass(const uint64_t* src, uint64_t* dst, size_t n, int shift, int threads,
                  std::vector<size_t>& counts) {
  counts.assign(static_cast<size_t>(threads) * kBuckets, 0);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = static_cast<size_t>(omp_get_thread_num());
    const size_t nt = static_cast<size_t>(omp_get_num_threads());
    const size_t lo = n * t / nt, hi = n * (t + 1) / nt;
    size_t* mine = counts.data() + t * kBuckets;
    for (size_t i = lo; i < hi; ++i) ++mine[digit_of(src[i], shift)];
#pragma omp barrier
#pragma omp single
    {
      size_t offset = 0;
      for (size_t b = 0; b < kBuckets; ++b)
        for (size_t u = 0; u < nt; ++u) {
          size_t& c = counts[u * kBuckets + b];
          const size_t here = c;
          c = offset;
          offset += here;
        }
    }  // implicit barrier: every thread sees the offsets
    for (size_t i = lo; i < hi; ++i) {
      const uint64_t key = src[i];
      dst[mine[digit_of(key, shift)]++] = key;
    }
  }
}

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

void radix_sort(std::vector<uint64_t>& keys, std::vector<uint64_t>& scratch) {
  const size_t n = keys.size();
  if (n < kRadixMinimum) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  const int threads = n >= kParallelMinimum ? omp_get_max_threads() : 1;
  scratch.resize(n);
  uint64_t* src = keys.data();
  uint64_t* dst = scratch.data();
  if (threads == 1) {
    // One read computes the histograms of every digit, so each pass is a single read + write.
    std::vector<size_t> histograms(kPasses * kBuckets, 0);
    for (size_t i = 0; i < n; ++i)
      for (int pass = 0; pass < kPasses; ++pass)
        ++histograms[pass * kBuckets + digit_of(src[i], pass * kDigitBits)];
    for (int pass = 0; pass < kPasses; ++pass) {
      const int shift = pass * kDigitBits;
      size_t* offsets = histograms.data() + pass * kBuckets;
      if (offsets[digit_of(src[0], shift)] == n) continue;  // one bucket holds everything
      size_t total = 0;
      for (size_t b = 0; b < kBuckets; ++b) {
        const size_t count = offsets[b];
        offsets[b] = total;
        total += count;
      }
      for (size_t i = 0; i < n; ++i) {
        const uint64_t key = src[i];
        dst[offsets[digit_of(key, shift)]++] = key;
      }
      std::swap(src, dst);
    }
  } else {
    // Per-thread counts depend on which keys sit in each thread's chunk, which changes every
    // pass, so each pass counts its own digit (scatter_pass).
    const uint64_t varying = varying_bits(keys, threads);
    std::vector<size_t> counts;
    for (int pass = 0; pass < kPasses; ++pass) {
      const int shift = pass * kDigitBits;
      if (((varying >> shift) & kDigitMask) == 0) continue;
      scatter_pass(src, dst, n, shift, threads, counts);
      std::swap(src, dst);
    }
  }
  if (src != keys.data()) keys.swap(scratch);  // an odd number of passes ran
}

void reference_sort(std::vector<uint64_t>& keys) { std::sort(keys.begin(), keys.end()); }

}  // namespace fraudkit::detail
