#pragma once
// Dataset: named feature columns (numeric or dictionary-coded categorical), a 0/1 target and
// optional per-row sample weights. Row subsets for splits and folds are index lists
// (`RowSet`) over one Dataset, so a split never copies the data.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace fraudkit {

enum class ColumnType { kNumeric, kCategorical };

const char* to_string(ColumnType type);

// Code stored for a missing categorical value.
inline constexpr int32_t kMissingCode = -1;

// Schema of one feature column. For categorical columns `categories[code]` is the value text.
struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<std::string> categories;
};

// One feature column. Numeric: `values` (NaN = missing). Categorical: `codes` into
// `schema.categories` (kMissingCode = missing). Exactly one of the two vectors is filled.
struct Column {
  ColumnSchema schema;
  std::vector<double> values;
  std::vector<int32_t> codes;

  const std::string& name() const { return schema.name; }
  ColumnType type() const { return schema.type; }
  bool is_numeric() const { return schema.type == ColumnType::kNumeric; }
  size_t size() const { return is_numeric() ? values.size() : codes.size(); }
  bool is_missing(size_t row) const {
    return is_numeric() ? std::isnan(values[row]) : codes[row] == kMissingCode;
  }
};

// Row indices into one Dataset (a split part or a fold). Kept sorted ascending by the split
// functions so subsets read memory in order.
using RowSet = std::vector<uint32_t>;

struct Dataset {
  std::vector<Column> columns;       // feature columns, in file order (target excluded)
  std::vector<uint8_t> target;       // 0/1 per row; empty when the data is unlabelled
  std::vector<double> weights;       // per-row sample weight; empty = all 1
  std::string target_name;           // name of the target column in the source file
  std::string positive_label;        // text of the positive class in the source file
  std::string negative_label;        // text of the negative class in the source file
  std::string source;                // file the data came from (for messages), may be empty

  size_t rows() const { return columns.empty() ? target.size() : columns.front().size(); }
  size_t num_features() const { return columns.size(); }
  bool has_target() const { return !target.empty(); }
  bool has_weights() const { return !weights.empty(); }
  double weight(size_t row) const { return weights.empty() ? 1.0 : weights[row]; }

  // Index of the column called `name`, or -1.
  int find_column(const std::string& name) const;
  // Schema of every feature column.
  std::vector<ColumnSchema> schema() const;
  // All rows 0..rows()-1.
  RowSet all_rows() const;
  // Number of positive rows among `rows` (all rows when `rows` is empty is NOT implied).
  size_t count_positives(std::span<const uint32_t> rows) const;
  size_t count_positives() const;
  // A new Dataset holding copies of the given rows (for writing subsets or generators).
  Dataset take(std::span<const uint32_t> rows) const;
  // Content fingerprint (FNV-1a 64 over schema, values, target, weights) as 16 hex digits.
  std::string fingerprint() const;
};

}  // namespace fraudkit
