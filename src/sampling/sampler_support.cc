#include "sampling/sampler_support.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cmath>
#include <numbers>
#include <string>

#include "fraudkit/error.h"

namespace fraudkit::sampling {

std::array<int64_t, 2> class_counts(const ResampleInput& input) {
  if (input.y.size() != static_cast<size_t>(input.X.rows()))
    throw DataError("resampling: " + std::to_string(input.y.size()) + " labels for " +
                    std::to_string(input.X.rows()) + " rows; expected one label per row");
  if (!input.categorical.empty() && input.categorical.size() != static_cast<size_t>(input.X.cols()))
    throw UsageError("resampling: categorical mask has " + std::to_string(input.categorical.size()) +
                     " entries for " + std::to_string(input.X.cols()) + " columns");
  std::array<int64_t, 2> counts{0, 0};
  for (size_t i = 0; i < input.y.size(); ++i) {
    if (input.y[i] > 1)
      throw DataError("resampling: label at row " + std::to_string(i) + " is " + std::to_string(input.y[i]) +
                      "; expected 0 or 1");
    ++counts[input.y[i]];
  }
  return counts;
}

void require_two_classes(const std::array<int64_t, 2>& counts, std::string_view sampler) {
  if (counts[0] == 0 || counts[1] == 0)
    throw DataError(std::string(sampler) + ": the data has a single class (" + std::to_string(counts[0]) +
                    " negatives, " + std::to_string(counts[1]) +
                    " positives); resampling needs rows of both classes");
}

namespace {
std::string column_name(const ResampleInput& input, Eigen::Index c) {
  if (static_cast<size_t>(c) < input.feature_names.size()) return "'" + input.feature_names[static_cast<size_t>(c)] + "'";
  return "#" + std::to_string(c);
}
}  // namespace

void require_finite(const ResampleInput& input, std::string_view sampler) {
  const RowMatrix& X = input.X;
  for (Eigen::Index r = 0; r < X.rows(); ++r)
    for (Eigen::Index c = 0; c < X.cols(); ++c)
      if (!std::isfinite(X(r, c)))
        throw DataError(std::string(sampler) + ": column " + column_name(input, c) + " has a " +
                        (std::isnan(X(r, c)) ? "missing value (NaN)" : "non-finite value") + " at row " +
                        std::to_string(r) +
                        "; neighbour-based samplers need complete numeric data: impute missing values "
                        "first (e.g. pipeline \"impute,scale," + std::string(sampler) + ",logreg\")");
}

void require_numeric(const ResampleInput& input, std::string_view sampler, std::string_view alternative) {
  for (size_t c = 0; c < input.categorical.size(); ++c)
    if (input.categorical[c])
      throw DataError(std::string(sampler) + ": column " + column_name(input, static_cast<Eigen::Index>(c)) +
                      " is categorical; " + std::string(sampler) +
                      " interpolates numeric columns only. Use " + std::string(alternative) +
                      " for mixed numeric and categorical data, or one-hot encode first");
}

void require_neighbours(int64_t needed, int64_t available, int cls, std::string_view sampler,
                        std::string_view parameter) {
  if (needed > available)
    throw DataError(std::string(sampler) + ": " + std::string(parameter) + " needs " + std::to_string(needed) +
                    " rows of class " + std::to_string(cls) + " (the neighbours plus the row itself) but the "
                    "class has only " + std::to_string(available) + "; lower " + std::string(parameter) +
                    " to at most " + std::to_string(std::max<int64_t>(available - 1, 0)));
}

std::vector<uint32_t> rows_of_class(std::span<const uint8_t> y, int cls) {
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] == cls) rows.push_back(static_cast<uint32_t>(i));
  return rows;
}

RowMatrix gather_rows(const RowMatrix& X, std::span<const uint32_t> rows) {
  RowMatrix out(static_cast<Eigen::Index>(rows.size()), X.cols());
  for (size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
  return out;
}

void return_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

std::vector<uint32_t> all_rows(size_t n) {
  std::vector<uint32_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(i);
  return rows;
}

nlohmann::json count_report(const ResampleInput& input, const ResampleResult& result,
                            const std::map<int, int64_t>& target) {
  int64_t in[2] = {0, 0}, out[2] = {0, 0};
  for (uint8_t v : input.y) ++in[v];
  for (uint32_t r : result.kept) ++out[input.y[r]];
  for (uint8_t v : result.synthetic_y) ++out[v];
  nlohmann::json t = nlohmann::json::object();
  for (const auto& [cls, n] : target) t[std::to_string(cls)] = n;
  return {{"rows_in", input.y.size()},
          {"rows_out", result.rows_out()},
          {"negatives_in", in[0]},
          {"positives_in", in[1]},
          {"negatives_out", out[0]},
          {"positives_out", out[1]},
          {"kept", result.kept.size()},
          {"created", result.synthetic_y.size()},
          {"strategy_resolved", t}};
}

}  // namespace fraudkit::sampling
