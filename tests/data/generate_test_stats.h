#pragma once
// Small statistical tests shared by the generator tests. Every bound a test asserts comes from
// here, from a stated false-alarm rate, never from tuning a margin until the test passes:
// `alpha` is the chance that a correct generator fails the whole family of checks in a test
// (Bonferroni: each of m checks is run at alpha / m).
#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fraudkit::testing::stats {

// z with P(Z > z) = q for a standard normal Z (bisection on erfc; accurate to ~1e-12).
inline double upper_normal_quantile(double q) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(mid / std::sqrt(2.0)) > q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Two-sided critical |z| for one of m checks sharing a family-wise false-alarm rate alpha.
inline double bonferroni_z(double alpha, int m) { return upper_normal_quantile(alpha / (2.0 * m)); }

// Student-t critical value from the normal one (Cornish-Fisher expansion in 1/df; within 1% of
// the exact quantile for df >= 30 at the tail areas used here).
inline double t_from_z(double z, double df) {
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

// Upper-q quantile of chi-square with df degrees of freedom (Wilson-Hilferty; slightly
// conservative in the far tail for small df).
inline double chi_square_upper_quantile(double q, double df) {
  const double z = upper_normal_quantile(q), h = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - h + z * std::sqrt(h), 3.0);
}

struct Summary {
  double n = 0, mean = 0, var = 0;  // var with the n - 1 divisor
};

inline Summary summarize(std::span<const double> x) {
  Summary s;
  s.n = static_cast<double>(x.size());
  for (double v : x) s.mean += v;
  s.mean /= s.n;
  for (double v : x) s.var += (v - s.mean) * (v - s.mean);
  s.var /= (s.n - 1);
  return s;
}

// Standardised difference of two independent sample means (Welch).
inline double welch_z(const Summary& a, const Summary& b) {
  const double se = std::sqrt(a.var / a.n + b.var / b.n);
  if (se == 0) return a.mean == b.mean ? 0.0 : INFINITY;
  return (a.mean - b.mean) / se;
}

// Welch-Satterthwaite degrees of freedom of welch_z.
inline double welch_df(const Summary& a, const Summary& b) {
  const double va = a.var / a.n, vb = b.var / b.n;
  return (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1));
}

// Standardised difference of two independent proportions k1/n1 and k2/n2 (pooled variance).
inline double two_proportion_z(double k1, double n1, double k2, double n2) {
  const double p = (k1 + k2) / (n1 + n2);
  const double se = std::sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se == 0) return 0.0;
  return (k1 / n1 - k2 / n2) / se;
}

// Two-sample Kolmogorov-Smirnov statistic sup |F_a - F_b| (ties handled: both empirical CDFs
// step past a repeated value together, which matters for clipped columns).
inline double ks_two_sample(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  return d;
}

// Asymptotic critical value of ks_two_sample at level alpha (conservative for discrete data).
inline double ks_two_sample_critical(double na, double nb, double alpha) {
  return std::sqrt(-0.5 * std::log(alpha / 2)) * std::sqrt((na + nb) / (na * nb));
}

// One-sample Kolmogorov-Smirnov statistic of x against a continuous CDF.
inline double ks_one_sample(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

inline double ks_one_sample_critical(double n, double alpha) {
  return std::sqrt(-0.5 * std::log(alpha / 2) / n);
}

inline double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Pearson chi-square of observed counts against expected counts (same length, expected > 0).
inline double chi_square(std::span<const double> observed, std::span<const double> expected) {
  double x = 0;
  for (size_t i = 0; i < observed.size(); ++i)
    x += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return x;
}

// A family of z (or Student t) statistics checked together: each must stay within the
// Bonferroni bound for the family's size, so adding checks to a test never silently loosens or
// tightens it. A t statistic passes its degrees of freedom and gets the matching t bound.
class ZChecks {
 public:
  void add(std::string what, double z) { add(std::move(what), z, INFINITY); }
  void add(std::string what, double t, double df) {
    checks_.push_back({std::move(what), t, df});
  }
  size_t size() const { return checks_.size(); }
  void expect_all_within(double alpha) const {
    ASSERT_FALSE(checks_.empty());
    const double z_bound = bonferroni_z(alpha, static_cast<int>(checks_.size()));
    for (const Check& c : checks_) {
      // Both samples constant (df undefined): then welch_z is 0 or infinite, judged as a z.
      const bool is_t = std::isfinite(c.df) && c.df > 0;
      const double bound = is_t ? t_from_z(z_bound, c.df) : z_bound;
      EXPECT_LT(std::fabs(c.stat), bound) << c.what << " (" << checks_.size() << " checks)";
    }
  }

 private:
  struct Check {
    std::string what;
    double stat, df;
  };
  std::vector<Check> checks_;
};

}  // namespace fraudkit::testing::stats
