// The seeded random stream (random.h).
#include "common/random.h"

#include <cmath>
#include <numbers>

namespace fraudkit {

double Rng::normal() {
  double u1 = uniform();
  while (u1 <= 0) u1 = uniform();
  double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace fraudkit
