#pragma once
// Number parsing for CSV fields: the grammar strtod accepts for decimal floats, parsed exactly
// (correctly rounded, so a value printed with the shortest round-trip text reads back bit for
// bit). Kept inline because it runs once per numeric field.
//
// Accepted: optional sign (+ or -), digits with an optional '.', optional exponent, and
// surrounding spaces/tabs. Rejected on purpose: "inf", "infinity", "nan" spellings (a missing
// value is recognised before this is called; an infinite feature is almost always a bug
// upstream), hexadecimal floats, and any trailing text.
#include <cstdint>
#include <string_view>

#include <fast_float/fast_float.h>

namespace fraudkit::csv {

enum class NumberStatus {
  kOk,
  kNotANumber,  // the text is not a decimal number
  kOutOfRange,  // a number, but beyond the range of a double (e.g. 1e400)
};

// Slow path: whitespace, a leading '+', or anything fast_float alone rejects.
NumberStatus parse_number_slow(std::string_view text, double& out);

// Integers of up to 15 digits are exact in a double and very common (counts, flags, one-hot
// columns); converting them directly skips fast_float's general machinery.
inline bool parse_small_integer(const char* p, const char* last, double& out) {
  const bool negative = p != last && *p == '-';
  if (negative) ++p;
  if (p == last || last - p > 15) return false;
  uint64_t value = 0;
  for (; p != last; ++p) {
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  out = negative ? -static_cast<double>(value) : static_cast<double>(value);  // "-0" is -0.0
  return true;
}

inline NumberStatus parse_number(std::string_view text, double& out) {
  const char* first = text.data();
  const char* last = first + text.size();
  if (parse_small_integer(first, last, out)) return NumberStatus::kOk;
  // fast_float also accepts "inf"/"nan"; require a digit or '.' after an optional '-'.
  const char* p = first;
  if (p != last && *p == '-') ++p;
  if (p == last || !((*p >= '0' && *p <= '9') || *p == '.')) return parse_number_slow(text, out);
  const auto result = fast_float::from_chars(first, last, out);
  if (result.ec != std::errc() || result.ptr != last) return parse_number_slow(text, out);
  // Overflow is the only way to get an infinity here, since the literals were rejected above.
  if (out - out != 0.0) return NumberStatus::kOutOfRange;
  return NumberStatus::kOk;
}

}  // namespace fraudkit::csv
