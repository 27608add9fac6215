// Every kind of bad CSV input is a DataError (or UsageError for bad options, IoError for an
// unreadable file) whose message names the file, the line, the column and what was expected.
#include <zlib.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using fraudkit::testing::TempDir;
using fraudkit::testing::write_file;

CsvOptions with_target(const std::string& target = "label") {
  CsvOptions o;
  o.target = target;
  return o;
}

// Parses `text` as "bad.csv" and expects a DataError containing every one of `parts`.
void expect_data_error(const std::string& text, const CsvOptions& options,
                       const std::vector<std::string>& parts) {
  try {
    parse_csv(text, options, "bad.csv");
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("bad.csv"), std::string::npos) << message;
    for (const std::string& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
  }
}

TEST(CsvErrors, TooManyFields) {
  expect_data_error("a,b,label\n1,2,0\n1,2,3,0\n", with_target(),
                    {"line 3", "too many fields", "expected 3"});
}

TEST(CsvErrors, TooFewFieldsNamesTheFirstMissingColumn) {
  expect_data_error("a,b,label\n1,2,0\n1,2\n", with_target(),
                    {"line 3", "column 'label' (#3)", "too few fields", "expected 3", "found 2"});
}

TEST(CsvErrors, TextInANumericColumnSuggestsDeclaringItCategorical) {
  expect_data_error("id,amount,label\n1,2.5,0\n2,,1\n3,abc,0\n", with_target(),
                    {"line 4", "column 'amount' (#2)", "expected a number", "'abc'",
                     "--categorical amount"});
}

TEST(CsvErrors, InfinityInANumericColumnIsText) {
  expect_data_error("v,label\n1,0\n-inf,1\n", with_target(),
                    {"line 3", "column 'v' (#1)", "expected a number", "'-inf'"});
  expect_data_error("v,label\n1,0\nInfinity,1\n", with_target(), {"line 3", "'Infinity'"});
  // N/A is not a missing spelling, so it is text too.
  expect_data_error("v,label\n1,0\nN/A,1\n", with_target(), {"line 3", "'N/A'"});
}

TEST(CsvErrors, NumberOutOfRange) {
  expect_data_error("v,label\n1,0\n1e400,1\n", with_target(),
                    {"line 3", "column 'v' (#1)", "'1e400'", "out of the range"});
}

TEST(CsvErrors, EmptyFile) {
  for (const std::string text : {"", "\n\n", "\r\n", "\xEF\xBB\xBF"})
    expect_data_error(text, with_target(), {"empty", "expected a header"});
}

TEST(CsvErrors, HeaderOnly) {
  expect_data_error("a,b,label\n", with_target(), {"no data rows", "line 1"});
  expect_data_error("a,b,label", with_target(), {"no data rows"});
}

TEST(CsvErrors, DuplicateColumnNames) {
  expect_data_error("a,b,a,label\n1,2,3,0\n", with_target(),
                    {"line 1", "column 'a' (#3)", "duplicate column name 'a'", "#1"});
}

TEST(CsvErrors, MissingTargetColumnListsTheColumns) {
  expect_data_error("a,b,label\n1,2,0\n", with_target("is_fraud"),
                    {"line 1", "target column 'is_fraud'", "'a', 'b', 'label'"});
}

TEST(CsvErrors, MissingWeightOrIdColumn) {
  CsvOptions o = with_target();
  o.weight_column = "w";
  expect_data_error("a,label\n1,0\n2,1\n", o, {"weight column 'w'", "'a', 'label'"});
  o = with_target();
  o.id_column = "txn";
  expect_data_error("a,label\n1,0\n2,1\n", o, {"id column 'txn'", "'a', 'label'"});
}

TEST(CsvErrors, TargetWithASingleClass) {
  expect_data_error("a,label\n1,0\n2,0\n", with_target(),
                    {"column 'label' (#2)", "single class", "'0'", "2 rows"});
}

TEST(CsvErrors, TargetWithMoreThanTwoValuesListsThem) {
  expect_data_error("a,label\n1,0\n2,1\n3,1\n4,2\n5,7\n", with_target(),
                    {"line 5", "column 'label' (#2)", "more than two", "'0', '1', '2', '7'"});
}

TEST(CsvErrors, MissingTargetValue) {
  for (const char* token : {"", "NA", "nan"})
    expect_data_error(std::string("a,label\n1,0\n2,1\n3,") + token + "\n", with_target(),
                      {"line 4", "column 'label' (#2)", "missing"});
}

