#pragma once
// Neumaier's compensated summation. Metrics sum millions of small terms; plain summation can
// drift by n * 2^-53 relative, which on 10M rows approaches the 1e-9 parity budget, whereas
// this stays within a couple of ulps of the exact sum whatever the order.
#include <cmath>

namespace fraudkit::detail {

class CompensatedSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    if (std::abs(sum_) >= std::abs(x)) compensation_ += (sum_ - t) + x;
    else compensation_ += (x - t) + sum_;
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0, compensation_ = 0;
};

}  // namespace fraudkit::detail
