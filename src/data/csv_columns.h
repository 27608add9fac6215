#pragma once
// What each CSV column becomes: a numeric or categorical feature, the target, the weights,
// the row ids, or nothing (dropped). Decided from the header, the options and, for features
// whose type is not declared, the first non-missing value of the column.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/csv_errors.h"
#include "data/csv_tokenizer.h"
#include "fraudkit/csv.h"

namespace fraudkit::csv {

enum class Role : uint8_t { kNumeric, kCategorical, kTarget, kWeight, kId, kDrop };

struct ColumnPlan {
  std::string name;
  Role role = Role::kNumeric;
  bool type_known = false;  // declared, or a non-feature role; inferred otherwise
};

// Roles from the header and the options. Throws DataError for duplicate header names and for
// a target / weight / id column absent from the header (listing the columns there are), and
// UsageError for unknown names in declared_types or drop_columns and for one column given two
// roles.
std::vector<ColumnPlan> plan_columns(const std::vector<std::string>& header,
                                     const CsvOptions& options, const ErrorContext& ctx,
                                     uint64_t header_offset);

// Fills in the type of every feature column not declared: numeric when its first non-missing
// value parses as a number, else categorical; a column with no value at all is numeric (all
// missing). Scans `records` in order only until every such column is decided.
void infer_types(std::vector<ColumnPlan>& plan, std::string_view text,
                 std::span<const RecordSpan> records);

}  // namespace fraudkit::csv
