// The tokenizer against randomly generated, correctly quoted CSV: whatever the fields hold
// (commas, quotes, CR, LF) and however long they are (the comma search works 8 bytes at a
// time), splitting must give back exactly the fields that were written.
#include "data/csv_tokenizer.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fraudkit::csv {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// RFC 4180 quoting, done independently of fraudkit's writer: quote when a field holds a
// comma, quote, CR or LF, or when it starts with a quote.
std::string encode(const Rows& rows, bool crlf) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      const std::string& f = row[i];
      if (f.find_first_of(",\"\r\n") == std::string::npos) {
        out += f;
        continue;
      }
      out += '"';
      for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    }
    out += crlf ? "\r\n" : "\n";
  }
  return out;
}

Rows decode(const std::string& text) {
  const RecordScan scan = find_records(text, 0);
  EXPECT_FALSE(scan.unterminated_quote);
  Rows rows;
  std::string scratch;
  for (const RecordSpan& record : scan.records) {
    std::vector<std::string> fields;
    SplitError error;
    for_each_field(text, record, scratch, error, [&](size_t, std::string_view v, uint64_t) {
      fields.emplace_back(v);
      return true;
    });
    EXPECT_FALSE(error.failed);
    rows.push_back(fields);
  }
  return rows;
}

TEST(CsvTokenizer, RandomQuotedFieldsSplitBackExactly) {
  std::mt19937_64 gen(1234);
  const std::string alphabet = "ab1.,\"\r\n -";
  for (int trial = 0; trial < 300; ++trial) {
    Rows rows;
    const size_t columns = 2 + gen() % 5;  // >= 2 fields: a record is never a blank line
    for (size_t r = 0; r < 20; ++r) {
      std::vector<std::string> row;
      for (size_t c = 0; c < columns; ++c) {
        std::string field;
        const size_t length = gen() % 4 == 0 ? gen() % 40 : gen() % 6;
        for (size_t i = 0; i < length; ++i) field += alphabet[gen() % alphabet.size()];
        row.push_back(field);
      }
      rows.push_back(row);
    }
    const bool crlf = trial % 2 == 1;
    ASSERT_EQ(decode(encode(rows, crlf)), rows) << encode(rows, crlf);
  }
}

TEST(CsvTokenizer, CommaFoundAtEveryPositionOfALongField) {
  for (size_t before = 0; before < 20; ++before) {
    for (size_t after = 0; after < 20; ++after) {
      const std::string text = std::string(before, 'x') + "," + std::string(after, 'y') + "\n";
      const Rows rows = decode(text);
      ASSERT_EQ(rows.size(), 1u);
      ASSERT_EQ(rows[0], (std::vector<std::string>{std::string(before, 'x'), std::string(after, 'y')}))
          << before << " " << after;
    }
  }
}

TEST(CsvTokenizer, MissingSpellings) {
  for (const char* yes : {"", "NA", "na", "NaN", "nan", "NAN", "null", "NULL"})
    EXPECT_TRUE(is_missing_token(yes)) << yes;
  for (const char* no : {"N/A", "Na", "nA", "None", "Null", " ", "0", "NaN ", "nulls"})
    EXPECT_FALSE(is_missing_token(no)) << no;
}

}  // namespace
}  // namespace fraudkit::csv
