#pragma once
// Pieces every sampler needs: input checks with actionable messages, class bookkeeping, row
// gathering; the seeded random stream is common/random.h.
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/random.h"
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

}  // namespace fraudkit::sampling
