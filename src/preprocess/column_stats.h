#pragma once
// Statistics the preprocessor learns from one numeric column over the training rows.
#include <cstdint>
#include <span>
#include <vector>

namespace fraudkit {

struct NumericColumnStats {
  double median = 0;     // of the non-missing values (0 when every value is missing)
  double mean = 0;       // after median imputation
  double scale = 1;      // population std after imputation; 1 for (near-)constant columns
  int64_t missing = 0;   // missing cells among the rows
};

// Mirrors scikit-learn: SimpleImputer(strategy="median") then StandardScaler (ddof 0, scale
// forced to 1 when the variance is zero up to rounding — _handle_zeros_in_scale).
NumericColumnStats numeric_column_stats(const std::vector<double>& values,
                                        std::span<const uint32_t> rows);

}  // namespace fraudkit
