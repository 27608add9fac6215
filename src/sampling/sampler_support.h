#pragma once
// Pieces every sampler needs: input checks with actionable messages, class bookkeeping, row
// gathering and a seeded random stream that gives the same numbers on every platform.
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fraudkit/sampler.h"

namespace fraudkit::sampling {

// {negatives, positives}; throws DataError when y is not 0/1 or its size differs from X's rows.
std::array<int64_t, 2> class_counts(const ResampleInput& input);
// DataError unless both classes are present (single-class data cannot be resampled).
void require_two_classes(const std::array<int64_t, 2>& counts, std::string_view sampler);
// DataError naming the first NaN / infinite cell (column name, row) and suggesting imputation.
void require_finite(const ResampleInput& input, std::string_view sampler);
// DataError when any column is categorical, suggesting `alternative` (e.g. "smotenc").
void require_numeric(const ResampleInput& input, std::string_view sampler, std::string_view alternative);
// DataError when k_neighbors (+ self) needs more rows than the class has.
void require_neighbours(int64_t needed, int64_t available, int cls, std::string_view sampler,
                        std::string_view parameter);

std::vector<uint32_t> rows_of_class(std::span<const uint8_t> y, int cls);
RowMatrix gather_rows(const RowMatrix& X, std::span<const uint32_t> rows);
// 0, 1, ..., n-1.
std::vector<uint32_t> all_rows(size_t n);
// Hands memory the process has freed back to the system (glibc's malloc_trim; a no-op
// elsewhere). After a large block is freed glibc raises its thresholds and keeps later freed
// heap memory resident, which SMOTETomek on http.csv measured as 20 MB above its live peak.
void return_freed_memory();

// Report block shared by all samplers: per-class rows in/out, created, strategy resolved.
nlohmann::json count_report(const ResampleInput& input, const ResampleResult& result,
                            const std::map<int, int64_t>& target);

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

}  // namespace fraudkit::sampling
