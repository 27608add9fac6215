#pragma once
// Turning the target column's texts into 0/1 labels.
//
// Without CsvOptions::positive the values must be 0/1 (any number equal to 0 or 1, e.g.
// "1.0") or true/false in any case. With it, rows equal to that text are 1 and the one other
// distinct value is 0. Missing values, more than two distinct values, a value that is not a
// label, and a single class (unless allowed) are DataErrors pointing at the first row concerned.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/csv_errors.h"
#include "data/csv_tokenizer.h"
#include "fraudkit/csv.h"

namespace fraudkit::csv {

struct TargetLabels {
  std::vector<uint8_t> target;
  std::string positive_label;
  std::string negative_label;
};

// `codes[r]` indexes `texts` (order of first appearance) or is kMissingCode; `records` are the
// data rows (for line numbers) and `column` the target's 0-based position in the header.
TargetLabels resolve_target(std::span<const int32_t> codes, const std::vector<std::string>& texts,
                            const CsvOptions& options, const ErrorContext& ctx,
                            std::span<const RecordSpan> records, long column);

}  // namespace fraudkit::csv
