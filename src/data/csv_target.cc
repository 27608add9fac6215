#include "data/csv_target.h"

#include <algorithm>
#include <cctype>

#include "data/csv_number.h"
#include "fraudkit/csv.h"
#include "fraudkit/dataset.h"

namespace fraudkit::csv {

namespace {

constexpr int kNotALabel = -1;

size_t first_row_with(std::span<const int32_t> codes, int32_t code) {
  return static_cast<size_t>(std::find(codes.begin(), codes.end(), code) - codes.begin());
}

std::string list_values(const std::vector<std::string>& texts) {
  constexpr size_t kMaxListed = 5;
  std::string out;
  for (size_t i = 0; i < texts.size() && i < kMaxListed; ++i) {
    if (i > 0) out += ", ";
    out += quoted_value(texts[i]);
  }
  if (texts.size() > kMaxListed) out += ", ... (" + std::to_string(texts.size()) + " distinct)";
  return out;
}

// The conventional text of the class a single-class file does not contain.
std::string counterpart(const std::string& text, int meaning) {
  const bool word = std::isalpha(static_cast<unsigned char>(text.empty() ? '0' : text[0])) != 0;
  const bool upper = word && std::isupper(static_cast<unsigned char>(text[0])) != 0;
  if (!word) return meaning == 1 ? "0" : "1";
  std::string out = meaning == 1 ? "false" : "true";
  if (upper) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

TargetLabels resolve_target(std::span<const int32_t> codes, const std::vector<std::string>& texts,
                            const CsvOptions& options, const ErrorContext& ctx,
                            std::span<const RecordSpan> records, long column) {
  auto fail_at_row = [&](size_t row, const std::string& message) {
    throw_at(ctx, records[row].begin, column, message);
  };
  const size_t missing_row = first_row_with(codes, kMissingCode);
  if (missing_row < codes.size())
    fail_at_row(missing_row, "the target value is missing; every row needs a label");
  auto fail_too_many = [&] {
    fail_at_row(first_row_with(codes, 2),
                "the target must have two classes but has more than two distinct values: " +
                    list_values(texts));
  };

  // meaning[code] = class (0/1) of each distinct text.
  std::vector<int> meaning(texts.size());
  TargetLabels labels;
  if (!options.positive.empty()) {
    if (texts.size() > 2) fail_too_many();
    const auto pos = std::find(texts.begin(), texts.end(), options.positive);
    if (pos == texts.end() && texts.size() == 2)
      fail_at_row(0, "the positive class " + quoted_value(options.positive) +
                         " is not one of the target's values " + list_values(texts));
    for (size_t i = 0; i < texts.size(); ++i) meaning[i] = texts[i] == options.positive ? 1 : 0;
  } else {
    // Several spellings may mean one class ("true", "TRUE", "1"); each must mean one.
    for (size_t i = 0; i < texts.size(); ++i) {
      meaning[i] = builtin_label_meaning(texts[i]);
      if (meaning[i] != kNotALabel) continue;
      if (texts.size() > 2) fail_too_many();
      fail_at_row(first_row_with(codes, static_cast<int32_t>(i)),
                  "expected a target of 0/1 or true/false, got " + quoted_value(texts[i]) +
                      "; for other labels name the positive class (--positive TEXT)");
    }
  }
  // The labels are the first spelling seen of each class; a class never seen gets the
  // conventional counterpart of the other ("0" for "1", "false" for "true", ...).
  bool seen[2] = {false, false};
  for (size_t i = 0; i < texts.size(); ++i) {
    if (seen[meaning[i]]) continue;
    seen[meaning[i]] = true;
    (meaning[i] == 1 ? labels.positive_label : labels.negative_label) = texts[i];
  }
  if (!options.positive.empty()) {
    labels.positive_label = options.positive;
  } else if (seen[0] != seen[1]) {
    const int present = seen[1] ? 1 : 0;
    const std::string& text = present == 1 ? labels.positive_label : labels.negative_label;
    (present == 1 ? labels.negative_label : labels.positive_label) = counterpart(text, present);
  }
  const bool single_class = !(seen[0] && seen[1]);
  if (single_class && !options.allow_single_class) {
    std::string only = texts.empty() ? std::string("(none)") : list_values(texts);
    fail_at_row(0, "the target has a single class (" + only + " in all " +
                       std::to_string(codes.size()) +
                       " rows); training needs positive and negative rows");
  }
  labels.target.resize(codes.size());
  for (size_t r = 0; r < codes.size(); ++r)
    labels.target[r] = static_cast<uint8_t>(meaning[static_cast<size_t>(codes[r])]);
  return labels;
}

}  // namespace fraudkit::csv

namespace fraudkit {

int builtin_label_meaning(const std::string& text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return 1;
  if (lower == "false") return 0;
  double number = 0;
  if (csv::parse_number(text, number) == csv::NumberStatus::kOk) {
    if (number == 1.0) return 1;
    if (number == 0.0) return 0;
  }
  return -1;
}

}  // namespace fraudkit
