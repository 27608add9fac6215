#include "evaluation/input_checks.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "fraudkit/error.h"

namespace fraudkit::detail {

namespace {
std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
}  // namespace

void check_same_length(std::span<const uint8_t> y, std::span<const double> scores) {
  if (y.size() != scores.size())
    throw UsageError("labels and scores differ in length: " + std::to_string(y.size()) +
                     " labels vs " + std::to_string(scores.size()) + " scores");
}

void check_not_empty(size_t n, const char* what) {
  if (n == 0) throw UsageError(std::string(what) + ": needs at least one row, got none");
}

namespace {
[[noreturn]] void throw_bad_label(uint8_t label, size_t row) {
  throw DataError("label at row " + std::to_string(row) + " is " + std::to_string(label) +
                  "; expected 0 or 1 (1 = positive)");
}
[[noreturn]] void throw_bad_score(double score, size_t row) {
  throw DataError("score at row " + std::to_string(row) + " is " + number(score) +
                  "; expected a finite number");
}
}  // namespace

void check_labels(std::span<const uint8_t> y) {
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] > 1) throw_bad_label(y[i], i);
}

void check_finite_scores(std::span<const double> scores) {
  for (size_t i = 0; i < scores.size(); ++i)
    if (!std::isfinite(scores[i])) throw_bad_score(scores[i], i);
}

void throw_bad_row(std::span<const uint8_t> y, std::span<const double> scores, size_t row) {
  if (y[row] > 1) throw_bad_label(y[row], row);
  throw_bad_score(scores[row], row);
}

void check_probabilities(std::span<const double> p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (!(p[i] >= 0.0 && p[i] <= 1.0))
      throw DataError("probability at row " + std::to_string(i) + " is " + number(p[i]) +
                      "; expected a value in [0, 1]");
}

void check_labels_and_scores(std::span<const uint8_t> y, std::span<const double> scores) {
  check_same_length(y, scores);
  check_labels(y);
  check_finite_scores(scores);
}

}  // namespace fraudkit::detail
