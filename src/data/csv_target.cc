#include "data/csv_target.h"

#include <algorithm>
#include <cctype>

#include "data/csv_number.h"
#include "fraudkit/dataset.h"

namespace fraudkit::csv {

namespace {

constexpr int kNotALabel = -1;

// 1 / 0 for the texts the target accepts without a declared positive class, else kNotALabel.
int boolean_meaning(const std::string& text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return 1;
  if (lower == "false") return 0;
  double number = 0;
  if (parse_number(text, number) == NumberStatus::kOk) {
    if (number == 1.0) return 1;
    if (number == 0.0) return 0;
  }
  return kNotALabel;
}

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
  if (texts.size() > 2)
    fail_at_row(first_row_with(codes, 2),
                "the target must have two classes but has more than two distinct values: " +
                    list_values(texts));

  // meaning[code] = class (0/1) of each distinct text.
  std::vector<int> meaning(texts.size());
  TargetLabels labels;
  if (!options.positive.empty()) {
    const auto pos = std::find(texts.begin(), texts.end(), options.positive);
    if (pos == texts.end() && texts.size() == 2)
      fail_at_row(0, "the positive class " + quoted_value(options.positive) +
                         " is not one of the target's values " + list_values(texts));
    for (size_t i = 0; i < texts.size(); ++i) meaning[i] = texts[i] == options.positive ? 1 : 0;
    labels.positive_label = options.positive;
    for (const std::string& t : texts)
      if (t != options.positive) labels.negative_label = t;
  } else {
    for (size_t i = 0; i < texts.size(); ++i) {
      meaning[i] = boolean_meaning(texts[i]);
      if (meaning[i] == kNotALabel)
        fail_at_row(first_row_with(codes, static_cast<int32_t>(i)),
                    "expected a target of 0/1 or true/false, got " + quoted_value(texts[i]) +
                        "; for other labels name the positive class (--positive TEXT)");
    }
    if (texts.size() == 2 && meaning[0] == meaning[1])
      fail_at_row(first_row_with(codes, 1),
                  "target values " + quoted_value(texts[0]) + " and " + quoted_value(texts[1]) +
                      " mean the same class; expected one positive and one negative value");
    for (size_t i = 0; i < texts.size(); ++i)
      (meaning[i] == 1 ? labels.positive_label : labels.negative_label) = texts[i];
    if (texts.size() == 1) {
      std::string& other = meaning[0] == 1 ? labels.negative_label : labels.positive_label;
      other = counterpart(texts[0], meaning[0]);
    }
  }
  if (texts.size() < 2 && !options.allow_single_class) {
    const std::string only = texts.empty() ? std::string("(none)") : quoted_value(texts[0]);
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
