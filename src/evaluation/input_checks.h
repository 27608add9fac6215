#pragma once
// Argument checks shared by every metric, so each reports bad input the same way: UsageError
// for a programming mistake (length mismatch, empty input, bad k / beta), DataError for bad
// values in the data (label not 0/1, non-finite score, probability outside [0, 1]).
#include <cstdint>
#include <span>

namespace fraudkit::detail {

void check_same_length(std::span<const uint8_t> y, std::span<const double> scores);
void check_not_empty(size_t n, const char* what);
void check_labels(std::span<const uint8_t> y);
void check_finite_scores(std::span<const double> scores);
void check_probabilities(std::span<const double> p);
// Throws the error for row `row`, whose label or score is known to be bad (for hot loops that
// detect a bad row inline and want the same message as the checks above).
[[noreturn]] void throw_bad_row(std::span<const uint8_t> y, std::span<const double> scores, size_t row);
// All of the above that apply to a (labels, scores) pair.
void check_labels_and_scores(std::span<const uint8_t> y, std::span<const double> scores);

}  // namespace fraudkit::detail
