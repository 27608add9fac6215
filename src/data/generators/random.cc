#include "data/generators/random.h"

#include <cmath>
#include <numeric>
#include <string>
#include <unordered_set>

#include "fraudkit/error.h"

namespace fraudkit::gen {

namespace {

// log(k!) without std::lgamma, which writes the global `signgam` (a data race once generators
// run on several threads). Exact sums of logs below 16, Stirling's series above, where its
// truncation error (< 1/(1188 x^9)) is far below double rounding.
double log_factorial(double k) {
  if (k < 16) {
    double s = 0;
    for (int i = 2; i <= static_cast<int>(k); ++i) s += std::log(static_cast<double>(i));
    return s;
  }
  const double x = k + 1, x2 = x * x;
  constexpr double kHalfLogTwoPi = 0.91893853320467274178;
  return (x - 0.5) * std::log(x) - x + kHalfLogTwoPi +
         (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x;
}

}  // namespace

uint64_t Random::bounded(uint64_t n) {
  // Reject the lowest (2^64 mod n) outputs so that the remaining range is a multiple of n.
  const uint64_t threshold = (0 - n) % n;
  for (;;) {
    const uint64_t r = engine_();
    if (r >= threshold) return r % n;
  }
}

double Random::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * f;
  has_spare_normal_ = true;
  return u * f;
}

double Random::lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }

double Random::exponential(double scale) {
  // 1 - uniform() is in (0, 1], so the log is finite.
  return -scale * std::log(1.0 - uniform());
}

int64_t Random::poisson(double lambda) {
  if (lambda >= 10) return poisson_ptrs(lambda);
  return poisson_small(lambda);
}

int64_t Random::poisson_small(double lambda) {
  // Count uniforms until their product falls below exp(-lambda).
  const double limit = std::exp(-lambda);
  int64_t k = 0;
  double product = uniform();
  while (product > limit) {
    ++k;
    product *= uniform();
  }
  return k;
}

int64_t Random::poisson_ptrs(double lambda) {
  // W. Hormann, "The transformed rejection method for generating Poisson random variables",
  // Insurance: Mathematics and Economics 12 (1993), algorithm PTRS.
  const double slam = std::sqrt(lambda), loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::fabs(u);
    if (us == 0.0) continue;  // u = -0.5 exactly: the transform is unbounded there
    // Kept in double until accepted: far in the tails k can exceed the int64 range.
    const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<int64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -lambda + k * loglam - log_factorial(k))
      return static_cast<int64_t>(k);
  }
}

std::vector<uint32_t> Random::permutation(size_t n) {
  std::vector<uint32_t> p(n);
  std::iota(p.begin(), p.end(), 0u);
  shuffle(std::span<uint32_t>(p));
  return p;
}

std::vector<uint64_t> Random::sample_without_replacement(uint64_t n, size_t k) {
  if (k > n)
    throw Error(ErrorKind::kInternal, "sample_without_replacement: k = " + std::to_string(k) +
                                          " > n = " + std::to_string(n));
  std::vector<uint64_t> out;
  out.reserve(k);
  std::unordered_set<uint64_t> seen;
  seen.reserve(k);
  // Floyd: for j = n-k .. n-1 draw t in [0, j]; take t, or j itself when t is already taken.
  for (uint64_t j = n - k; j < n; ++j) {
    const uint64_t t = bounded(j + 1);
    if (seen.insert(t).second) {
      out.push_back(t);
    } else {
      seen.insert(j);  // j was never drawable before this step, so it is new
      out.push_back(j);
    }
  }
  shuffle(std::span<uint64_t>(out));
  return out;
}

Categorical::Categorical(std::span<const double> weights) {
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0) || !std::isfinite(w))
      throw Error(ErrorKind::kInternal, "Categorical: weights must be finite and >= 0");
    total += w;
  }
  if (weights.empty() || !(total > 0))
    throw Error(ErrorKind::kInternal, "Categorical: weights must not all be zero");
  cumulative_.reserve(weights.size());
  double running = 0;
  for (double w : weights) {
    running += w;
    cumulative_.push_back(running / total);
  }
  cumulative_.back() = 1.0;  // rounding must not leave a gap above the last bucket
}

size_t Categorical::operator()(Random& rng) const {
  const double u = rng.uniform();
  // Few buckets (5 merchants, 24 hours): a linear scan beats a binary search here.
  size_t i = 0;
  while (u >= cumulative_[i]) ++i;
  return i;
}

}  // namespace fraudkit::gen
