#pragma once
// The CSV tokenizer: record boundaries and field splitting (RFC 4180 plus the leniencies
// documented in docs/csv.md). Kept apart from the reader so the hot loop stays small.
//
// Grammar, applied identically by find_records and for_each_field:
//   - a field that starts with '"' is quoted: it runs to the next '"' not doubled; inside it
//     commas, CR and LF are data and "" is one quote;
//   - any other field runs to the next ',' or end of record; a '"' inside it is literal;
//   - a record ends at LF outside quotes; one CR right before that LF is dropped (CRLF);
//   - empty records (blank lines) are skipped.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace fraudkit::csv {

// One record: [begin, end) in the text, line terminator excluded.
struct RecordSpan {
  uint64_t begin = 0;
  uint32_t length = 0;     // records are under 4 GiB (checked by find_records)
  bool has_quote = false;  // contains a '"' (needs the slow, quote-aware splitter)
  uint64_t end() const { return begin + length; }
};

struct RecordScan {
  std::vector<RecordSpan> records;
  // Set when one record is 4 GiB or longer (surely not a CSV record): its offset.
  bool record_too_long = false;
  uint64_t too_long_at = 0;
  // Set when a quoted field never closes: the offset of its opening quote.
  bool unterminated_quote = false;
  uint64_t unterminated_at = 0;
  size_t unterminated_field = 0;  // 0-based field index of that quote in its record
};

// Finds every record in text[start, end of text). Serial; quote-free lines cost one memchr.
RecordScan find_records(std::string_view text, size_t start);

// Why a record could not be split.
struct SplitError {
  bool failed = false;
  uint64_t offset = 0;  // where in the text the problem is
  size_t field = 0;     // 0-based index of the field in which it happened
};

// First ',' in [p, end), or end. Eight bytes at a time (SWAR: a byte equal to ',' becomes
// zero after the xor, and the classic has-zero-byte trick finds it), since numeric fields are
// often longer than a few bytes.
inline const char* find_comma(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
    constexpr uint64_t kCommas = kOnes * static_cast<unsigned char>(',');
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      const uint64_t x = word ^ kCommas;
      // Exact for the lowest matching byte, which is the only one used (the trick can flag a
      // byte above a true match, never below one).
      const uint64_t found = (x - kOnes) & ~x & kHighs;
      if (found != 0) return p + (std::countr_zero(found) >> 3);
      p += 8;
    }
  }
  while (p != end && *p != ',') ++p;
  return p;
}

// Calls visit(index, value, field_begin) for each field of `record` in order; `value` is the
// unescaped text (for quoted fields it points into `scratch`, valid only during the call),
// `field_begin` the offset of the field's first byte in `text`. visit returns false to stop
// early. Returns the number of fields seen; `error` reports text after a closing quote.
template <class Visit>
size_t for_each_field(std::string_view text, const RecordSpan& record, std::string& scratch,
                      SplitError& error, Visit&& visit) {
  const char* base = text.data();
  const char* p = base + record.begin;
  const char* const end = base + record.end();
  size_t index = 0;
  if (!record.has_quote) {
    // Fast path: no quotes anywhere in the record.
    for (;;) {
      const char* q = find_comma(p, end);
      if (!visit(index, std::string_view(p, static_cast<size_t>(q - p)),
                 static_cast<uint64_t>(p - base)))
        return index + 1;
      ++index;
      if (q == end) return index;
      p = q + 1;
    }
  }
  for (;;) {
    const char* field_begin = p;
    std::string_view value;
    if (p != end && *p == '"') {
      scratch.clear();
      ++p;
      for (;;) {
        // find_records guarantees the closing quote exists inside the record.
        const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (q == nullptr) q = end;  // defensive; cannot happen for spans from find_records
        scratch.append(p, static_cast<size_t>(q - p));
        if (q + 1 < end && q[1] == '"') {
          scratch.push_back('"');
          p = q + 2;
          continue;
        }
        p = q == end ? end : q + 1;
        break;
      }
      if (p != end && *p != ',') {
        error.failed = true;
        error.offset = static_cast<uint64_t>(p - base);
        error.field = index;
        return index + 1;
      }
      value = scratch;
    } else {
      const char* q = find_comma(p, end);
      value = std::string_view(p, static_cast<size_t>(q - p));
      p = q;
    }
    if (!visit(index, value, static_cast<uint64_t>(field_begin - base))) return index + 1;
    ++index;
    if (p == end) return index;
    ++p;  // the comma
  }
}

// Missing-value spellings: empty, NA, NaN, null, each as written, lower case or upper case.
inline bool is_missing_token(std::string_view v) {
  switch (v.size()) {
    case 0:
      return true;
    case 2:
      return v == "NA" || v == "na";
    case 3:
      return v == "NaN" || v == "nan" || v == "NAN";
    case 4:
      return v == "null" || v == "NULL";
    default:
      return false;
  }
}

}  // namespace fraudkit::csv