TEST(CsvErrors, TargetThatIsNotALabel) {
  expect_data_error("a,label\n1,no\n2,yes\n", with_target(),
                    {"line 2", "column 'label' (#2)", "0/1 or true/false", "'no'", "--positive"});
  // Two spellings of one class are still a single class.
  expect_data_error("a,label\n1,0\n2,false\n", with_target(),
                    {"single class", "'0', 'false'"});
}

TEST(CsvErrors, PositiveLabelNotInTheData) {
  CsvOptions o = with_target();
  o.positive = "fraud";
  expect_data_error("a,label\n1,no\n2,yes\n", o, {"'fraud'", "'no', 'yes'"});
}

TEST(CsvErrors, UnterminatedQuote) {
  expect_data_error("a,note,label\n1,x,0\n2,\"open,1\n3,y,0\n", with_target(),
                    {"line 3", "column 'note' (#2)", "unterminated quoted field"});
}

TEST(CsvErrors, TextAfterAClosingQuote) {
  expect_data_error("a,note,label\n1,\"ab\"c,0\n", with_target(),
                    {"line 2", "column 'note' (#2)", "after a closing quote"});
}

TEST(CsvErrors, BadWeights) {
  CsvOptions o = with_target();
  o.weight_column = "w";
  expect_data_error("a,w,label\n1,1,0\n2,-0.5,1\n", o,
                    {"line 3", "column 'w' (#2)", ">= 0", "-0.5"});
  expect_data_error("a,w,label\n1,1,0\n2,,1\n", o, {"line 3", "column 'w' (#2)", "missing"});
  expect_data_error("a,w,label\n1,1,0\n2,heavy,1\n", o,
                    {"line 3", "column 'w' (#2)", "expected a number", "'heavy'"});
}

TEST(CsvErrors, LineNumbersCountLinesInsideQuotedFieldsAndBlankLines) {
  expect_data_error("a,note,label\n1,\"multi\nline\nnote\",0\n\n2,ok,x1\n", with_target(),
                    {"line 6", "column 'label' (#3)"});
}

TEST(CsvErrors, TheFirstBadRowIsReportedWhateverTheChunking) {
  // Bad rows at 30000 and 90000 (different parallel chunks): the earlier one is reported.
  std::string text = "a,label\n";
  for (int r = 0; r < 100000; ++r)
    text += (r == 30000 ? std::string("bad30000") : r == 90000 ? "bad90000" : std::to_string(r)) +
            (r % 2 ? ",1\n" : ",0\n");
  expect_data_error(text, with_target(), {"line 30002", "'bad30000'"});
}

TEST(CsvErrors, BadOptionsAreUsageErrors) {
  const std::string text = "a,b,label\n1,2,0\n3,4,1\n";
  CsvOptions o = with_target();
  o.declared_types["nope"] = ColumnType::kNumeric;
  EXPECT_THROW(parse_csv(text, o), UsageError);
  o = with_target();
  o.drop_columns = {"nope"};
  EXPECT_THROW(parse_csv(text, o), UsageError);
  o = with_target();
  o.weight_column = "label";  // the target cannot also be the weights
  EXPECT_THROW(parse_csv(text, o), UsageError);
  o = with_target();
  o.drop_columns = {"label"};
  EXPECT_THROW(parse_csv(text, o), UsageError);
  o = with_target();
  o.weight_column = "a";
  o.declared_types["a"] = ColumnType::kCategorical;
  EXPECT_THROW(parse_csv(text, o), UsageError);
}

TEST(CsvErrors, UnreadableFilesAreIoErrors) {
  TempDir dir;
  EXPECT_THROW(read_csv((dir / "absent.csv").string(), with_target()), IoError);
  EXPECT_THROW(read_csv(dir.path().string(), with_target()), IoError);
  try {
    read_csv((dir / "absent.csv").string(), with_target());
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("absent.csv"), std::string::npos);
  }
}

TEST(CsvErrors, CorruptOrTruncatedGzipIsADataError) {
  TempDir dir;
  const std::string path = (dir / "x.csv.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string text = "a,label\n1,0\n2,1\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  const std::string whole = fraudkit::testing::read_file(path);
  write_file(dir / "truncated.gz", whole.substr(0, whole.size() - 6));
  std::string corrupt = whole;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  write_file(dir / "corrupt.gz", corrupt);
  for (const char* name : {"truncated.gz", "corrupt.gz"}) {
    SCOPED_TRACE(name);
    try {
      read_csv((dir / name).string(), with_target());
      ADD_FAILURE() << "no error";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("gzip"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace fraudkit
