#include "data/csv_number.h"

namespace fraudkit::csv {

namespace {
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit_or_dot(char c) { return (c >= '0' && c <= '9') || c == '.'; }
}  // namespace

NumberStatus parse_number_slow(std::string_view text, double& out) {
  // strtod skips leading whitespace and we also allow trailing whitespace (as pandas does).
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || !is_digit_or_dot(text.front())) return NumberStatus::kNotANumber;
  const char* last = text.data() + text.size();
  const auto result = fast_float::from_chars(text.data(), last, out);
  if (result.ec != std::errc() || result.ptr != last) return NumberStatus::kNotANumber;
  if (negative) out = -out;
  if (out - out != 0.0) return NumberStatus::kOutOfRange;
  return NumberStatus::kOk;
}

}  // namespace fraudkit::csv
