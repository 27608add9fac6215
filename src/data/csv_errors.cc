#include "data/csv_errors.h"

#include <algorithm>

#include "fraudkit/error.h"

namespace fraudkit::csv {

size_t line_of(std::string_view text, uint64_t offset) {
  const size_t end = std::min<size_t>(offset, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(end), '\n'));
}

std::string quoted_value(std::string_view value) {
  constexpr size_t kMax = 60;
  std::string out = "'";
  out.append(value.substr(0, kMax));
  if (value.size() > kMax) out += "...";
  out += "'";
  return out;
}

void throw_at(const ErrorContext& ctx, uint64_t offset, long column, const std::string& message) {
  std::string where = *ctx.source + ", line " + std::to_string(line_of(ctx.text, offset));
  if (column >= 0) {
    where += ", column ";
    const auto index = static_cast<size_t>(column);
    if (ctx.header != nullptr && index < ctx.header->size())
      where += "'" + (*ctx.header)[index] + "' ";
    where += "(#" + std::to_string(index + 1) + ")";
  }
  throw DataError(where + ": " + message);
}

void throw_in_file(const std::string& source, const std::string& message) {
  throw DataError(source + ": " + message);
}

}  // namespace fraudkit::csv
