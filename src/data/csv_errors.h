#pragma once
// Error messages for bad CSV input, in one format: "<file>, line N, column 'name' (#k): what
// was expected". Line numbers are 1-based physical lines, computed only when an error is
// reported (counting newlines up to the offset) so the fast path never tracks them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fraudkit::csv {

// What an error message needs to point at a place in the input.
struct ErrorContext {
  std::string_view text;             // the whole decoded text
  const std::string* source;         // file name for messages
  const std::vector<std::string>* header;  // column names, may be empty before the header
};

// 1-based line containing `offset`.
size_t line_of(std::string_view text, uint64_t offset);

// Quotes a value for a message, truncating very long ones.
std::string quoted_value(std::string_view value);

// "<file>, line N, column 'name' (#k): message". Pass column = -1 for a whole-row problem.
[[noreturn]] void throw_at(const ErrorContext& ctx, uint64_t offset, long column,
                           const std::string& message);
// "<file>: message" for problems of the whole file.
[[noreturn]] void throw_in_file(const std::string& source, const std::string& message);

}  // namespace fraudkit::csv
