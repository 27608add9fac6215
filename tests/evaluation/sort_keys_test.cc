// The radix-sort kernel against its naive reference (std::sort) and the key transform against
// the double ordering it must preserve.
#include "evaluation/sort_keys.h"

#include <omp.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace fraudkit::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(OrderKey, PreservesTheOrderOfDoublesIncludingSpecialValues) {
  const std::vector<double> ascending = {-kInf, -std::numeric_limits<double>::max(), -1e300, -2.5, -1.0,
                                         -std::numeric_limits<double>::min(),
                                         -std::numeric_limits<double>::denorm_min(), 0.0,
                                         std::numeric_limits<double>::denorm_min(),
                                         std::numeric_limits<double>::min(), 1e-300, 0.5,
                                         std::nextafter(0.5, 1.0), 1.0, 3.0, 1e300,
                                         std::numeric_limits<double>::max(), kInf};
  for (size_t i = 0; i + 1 < ascending.size(); ++i)
    EXPECT_LT(order_key(ascending[i]), order_key(ascending[i + 1])) << ascending[i] << " vs " << ascending[i + 1];
  for (double x : ascending) EXPECT_EQ(from_order_key(order_key(x)), x);
}

TEST(OrderKey, MergesNegativeZeroIntoPositiveZero) {
  EXPECT_EQ(order_key(-0.0), order_key(0.0));
  EXPECT_FALSE(std::signbit(from_order_key(order_key(-0.0))));
}

std::vector<uint64_t> random_keys(size_t n, int kind, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> keys(n);
  std::uniform_real_distribution<double> unit(0, 1);
  for (auto& k : keys) {
    switch (kind) {
      case 0: k = rng(); break;                                    // every bit varies
      case 1: k = order_key(std::round(unit(rng) * 1e6) / 1e6); break;  // probabilities with ties
      case 2: k = order_key((unit(rng) - 0.5) * std::exp(40 * unit(rng) - 20)); break;  // signs, scales
      default: k = order_key(static_cast<double>(rng() % 7)); break;  // a handful of values
    }
  }
  return keys;
}

TEST(RadixSort, AgreesWithStdSortOnEveryKindOfInput) {
  std::vector<uint64_t> scratch;
  // Sizes below, at and above the comparison-sort cut-off and the parallel threshold.
  for (size_t n : {0u, 1u, 2u, 255u, 256u, 257u, 5000u, 131071u, 131072u, 400000u}) {
    for (int kind = 0; kind < 4; ++kind) {
      std::vector<uint64_t> keys = random_keys(n, kind, 17 * n + static_cast<size_t>(kind));
      std::vector<uint64_t> expected = keys;
      reference_sort(expected);
      radix_sort(keys, scratch);
      ASSERT_EQ(keys, expected) << "n=" << n << " kind=" << kind;
    }
  }
}

TEST(RadixSort, GivesTheSameResultWithAnyThreadCount) {
  // The serial path (one histogram read) and the threaded one (per-pass counts) must agree,
  // whatever OMP_NUM_THREADS the test runs with; 3 threads gives uneven chunks.
  const int saved = omp_get_max_threads();
  for (int kind = 0; kind < 4; ++kind) {
    const std::vector<uint64_t> input = random_keys(300001, kind, 99 + static_cast<uint64_t>(kind));
    std::vector<uint64_t> expected = input;
    reference_sort(expected);
    for (int threads : {1, 2, 3}) {
      omp_set_num_threads(threads);
      std::vector<uint64_t> keys = input, scratch;
      radix_sort(keys, scratch);
      EXPECT_EQ(keys, expected) << "kind=" << kind << " threads=" << threads;
    }
  }
  omp_set_num_threads(saved);
}

TEST(RadixSort, HandlesAllEqualKeysAndAlreadySortedInput) {
  std::vector<uint64_t> scratch;
  std::vector<uint64_t> same(10000, order_key(0.25));
  const std::vector<uint64_t> copy = same;
  radix_sort(same, scratch);
  EXPECT_EQ(same, copy);
  std::vector<uint64_t> descending(10000);
  for (size_t i = 0; i < descending.size(); ++i) descending[i] = order_key(-static_cast<double>(i));
  std::vector<uint64_t> expected = descending;
  reference_sort(expected);
  radix_sort(descending, scratch);
  EXPECT_EQ(descending, expected);
}

}  // namespace
}  // namespace fraudkit::detail
