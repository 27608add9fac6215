#pragma once
// The seeded random stream of every randomised component (samplers, tree ensembles, splits
// inside models): the same numbers on every platform and standard library.
#include <bit>
#include <cstdint>

namespace fraudkit {

// xoshiro256** (Blackman and Vigna), its state filled by splitmix64 from the seed as its authors
// recommend: a sequence fixed by its published definition, so every platform draws the same
// numbers, with our own bounded integer and uniform double (the standard distributions differ
// between library vendors). It replaced std::mt19937_64, whose draws and per-block seeding (312
// words) were a sixth of SMOTE's time on http.csv.
__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang extension, hence the marker

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : state_) {
      uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, bound), bound > 0: Lemire's multiply-shift with rejection (unbiased).
  uint64_t below(uint64_t bound) {
    Uint128 m = static_cast<Uint128>(next()) * bound;
    auto low = static_cast<uint64_t>(m);
    if (low < bound) {
      const uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<Uint128>(next()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1), 53 random bits
  double normal();                                                            // standard normal (Box-Muller on uniform())

 private:
  uint64_t state_[4];
};

}  // namespace fraudkit
