#pragma once
// CSV reading and writing.
//
// Reading: a header row; numeric and categorical (text) columns, declared or inferred; missing
// values (empty, NA, NaN, null — case as written here and lower/upper case) kept as missing;
// RFC 4180 quoting (embedded commas, quotes doubled, newlines); CRLF; a UTF-8 BOM; `.gz` files
// are decompressed transparently. Inference: a column is numeric when its first non-missing
// value parses as a number, else categorical; a later value that does not parse in a numeric
// column is a DataError (line, column, value, and the hint to declare the column categorical).
//
// Every bad input is a DataError whose message names the file, the 1-based line, the column
// (name and 1-based position) where it applies, and what was expected: ragged row, text in a
// numeric column, empty file, header only, duplicate column names, missing target column, a
// target with one class or more than two values, a missing target value.
//
// Decisions (full contract in docs/csv.md): missing spellings count quoted or not; "inf" and
// other infinity spellings are text, not numbers; numbers are parsed exactly (same bits as
// strtod); a value beyond the range of a double is an error; blank lines are skipped; a '"'
// inside an unquoted field is literal but text after a closing quote is an error; a column
// with no value at all is numeric. An unreadable file is an IoError.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fraudkit/dataset.h"

namespace fraudkit {

struct CsvOptions {
  // Target column name; empty = the file is unlabelled (e.g. for `predict`).
  std::string target;
  // Text of the positive class. Empty: the target must be 0/1 or true/false (any case).
  // Given: rows equal to it are 1, the one other distinct value is 0.
  std::string positive;
  // Optional numeric column holding per-row sample weights (finite, >= 0); removed from features.
  std::string weight_column;
  // Optional column passed through untouched as row ids (not a feature), e.g. transaction_id.
  std::string id_column;
  // Types forced by name; every other column is inferred. Unknown names here are an error.
  std::map<std::string, ColumnType> declared_types;
  // Columns to drop entirely (not features). Unknown names here are an error.
  std::vector<std::string> drop_columns;
  // The declared types are the input schema of a trained model (evaluate / predict): a declared
  // column missing from the file then means the data does not fit the model, a DataError
  // naming every missing column, rather than a UsageError about the declaration.
  bool declared_types_from_model = false;
  // Whether a target with a single class is allowed (true for scoring new data that happens
  // to contain one class; training requires two).
  bool allow_single_class = false;
};

struct CsvData {
  Dataset data;                  // features (+ target, weights)
  std::vector<std::string> ids;  // values of id_column per row; empty when not requested
};

// 1 or 0 when `text` is a label the target accepts without --positive (0/1 as numbers, e.g.
// "1" or "1.0"; true/false in any case), -1 otherwise.
int builtin_label_meaning(const std::string& text);

// Reads `path` (plain or .gz). Throws DataError / IoError.
CsvData read_csv(const std::string& path, const CsvOptions& options);
// Parses CSV text held in memory; `source_name` is used in error messages.
CsvData parse_csv(std::string_view text, const CsvOptions& options,
                  const std::string& source_name = "<memory>");

// Writes the dataset (features, then the target column when present, named
// data.target_name, written as 0/1) to `path` atomically (temp file + rename). Doubles are
// written with the shortest text that round-trips; missing values as empty fields; text that
// needs it is quoted.
void write_csv(const Dataset& data, const std::string& path);

}  // namespace fraudkit
