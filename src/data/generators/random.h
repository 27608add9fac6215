#pragma once
// The seeded random source behind every generator. The engine is std::mt19937_64, whose output
// sequence the C++ standard fixes; the distributions are written here because the std::
// distributions are implementation-defined (libstdc++, libc++ and MSVC give different numbers
// for the same engine state). Same seed, same draws, whatever the standard library.
//
// The only floating-point steps outside IEEE basic arithmetic are log, exp and lgamma from the
// C library; on platforms whose libm rounds those differently a last-bit difference is possible.
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>
#include <vector>

namespace fraudkit::gen {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  uint64_t next_u64() { return engine_(); }
  // Uniform on [0, 1) with 53 random bits (every double of the form k / 2^53).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform on [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), without modulo bias. n must be > 0.
  uint64_t bounded(uint64_t n);
  // Standard normal (Marsaglia polar method; the second value of each pair is kept).
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // exp(N(mu, sigma^2)), numpy's lognormal(mean=mu, sigma=sigma).
  double lognormal(double mu, double sigma);
  // Exponential with mean `scale` (numpy's parametrisation).
  double exponential(double scale);
  // Poisson with mean `lambda` >= 0: multiplication of uniforms below 10, Hormann's PTRS
  // (transformed rejection with squeeze) from 10 on, where the product method would need
  // O(lambda) draws.
  int64_t poisson(double lambda);

  // Fisher-Yates: every permutation equally likely.
  template <class T>
  void shuffle(std::span<T> items) {
    for (size_t i = items.size(); i > 1; --i) {
      const size_t j = static_cast<size_t>(bounded(i));
      std::swap(items[i - 1], items[j]);
    }
  }
  // A uniformly random permutation of 0..n-1.
  std::vector<uint32_t> permutation(size_t n);
  // k distinct values from [0, n) in uniformly random order (Floyd's algorithm, then a
  // shuffle so the order carries no information). Requires k <= n.
  std::vector<uint64_t> sample_without_replacement(uint64_t n, size_t k);

 private:
  int64_t poisson_small(double lambda);
  int64_t poisson_ptrs(double lambda);

  std::mt19937_64 engine_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// Draws an index with probability proportional to its weight (weights >= 0, not all zero;
// they need not sum to 1, like the reference simulator's hour table, which sums to 1.08).
class Categorical {
 public:
  explicit Categorical(std::span<const double> weights);
  size_t operator()(Random& rng) const;
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;  // normalised running sums; the last is exactly 1
};

}  // namespace fraudkit::gen
