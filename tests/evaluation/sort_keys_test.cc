// The radix-sort kernel against its naive reference (std::sort) and the key transform against
// the double ordering it must preserve.
#include "evaluation/sort_keys.h"

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
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

// The kernel writes its result to either buffer; this returns it as a vector.
std::vector<uint64_t> radix_sorted(std::vector<uint64_t> keys) {
  std::vector<uint64_t> scratch(keys.size(), 0xDEADBEEF);
  const std::span<uint64_t> sorted = radix_sort(keys, scratch);
  EXPECT_TRUE(sorted.data() == keys.data() || sorted.data() == scratch.data());
  return {sorted.begin(), sorted.end()};
}

TEST(RadixSort, AgreesWithStdSortOnEveryKindOfInput) {
  // Sizes below, at and above the comparison-sort cut-off, and large.
  for (size_t n : {0u, 1u, 2u, 255u, 256u, 257u, 5000u, 131072u, 400000u}) {
    for (int kind = 0; kind < 4; ++kind) {
      const std::vector<uint64_t> keys = random_keys(n, kind, 17 * n + static_cast<size_t>(kind));
      std::vector<uint64_t> expected = keys;
      reference_sort(expected);
      ASSERT_EQ(radix_sorted(keys), expected) << "n=" << n << " kind=" << kind;
    }
  }
}

TEST(RadixSort, HandlesAllEqualKeysAndReversedInput) {
  // All equal: every pass is skipped and the input buffer is returned as is.
  const std::vector<uint64_t> same(10000, order_key(0.25));
  EXPECT_EQ(radix_sorted(same), same);
  std::vector<uint64_t> descending(10000);
  for (size_t i = 0; i < descending.size(); ++i) descending[i] = order_key(-static_cast<double>(i));
  std::vector<uint64_t> expected = descending;
  reference_sort(expected);
  EXPECT_EQ(radix_sorted(descending), expected);
}

TEST(RadixSort, RejectsAScratchBufferThatIsTooSmall) {
  std::vector<uint64_t> keys(1000, 1), scratch(999);
  EXPECT_THROW(radix_sort(keys, scratch), std::logic_error);
}

}  // namespace
}  // namespace fraudkit::detail
