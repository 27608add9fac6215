// write_csv: features, then the target as 0/1, written atomically. Doubles use the shortest
// text that reads back to the same bits (std::to_chars), so write -> read is lossless.
#include <charconv>
#include <cmath>

#include "fraudkit/atomic_file.h"
#include "fraudkit/csv.h"
#include "fraudkit/error.h"

namespace fraudkit {

namespace {

bool needs_quotes(std::string_view text) {
  return text.find_first_of(",\"\r\n") != std::string_view::npos ||
         // Leading/trailing spaces survive a round trip either way; quoting makes them visible.
         (!text.empty() && (text.front() == ' ' || text.back() == ' '));
}

void append_text(std::string& out, std::string_view text) {
  if (!needs_quotes(text)) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_number(std::string& out, double value, const Column& column, size_t row) {
  if (std::isnan(value)) return;  // missing: empty field
  if (std::isinf(value))
    throw DataError("cannot write column '" + column.name() + "', row " + std::to_string(row + 1) +
                    ": the value is infinite, which fraudkit's CSV reader does not accept");
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, result.ptr);
}

}  // namespace

void write_csv(const Dataset& data, const std::string& path) {
  AtomicFile file(path);
  std::string out;
  for (size_t c = 0; c < data.columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    append_text(out, data.columns[c].name());
  }
  if (data.has_target()) {
    if (!data.columns.empty()) out.push_back(',');
    append_text(out, data.target_name.empty() ? std::string("target") : data.target_name);
  }
  out.push_back('\n');
  constexpr size_t kFlushBytes = 1 << 20;
  for (size_t r = 0; r < data.rows(); ++r) {
    const size_t row_start = out.size();
    for (size_t c = 0; c < data.columns.size(); ++c) {
      if (c > 0) out.push_back(',');
      const Column& column = data.columns[c];
      if (column.is_numeric()) {
        append_number(out, column.values[r], column, r);
      } else if (column.codes[r] != kMissingCode) {
        append_text(out, column.schema.categories.at(static_cast<size_t>(column.codes[r])));
      }
    }
    if (data.has_target()) {
      if (!data.columns.empty()) out.push_back(',');
      out.push_back(data.target[r] != 0 ? '1' : '0');
    }
    // A lone missing value would be a blank line, which readers skip: write it as "".
    if (out.size() == row_start) out.append("\"\"");
    out.push_back('\n');
    if (out.size() >= kFlushBytes) {
      file.write(out);
      out.clear();
    }
  }
  file.write(out);
  file.commit();
}

}  // namespace fraudkit
