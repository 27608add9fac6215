// The seeded random source: the engine against the value the C++ standard fixes, and every
// distribution against its exact CDF or PMF (KS and chi-square tests at a stated false-alarm
// rate), so a wrong constant or a biased method fails here before it skews a generator.
#include "data/generators/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "data/generate_test_stats.h"
#include "fraudkit/error.h"

namespace fraudkit::gen {
namespace {

namespace st = fraudkit::testing::stats;

constexpr double kAlpha = 1e-4;  // chance a correct sampler fails one test below

TEST(GenerateRandom, EngineIsTheStandardMt19937_64) {
  // [rand.predef]: the 10000th output of a default-constructed mt19937_64 (seed 5489).
  Random r(5489);
  for (int i = 0; i < 9999; ++i) r.next_u64();
  EXPECT_EQ(r.next_u64(), 9981545732273789042ULL);
}

TEST(GenerateRandom, UniformIsTheTop53BitsOverTwoToThe53) {
  Random r(5489);
  for (int i = 0; i < 9999; ++i) r.next_u64();
  EXPECT_EQ(r.uniform(), static_cast<double>(9981545732273789042ULL >> 11) / 9007199254740992.0);
  Random s(3);
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform(2.0, 5.0);
    ASSERT_GE(u, 2.0);
    ASSERT_LT(u, 5.0);
  }
}

TEST(GenerateRandom, SameSeedSameDrawsOtherSeedOtherDraws) {
  Random a(11), b(11), c(12);
  int differ = 0;
  for (int i = 0; i < 100; ++i) {
    const double x = a.normal(), y = b.normal(), z = c.normal();
    EXPECT_EQ(x, y);
    differ += x != z;
  }
  EXPECT_GT(differ, 90);
}

TEST(GenerateRandom, BoundedHasNoModuloBias) {
  // With n = 2/3 of 2^64, `next % n` would land in the lower half of [0, n) two times in
  // three; an unbiased draw lands there half the time.
  const uint64_t n = 0xAAAAAAAAAAAAAAAAULL;
  Random r(1);
  const int draws = 40000;
  int lower = 0;
  for (int i = 0; i < draws; ++i) {
    const uint64_t v = r.bounded(n);
    ASSERT_LT(v, n);
    lower += v < n / 2;
  }
  const double z = (lower - 0.5 * draws) / std::sqrt(0.25 * draws);
  EXPECT_LT(std::fabs(z), st::bonferroni_z(kAlpha, 1)) << lower << " of " << draws;

  // Small n: every value equally likely (chi-square, 6 degrees of freedom).
  std::vector<double> counts(7, 0.0), expected(7, 70000.0 / 7);
  for (int i = 0; i < 70000; ++i) counts[r.bounded(7)] += 1;
  EXPECT_LT(st::chi_square(counts, expected), st::chi_square_upper_quantile(kAlpha, 6));
  EXPECT_EQ(r.bounded(1), 0u);
}

std::vector<double> draw(int n, const std::function<double()>& f) {
  std::vector<double> x(static_cast<size_t>(n));
  for (double& v : x) v = f();
  return x;
}

TEST(GenerateRandom, NormalMatchesTheStandardNormalCdf) {
  Random r(2);
  const int n = 200000;
  const std::vector<double> x = draw(n, [&] { return r.normal(); });
  // Three checks share kAlpha: the KS distance and the first two moments.
  EXPECT_LT(st::ks_one_sample(x, st::normal_cdf), st::ks_one_sample_critical(n, kAlpha / 3));
  const st::Summary s = st::summarize(x);
  const double z = st::bonferroni_z(kAlpha, 3);
  EXPECT_LT(std::fabs(s.mean) / std::sqrt(1.0 / n), z);
  EXPECT_LT(std::fabs(s.var - 1.0) / std::sqrt(2.0 / n), z);  // Var(s^2) = 2 / n for N(0, 1)
  const std::vector<double> y = draw(n, [&] { return r.normal(3.0, 2.0); });
  EXPECT_LT(st::ks_one_sample(y, [](double v) { return st::normal_cdf((v - 3.0) / 2.0); }),
            st::ks_one_sample_critical(n, kAlpha));
}

TEST(GenerateRandom, LognormalAndExponentialMatchTheirCdfs) {
  Random r(3);
  const int n = 100000;
  const std::vector<double> ln = draw(n, [&] { return r.lognormal(6.0, 1.5); });
  const auto lognormal_cdf = [](double v) { return st::normal_cdf((std::log(v) - 6.0) / 1.5); };
  EXPECT_LT(st::ks_one_sample(ln, lognormal_cdf), st::ks_one_sample_critical(n, kAlpha / 2));
  const std::vector<double> ex = draw(n, [&] { return r.exponential(50.0); });
  for (double v : ex) ASSERT_GE(v, 0.0);
  EXPECT_LT(st::ks_one_sample(ex, [](double v) { return 1.0 - std::exp(-v / 50.0); }),
            st::ks_one_sample_critical(n, kAlpha / 2));
}

// Pearson chi-square of Poisson draws against the exact PMF, with neighbouring values pooled
// until every bin expects at least 5 draws (the usual validity condition).
class PoissonPmf : public ::testing::TestWithParam<double> {};

TEST_P(PoissonPmf, DrawsFollowThePmf) {
  const double lambda = GetParam();
  const int n = 1000000;
  Random r(static_cast<uint64_t>(lambda * 1000) + 5);
  std::vector<double> counts, draws;
  for (int i = 0; i < n; ++i) {
    const int64_t k = r.poisson(lambda);
    ASSERT_GE(k, 0);
    draws.push_back(static_cast<double>(k));
    if (static_cast<size_t>(k) >= counts.size()) counts.resize(static_cast<size_t>(k) + 1, 0.0);
    counts[static_cast<size_t>(k)] += 1;
  }
  if (lambda == 0) {
    EXPECT_EQ(counts.size(), 1u);
    return;
  }
  // Bins of consecutive k; the last one is open-ended (k >= its start).
  std::vector<double> observed, expected;
  double bin_obs = 0, bin_exp = 0, cdf = 0;
  for (size_t k = 0;; ++k) {
    const double pmf = std::exp(-lambda + static_cast<double>(k) * std::log(lambda) -
                                std::lgamma(static_cast<double>(k) + 1));
    cdf += pmf;
    bin_obs += k < counts.size() ? counts[k] : 0.0;
    bin_exp += n * pmf;
    const double rest = n * (1.0 - cdf);
    if (bin_exp >= 5 && rest >= 5) {
      observed.push_back(bin_obs);
      expected.push_back(bin_exp);
      bin_obs = bin_exp = 0;
    } else if (rest < 5) {  // close the last bin over every larger k
      double tail_obs = 0;
      for (size_t j = k + 1; j < counts.size(); ++j) tail_obs += counts[j];
      observed.push_back(bin_obs + tail_obs);
      expected.push_back(bin_exp + rest);
      break;
    }
  }
  ASSERT_GE(observed.size(), 2u);
  // Three checks share kAlpha. The chi-square sees the shape; the moments catch a small shift
  // that many bins dilute (PTRS with its 0.43 offset mistyped as 0.93 moves the mean by only
  // ~0.02, which the chi-square alone missed).
  const double df = static_cast<double>(observed.size() - 1);
  EXPECT_LT(st::chi_square(observed, expected), st::chi_square_upper_quantile(kAlpha / 3, df))
      << "lambda " << lambda << ", " << observed.size() << " bins";
  const st::Summary s = st::summarize(draws);
  const double z = st::bonferroni_z(kAlpha, 3);
  EXPECT_LT(std::fabs(s.mean - lambda) / std::sqrt(lambda / n), z) << "mean " << s.mean;
  // Var(s^2) = (mu4 - sigma^4) / n with mu4 = lambda (1 + 3 lambda) for a Poisson.
  EXPECT_LT(std::fabs(s.var - lambda) / std::sqrt((lambda + 2 * lambda * lambda) / n), z)
      << "variance " << s.var;
}

// Below 10 the product-of-uniforms method runs, from 10 on PTRS: both sides of the switch.
INSTANTIATE_TEST_SUITE_P(Lambdas, PoissonPmf,
                         ::testing::Values(0.0, 0.5, 3.0, 8.0, 9.99, 10.0, 12.5, 50.0, 1000.0));

TEST(GenerateRandom, CategoricalFollowsUnnormalisedWeights) {
  // The reference simulator's legit hour table sums to 1.08; the zero bucket is never drawn.
  const std::vector<double> w = {0.02, 0.06, 0.0, 0.04, 0.96};
  const Categorical cat(w);
  Random r(4);
  const int n = 108000;
  std::vector<double> counts(w.size(), 0.0);
  for (int i = 0; i < n; ++i) counts[cat(r)] += 1;
  EXPECT_EQ(counts[2], 0.0);
  std::vector<double> obs, exp;
  for (size_t i = 0; i < w.size(); ++i)
    if (w[i] > 0) obs.push_back(counts[i]), exp.push_back(n * w[i] / 1.08);
  EXPECT_LT(st::chi_square(obs, exp), st::chi_square_upper_quantile(kAlpha, 3));
  EXPECT_THROW(Categorical(std::vector<double>{0.0, 0.0}), Error);
  EXPECT_THROW(Categorical(std::vector<double>{1.0, -0.5}), Error);
}

TEST(GenerateRandom, ShuffleMakesEveryPermutationEquallyLikely) {
  Random r(5);
  const int n = 48000;
  std::vector<double> counts(24, 0.0);
  for (int i = 0; i < n; ++i) {
    std::vector<int> v = {0, 1, 2, 3};
    r.shuffle(std::span<int>(v));
    // Lehmer code of the permutation: a distinct index in 0..23 for each ordering.
    int code = 0;
    for (size_t a = 0; a < 4; ++a) {
      int smaller_after = 0;
      for (size_t b = a + 1; b < 4; ++b) smaller_after += v[b] < v[a];
      code = code * static_cast<int>(4 - a) + smaller_after;
    }
    counts[static_cast<size_t>(code)] += 1;
  }
  const std::vector<double> expected(24, n / 24.0);
  EXPECT_LT(st::chi_square(counts, expected), st::chi_square_upper_quantile(kAlpha, 23));
  const std::vector<uint32_t> p = r.permutation(1000);
  EXPECT_EQ(std::set<uint32_t>(p.begin(), p.end()).size(), 1000u);
}

TEST(GenerateRandom, SampleWithoutReplacementIsDistinctAndUniform) {
  Random r(6);
  const int trials = 20000;
  std::vector<double> included(10, 0.0), first(10, 0.0);
  for (int t = 0; t < trials; ++t) {
    const std::vector<uint64_t> s = r.sample_without_replacement(10, 4);
    ASSERT_EQ(std::set<uint64_t>(s.begin(), s.end()).size(), 4u);
    for (uint64_t v : s) {
      ASSERT_LT(v, 10u);
      included[v] += 1;
    }
    first[s[0]] += 1;
  }
  // Inclusion counts are negatively correlated (4 per trial), which only makes the Pearson
  // statistic smaller: the chi-square bound stays valid, if conservative.
  EXPECT_LT(st::chi_square(included, std::vector<double>(10, trials * 0.4)),
            st::chi_square_upper_quantile(kAlpha / 2, 9));
  // Floyd's algorithm alone favours late values in early positions; the final shuffle fixes it.
  EXPECT_LT(st::chi_square(first, std::vector<double>(10, trials * 0.1)),
            st::chi_square_upper_quantile(kAlpha / 2, 9));
  const std::vector<uint64_t> all = r.sample_without_replacement(5, 5);
  EXPECT_EQ(std::set<uint64_t>(all.begin(), all.end()).size(), 5u);
  const std::vector<uint64_t> big = r.sample_without_replacement(uint64_t{1} << 62, 6);
  EXPECT_EQ(std::set<uint64_t>(big.begin(), big.end()).size(), 6u);
  EXPECT_THROW(r.sample_without_replacement(3, 4), Error);
}

}  // namespace
}  // namespace fraudkit::gen
