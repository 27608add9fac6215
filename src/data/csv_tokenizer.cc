#include "data/csv_tokenizer.h"

#include <algorithm>
#include <limits>

namespace fraudkit::csv {

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

size_t find_char(std::string_view text, size_t from, char c) {
  if (from >= text.size()) return kNone;
  const void* hit = std::memchr(text.data() + from, c, text.size() - from);
  return hit == nullptr ? kNone : static_cast<size_t>(static_cast<const char*>(hit) - text.data());
}

// Quote-aware scan of one record starting at `pos`; returns the offset of its terminating LF
// (or text.size()). Sets `unterminated` to the opening quote's offset (and `field` to its
// field index) when a quote never closes.
size_t scan_quoted_record(std::string_view text, size_t pos, size_t& unterminated,
                          size_t& field) {
  const size_t n = text.size();
  for (field = 0;; ++field) {
    if (pos < n && text[pos] == '"') {
      const size_t open = pos;
      ++pos;
      for (;;) {
        const size_t q = find_char(text, pos, '"');
        if (q == kNone) {
          unterminated = open;
          return n;
        }
        if (q + 1 < n && text[q + 1] == '"') {
          pos = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
    }
    // Unquoted part (or text after a closing quote, which the splitter reports as an error).
    while (pos < n && text[pos] != ',' && text[pos] != '\n') ++pos;
    if (pos >= n || text[pos] == '\n') return pos;
    ++pos;  // comma: next field
  }
}

}  // namespace

RecordScan find_records(std::string_view text, size_t start) {
  RecordScan scan;
  const size_t n = text.size();
  // Reserve from the line length of the first 64 KiB, so the vector rarely reallocates.
  const size_t probe = std::min<size_t>(n - std::min(n, start), size_t{1} << 16);
  const auto probe_lines = static_cast<size_t>(
      std::count(text.begin() + static_cast<long>(start),
                 text.begin() + static_cast<long>(start + probe), '\n'));
  if (probe_lines > 0) scan.records.reserve((n - start) / (probe / probe_lines) * 11 / 10 + 16);
  size_t next_quote = find_char(text, start, '"');
  size_t pos = start;
  while (pos < n) {
    size_t line_end = find_char(text, pos, '\n');
    if (line_end == kNone) line_end = n;
    bool has_quote = false;
    if (next_quote != kNone && next_quote < line_end) {
      size_t unterminated = kNone, field = 0;
      line_end = scan_quoted_record(text, pos, unterminated, field);
      if (unterminated != kNone) {
        scan.unterminated_quote = true;
        scan.unterminated_at = unterminated;
        scan.unterminated_field = field;
        return scan;
      }
      has_quote = true;
      next_quote = find_char(text, line_end, '"');
    }
    size_t content_end = line_end;
    if (content_end > pos && text[content_end - 1] == '\r') --content_end;
    if (content_end - pos > std::numeric_limits<uint32_t>::max()) {
      scan.record_too_long = true;
      scan.too_long_at = pos;
      return scan;
    }
    if (content_end > pos)
      scan.records.push_back({pos, static_cast<uint32_t>(content_end - pos), has_quote});
    pos = line_end + 1;
  }
  return scan;
}

}  // namespace fraudkit::csv
