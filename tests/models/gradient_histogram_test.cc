// Gradient histograms and split search, against direct computation on the rows: histogram
// sums against plain loops, the subtraction trick against building the other child, and the
// chosen split against a brute force over every feature, threshold and missing direction
// whose sums are recomputed from the rows (no histogram involved).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include "models/gradient_histogram.h"

namespace fraudkit::models {
namespace {

struct Problem {
  int features = 0, max_bins = 0;
  size_t rows = 0;
  std::vector<uint8_t> bins;  // row-major
  std::vector<double> gradients, hessians;
  uint8_t bin(int f, size_t r) const { return bins[r * static_cast<size_t>(features) + static_cast<size_t>(f)]; }
};

// Random bins (about one value in `missing_every` missing), gradients and positive hessians.
Problem random_problem(int features, int max_bins, size_t rows, int missing_every, uint32_t seed) {
  std::mt19937_64 rng(seed);
  Problem p{features, max_bins, rows, {}, {}, {}};
  std::uniform_int_distribution<int> bin(0, max_bins - 1), missing(0, missing_every - 1);
  std::normal_distribution<double> gradient(0.0, 1.0);
  std::uniform_real_distribution<double> hessian(0.05, 0.25);
  p.bins.resize(rows * static_cast<size_t>(features));
  for (int f = 0; f < features; ++f)
    for (size_t r = 0; r < rows; ++r)
      p.bins[r * static_cast<size_t>(features) + static_cast<size_t>(f)] =
          static_cast<uint8_t>(missing(rng) == 0 ? max_bins : bin(rng));
  for (size_t r = 0; r < rows; ++r) {
    p.gradients.push_back(gradient(rng));
    p.hessians.push_back(hessian(rng));
  }
  return p;
}

std::vector<uint32_t> every_row(size_t n) {
  std::vector<uint32_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(i);
  return rows;
}

NodeHistogram build(const Problem& p, const std::vector<uint32_t>& rows, int threads) {
  NodeHistogram h(p.features, p.max_bins);
  h.build(p.bins, p.gradients, p.hessians, rows, threads);
  return h;
}

TEST(GradientHistogram, SumsEqualADirectCountPerFeatureAndBin) {
  for (const size_t n : {size_t{300}, size_t{9000}}) {  // one thread, then the parallel path
    const Problem p = random_problem(4, 16, n, 5, 11);
    std::vector<uint32_t> rows;
    for (size_t r = 0; r < n; r += 3) rows.push_back(static_cast<uint32_t>(r));
    for (const int threads : {1, 2}) {
      const NodeHistogram h = build(p, rows, threads);
      for (int f = 0; f < p.features; ++f)
        for (int b = 0; b <= p.max_bins; ++b) {
          BinStats want;
          for (const uint32_t r : rows)
            if (p.bin(f, r) == b) {
              want.gradient += p.gradients[r];
              want.hessian += p.hessians[r];
              ++want.count;
            }
          const BinStats got = h.feature(f)[static_cast<size_t>(b)];
          EXPECT_EQ(got.count, want.count) << "feature " << f << " bin " << b;
          EXPECT_EQ(got.gradient, want.gradient) << "feature " << f << " bin " << b;  // same order of additions
          EXPECT_EQ(got.hessian, want.hessian) << "feature " << f << " bin " << b;
        }
    }
  }
}

// Above two blocks of rows the sums run per block, then add up in block order: the same bits
// for any thread count, and the direct sums up to rounding.
TEST(GradientHistogram, BlockedSumsDoNotDependOnTheThreadCount) {
  const Problem p = random_problem(3, 16, 50000, 5, 13);
  const std::vector<uint32_t> rows = every_row(p.rows);
  const NodeHistogram one = build(p, rows, 1), two = build(p, rows, 2);
  for (int f = 0; f < p.features; ++f)
    for (int b = 0; b <= p.max_bins; ++b) {
      const BinStats x = one.feature(f)[static_cast<size_t>(b)], y = two.feature(f)[static_cast<size_t>(b)];
      ASSERT_EQ(x.gradient, y.gradient);
      ASSERT_EQ(x.hessian, y.hessian);
      ASSERT_EQ(x.count, y.count);
      BinStats want;
      for (const uint32_t r : rows)
        if (p.bin(f, r) == b) want.gradient += p.gradients[r], want.hessian += p.hessians[r], ++want.count;
      EXPECT_EQ(x.count, want.count);
      EXPECT_NEAR(x.gradient, want.gradient, 1e-9);
      EXPECT_NEAR(x.hessian, want.hessian, 1e-9);
    }
}

// Mostly-one-bin columns (flags, one-hot): the sparse pass, which skips each feature's most
// frequent bin and fills it from the node's totals, gives the direct sums up to rounding,
// exact counts, and the same bits for any thread count.
TEST(GradientHistogram, SparsePassEqualsTheDirectSums) {
  Problem p = random_problem(6, 8, 40000, 9, 14);
  for (uint8_t& b : p.bins) b = b % 5 == 0 ? b : uint8_t{3};  // bin 3 (or missing) dominates every feature
  const NodeHistogram shape(p.features, p.max_bins, true);
  const std::unique_ptr<SparseBins> sparse = SparseBins::make(p.bins, p.rows, shape);
  ASSERT_NE(sparse, nullptr);
  std::vector<uint32_t> rows;
  for (uint32_t r = 0; r < p.rows; ++r)
    if (r % 3 != 2) rows.push_back(r);
  NodeHistogram direct(p.features, p.max_bins, true), one(p.features, p.max_bins, true), two(p.features, p.max_bins, true);
  direct.build(p.bins, p.gradients, p.hessians, rows, 1);
  one.build(p.bins, p.gradients, p.hessians, rows, 1, {}, sparse.get());
  two.build(p.bins, p.gradients, p.hessians, rows, 2, {}, sparse.get());
  for (int f = 0; f < p.features; ++f)
    for (int b = 0; b <= p.max_bins; ++b) {
      const BinStats d = direct.feature(f)[static_cast<size_t>(b)], x = one.feature(f)[static_cast<size_t>(b)],
                     y = two.feature(f)[static_cast<size_t>(b)];
      EXPECT_EQ(x.count, d.count) << "feature " << f << " bin " << b;
      EXPECT_NEAR(x.gradient, d.gradient, 1e-9);
      EXPECT_NEAR(x.hessian, d.hessian, 1e-9);
      ASSERT_EQ(x.gradient, y.gradient);
      ASSERT_EQ(x.hessian, y.hessian);
    }
  // Dense data (every bin equally likely) is left to the direct pass.
  EXPECT_EQ(SparseBins::make(random_problem(6, 8, 1000, 9, 15).bins, 1000, shape), nullptr);
}

TEST(GradientHistogram, ParentMinusOneChildIsTheOtherChild) {
  const Problem p = random_problem(3, 32, 2000, 7, 12);
  std::vector<uint32_t> left, right;
  for (uint32_t r = 0; r < p.rows; ++r) (r % 3 == 0 ? left : right).push_back(r);
  const NodeHistogram parent = build(p, every_row(p.rows), 1);
  NodeHistogram derived(p.features, p.max_bins);
  derived.subtract(parent, build(p, left, 1));
  const NodeHistogram direct = build(p, right, 1);
  for (int f = 0; f < p.features; ++f)
    for (int b = 0; b <= p.max_bins; ++b) {
      const BinStats d = derived.feature(f)[static_cast<size_t>(b)], want = direct.feature(f)[static_cast<size_t>(b)];
      EXPECT_EQ(d.count, want.count);
      EXPECT_NEAR(d.gradient, want.gradient, 1e-9);
      EXPECT_NEAR(d.hessian, want.hessian, 1e-9);
    }
}

// The best gain over every candidate, each side's sums recomputed from the rows.
struct Reference {
  double best_gain = 0;
  bool any = false;
};
Reference brute_force(const Problem& p, const std::vector<uint32_t>& rows, const SplitParams& params,
                      std::vector<std::vector<std::vector<double>>>* gains) {
  Reference ref;
  gains->assign(static_cast<size_t>(p.features),
                std::vector<std::vector<double>>(static_cast<size_t>(p.max_bins), std::vector<double>(2, -1)));
  for (int f = 0; f < p.features; ++f)
    for (int b = 0; b < p.max_bins; ++b)  // b = max_bins - 1: every value left, missing right
      for (const int missing_left : {0, 1}) {
        BinStats left, right;
        for (const uint32_t r : rows) {
          const uint8_t v = p.bin(f, r);
          const bool goes_left = v == p.max_bins ? missing_left == 1 : v <= b;
          BinStats& s = goes_left ? left : right;
          s.gradient += p.gradients[r];
          s.hessian += p.hessians[r];
          ++s.count;
        }
        if (left.count < std::max<uint32_t>(1, params.min_samples_leaf) ||
            right.count < std::max<uint32_t>(1, params.min_samples_leaf) || left.hessian < params.min_child_weight ||
            right.hessian < params.min_child_weight)
          continue;
        const double gain = split_gain(left, right, params.lambda);
        (*gains)[static_cast<size_t>(f)][static_cast<size_t>(b)][static_cast<size_t>(missing_left)] = gain;
        if (gain > 0) ref.any = true;
        ref.best_gain = std::max(ref.best_gain, gain);
      }
  return ref;
}

TEST(GradientHistogram, BestSplitIsTheBruteForceOptimum) {
  struct Case {
    int features, max_bins;
    size_t rows;
    SplitParams params;
  };
  const Case cases[] = {
      {3, 8, 200, {}},
      {5, 32, 1500, {.lambda = 0.5, .min_child_weight = 5.0, .min_samples_leaf = 40}},
      {2, 255, 3000, {.lambda = 3.0, .min_child_weight = 0.0, .min_samples_leaf = 1}},
  };
  uint32_t seed = 20;
  for (const Case& c : cases) {
    const Problem p = random_problem(c.features, c.max_bins, c.rows, 6, seed++);
    std::vector<uint32_t> rows;
    for (uint32_t r = 0; r < p.rows; ++r)
      if (r % 4 != 1) rows.push_back(r);
    std::vector<std::vector<std::vector<double>>> gains;
    const Reference ref = brute_force(p, rows, c.params, &gains);
    const SplitCandidate got = best_split(build(p, rows, 2), c.params);
    ASSERT_TRUE(ref.any);
    ASSERT_GE(got.feature, 0);
    const double chosen = gains[static_cast<size_t>(got.feature)][static_cast<size_t>(got.bin)][got.missing_left ? 1 : 0];
    EXPECT_NEAR(chosen, ref.best_gain, 1e-9 * ref.best_gain) << "the chosen split is not the best";
    EXPECT_NEAR(got.gain, ref.best_gain, 1e-9 * ref.best_gain);
    EXPECT_GE(got.left.count, std::max<uint32_t>(1, c.params.min_samples_leaf));
    EXPECT_GE(got.right.count, std::max<uint32_t>(1, c.params.min_samples_leaf));
    EXPECT_EQ(got.left.count + got.right.count, rows.size());
  }
}

TEST(GradientHistogram, HandComputedSplitAndMissingDirection) {
  // One feature, bins {0, 0, 1, 1}, gradients {-1, -1, 1, 1}, hessians 1, lambda 1: splitting
  // after bin 0 gives (-2)^2/3 + 2^2/3 - 0 = 8/3.
  Problem p{1, 4, 4, {0, 0, 1, 1}, {-1, -1, 1, 1}, {1, 1, 1, 1}};
  SplitCandidate s = best_split(build(p, every_row(4), 1), {});
  EXPECT_EQ(s.feature, 0);
  EXPECT_EQ(s.bin, 0);
  EXPECT_FALSE(s.missing_left);
  EXPECT_DOUBLE_EQ(s.gain, 8.0 / 3.0);
  // Two more rows, missing, with negative gradients: they belong on the left.
  p = Problem{1, 4, 6, {0, 0, 1, 1, 4, 4}, {-1, -1, 1, 1, -1, -1}, {1, 1, 1, 1, 1, 1}};
  s = best_split(build(p, every_row(6), 1), {});
  EXPECT_EQ(s.bin, 0);
  EXPECT_TRUE(s.missing_left);
  EXPECT_DOUBLE_EQ(s.gain, 16.0 / 5.0 + 4.0 / 3.0 - 4.0 / 7.0);
  // A leaf may not hold fewer than 3 rows: no split of the first problem qualifies.
  p = Problem{1, 4, 4, {0, 0, 1, 1}, {-1, -1, 1, 1}, {1, 1, 1, 1}};
  EXPECT_EQ(best_split(build(p, every_row(4), 1), {.min_samples_leaf = 3}).feature, -1);
}

// Sums of the rows whose category (feature 0's bin) is in `left`, missing rows by direction.
std::pair<BinStats, BinStats> sides(const Problem& p, const std::vector<uint32_t>& rows, unsigned left,
                                    bool missing_left) {
  BinStats l, r;
  for (const uint32_t row : rows) {
    const uint8_t c = p.bin(0, row);
    BinStats& s = (c == p.max_bins ? missing_left : (left >> c & 1u) != 0) ? l : r;
    s.gradient += p.gradients[row];
    s.hessian += p.hessians[row];
    ++s.count;
  }
  return {l, r};
}

unsigned as_mask(const SplitCandidate& s, int categories) {
  unsigned mask = 0;
  for (int c = 0; c < categories; ++c) mask |= s.left_categories.contains(static_cast<uint32_t>(c)) ? 1u << c : 0u;
  return mask;
}

TEST(GradientHistogram, CategoricalPartitionIsTheBestOfEverySubset) {
  // Without L2 (lambda 0) the best two-way grouping of categories keeps them contiguous in
  // gradient / hessian order (Fisher 1958), so the sorted scan must reach the best of all
  // 2^k - 2 groupings, enumerated here with sums recomputed from the rows.
  const uint8_t categorical[] = {1};
  for (uint32_t seed = 40; seed < 46; ++seed) {
    const int k = 5 + static_cast<int>(seed % 4);  // 5..8 categories: partition splits
    Problem p = random_problem(1, k, 400, 1000000, seed);  // no missing values
    for (size_t r = 0; r < p.rows; ++r) p.gradients[r] += 0.3 * (p.bin(0, r) % 3) - 0.3;  // category effects
    const std::vector<uint32_t> rows = every_row(p.rows);
    const SplitParams params{.lambda = 0, .min_child_weight = 1e-9, .categorical = categorical};
    double best = 0;
    for (unsigned mask = 1; mask + 1 < (1u << k); ++mask) {
      const auto [l, r] = sides(p, rows, mask, false);
      best = std::max(best, split_gain(l, r, 0));
    }
    const SplitCandidate got = best_split(build(p, rows, 1), params);
    ASSERT_TRUE(got.categorical);
    const auto [l, r] = sides(p, rows, as_mask(got, k), got.missing_left);
    EXPECT_NEAR(split_gain(l, r, 0), best, 1e-9 * best) << "seed " << seed;
    EXPECT_NEAR(got.gain, best, 1e-9 * best) << "seed " << seed;
    EXPECT_EQ(got.left.count, l.count);
  }
}

TEST(GradientHistogram, FewCategoriesSplitOneAgainstTheRest) {
  // 3 categories (< max_cat_to_onehot 4): the best of "one category right, the rest left",
  // with the missing values on either side, from the rows.
  const uint8_t categorical[] = {1};
  for (uint32_t seed = 50; seed < 54; ++seed) {
    Problem p = random_problem(1, 3, 600, 5, seed);
    for (size_t r = 0; r < p.rows; ++r) p.gradients[r] += p.bin(0, r) == 3 ? -0.4 : 0.2 * p.bin(0, r);
    const std::vector<uint32_t> rows = every_row(p.rows);
    const SplitParams params{.lambda = 1, .min_child_weight = 1, .categorical = categorical};
    double best = 0;
    for (int c = 0; c < 3; ++c)
      for (const bool missing_left : {false, true}) {
        const auto [l, r] = sides(p, rows, 7u & ~(1u << c), missing_left);
        best = std::max(best, split_gain(l, r, 1));
      }
    const SplitCandidate got = best_split(build(p, rows, 1), params);
    ASSERT_TRUE(got.categorical);
    EXPECT_EQ(__builtin_popcount(as_mask(got, 3)), 2) << "one category goes right";
    const auto [l, r] = sides(p, rows, as_mask(got, 3), got.missing_left);
    EXPECT_NEAR(split_gain(l, r, 1), best, 1e-9 * best) << "seed " << seed;
  }
}

TEST(GradientHistogram, HandComputedCategoricalSplit) {
  // Categories 0..4 with gradients -1, +1, -1, +1, -1 (hessian 1, lambda 1): the split sends
  // {1, 3} one way and {0, 2, 4} the other, which no threshold on the codes can do. Leaf
  // values sort 0, 2, 4 (0.5) after 1, 3 (-0.5); the forward scan puts 1, 3 right and the
  // rest left: gain (-3)^2/4 + 2^2/3 - (-1)^2/6 = 9/4 + 4/3 - 1/6.
  const uint8_t categorical[] = {1};
  const Problem p{1, 5, 5, {0, 1, 2, 3, 4}, {-1, 1, -1, 1, -1}, {1, 1, 1, 1, 1}};
  const SplitCandidate s = best_split(build(p, every_row(5), 1), {.min_child_weight = 0, .categorical = categorical});
  ASSERT_TRUE(s.categorical);
  EXPECT_EQ(as_mask(s, 5), 0b10101u);
  EXPECT_DOUBLE_EQ(s.gain, 9.0 / 4.0 + 4.0 / 3.0 - 1.0 / 6.0);
  // The same bins read as numbers: the best threshold split gains less.
  EXPECT_LT(best_split(build(p, every_row(5), 1), {.min_child_weight = 0}).gain, s.gain);
}

}  // namespace
}  // namespace fraudkit::models
