// read_csv / parse_csv on well-formed input: types, missing values, quoting, line endings,
// BOM, gzip, targets, weights, ids, dropped columns, exact numbers and chunked parsing.
#include <omp.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>

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

uint64_t bits_of(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

void write_gzip(const std::string& path, const std::string& text, const char* mode = "wb") {
  gzFile f = gzopen(path.c_str(), mode);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

TEST(CsvReader, InfersTypesFromTheFirstNonMissingValue) {
  const CsvData got = parse_csv("a,b,c,label\n,x,1.5,0\n2,y,NA,1\n3,x,,0\n", with_target());
  const Dataset& d = got.data;
  ASSERT_EQ(d.rows(), 3u);
  ASSERT_EQ(d.num_features(), 3u);
  EXPECT_TRUE(d.columns[0].is_numeric());
  EXPECT_TRUE(std::isnan(d.columns[0].values[0]));
  EXPECT_EQ(d.columns[0].values[1], 2.0);
  EXPECT_EQ(d.columns[0].values[2], 3.0);
  ASSERT_EQ(d.columns[1].type(), ColumnType::kCategorical);
  EXPECT_EQ(d.columns[1].schema.categories, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(d.columns[1].codes, (std::vector<int32_t>{0, 1, 0}));
  EXPECT_TRUE(d.columns[2].is_numeric());
  EXPECT_EQ(d.columns[2].values[0], 1.5);
  EXPECT_TRUE(d.columns[2].is_missing(1));
  EXPECT_TRUE(d.columns[2].is_missing(2));
  EXPECT_EQ(d.target, (std::vector<uint8_t>{0, 1, 0}));
  EXPECT_EQ(d.target_name, "label");
  EXPECT_EQ(d.source, "<memory>");
}

TEST(CsvReader, CategoriesAreInOrderOfFirstAppearance) {
  const CsvData got =
      parse_csv("m,label\ntravel,0\ngas,1\n,0\ntravel,0\nonline,1\ngas,0\n", with_target(), "t.csv");
  const Column& m = got.data.columns[0];
  EXPECT_EQ(m.schema.categories, (std::vector<std::string>{"travel", "gas", "online"}));
  EXPECT_EQ(m.codes, (std::vector<int32_t>{0, 1, kMissingCode, 0, 2, 1}));
  EXPECT_EQ(got.data.source, "t.csv");
}

TEST(CsvReader, EveryMissingSpellingIsMissingInBothColumnTypes) {
  for (const char* token : {"", "NA", "na", "NaN", "nan", "NAN", "null", "NULL", "\"\"", "\"NA\""}) {
    SCOPED_TRACE(token);
    const std::string text = std::string("n,c,label\n1,a,0\n") + token + "," + token + ",1\n";
    const CsvData got = parse_csv(text, with_target());
    EXPECT_TRUE(got.data.columns[0].is_missing(1));
    EXPECT_EQ(got.data.columns[1].codes[1], kMissingCode);
    EXPECT_EQ(got.data.columns[1].schema.categories.size(), 1u);
  }
}

TEST(CsvReader, NotEverySpellingIsMissing) {
  // N/A, None and "Na" are ordinary text here (the documented list is deliberately short).
  const CsvData got = parse_csv("c,label\nN/A,0\nNone,1\nNa,0\n", with_target());
  EXPECT_EQ(got.data.columns[0].schema.categories,
            (std::vector<std::string>{"N/A", "None", "Na"}));
}

TEST(CsvReader, AColumnWithNoValueIsNumericAndAllMissing) {
  const CsvData got = parse_csv("e,label\n,0\nNA,1\n", with_target());
  ASSERT_TRUE(got.data.columns[0].is_numeric());
  EXPECT_TRUE(got.data.columns[0].is_missing(0));
  EXPECT_TRUE(got.data.columns[0].is_missing(1));
}

TEST(CsvReader, DeclaredTypesOverrideInference) {
  CsvOptions o = with_target();
  o.declared_types["zip"] = ColumnType::kCategorical;
  o.declared_types["late"] = ColumnType::kNumeric;
  const CsvData got = parse_csv("zip,late,label\n01,,0\n1,2.5,1\n01,NA,0\n", o);
  const Column& zip = got.data.columns[0];
  ASSERT_EQ(zip.type(), ColumnType::kCategorical);
  EXPECT_EQ(zip.schema.categories, (std::vector<std::string>{"01", "1"}));
  EXPECT_EQ(zip.codes, (std::vector<int32_t>{0, 1, 0}));
  ASSERT_TRUE(got.data.columns[1].is_numeric());
  EXPECT_EQ(got.data.columns[1].values[1], 2.5);
}

TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndNewlines) {
  const std::string text =
      "\"the id\",note,\"amount\",label\n"
      "1,\"a, b\",\"3.5\",0\n"
      "2,\"say \"\"hi\"\"\",4,1\n"
      "3,\"two\nlines\",5,0\n"
      "4,\"\",6,1\n"
      "5,plain\"quote,7,0\n";
  const CsvData got = parse_csv(text, with_target());
  const Dataset& d = got.data;
  ASSERT_EQ(d.rows(), 5u);
  EXPECT_EQ(d.columns[0].name(), "the id");
  const Column& note = d.columns[1];
  ASSERT_EQ(note.type(), ColumnType::kCategorical);
  EXPECT_EQ(note.schema.categories,
            (std::vector<std::string>{"a, b", "say \"hi\"", "two\nlines", "plain\"quote"}));
  EXPECT_EQ(note.codes, (std::vector<int32_t>{0, 1, 2, kMissingCode, 3}));
  EXPECT_EQ(d.columns[2].values, (std::vector<double>{3.5, 4, 5, 6, 7}));
  EXPECT_EQ(d.target, (std::vector<uint8_t>{0, 1, 0, 1, 0}));
}

TEST(CsvReader, CrLfLineEndingsAndBlankLines) {
  const std::string text = "a,c,label\r\n1.5,x,0\r\n\r\n2,\"q\r\nr\",1\r\n\n3,y,0";
  const CsvData got = parse_csv(text, with_target());
  const Dataset& d = got.data;
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_EQ(d.columns[0].values, (std::vector<double>{1.5, 2, 3}));
  // CR LF inside quotes is data; the one ending a record is not.
  EXPECT_EQ(d.columns[1].schema.categories, (std::vector<std::string>{"x", "q\r\nr", "y"}));
  EXPECT_EQ(d.target, (std::vector<uint8_t>{0, 1, 0}));
}

TEST(CsvReader, Utf8ByteOrderMarkIsSkipped) {
  TempDir dir;
  write_file(dir / "bom.csv", "\xEF\xBB\xBFx0,label\n1,0\n2,1\n");
  const CsvData got = read_csv((dir / "bom.csv").string(), with_target());
  ASSERT_EQ(got.data.columns.size(), 1u);
  EXPECT_EQ(got.data.columns[0].name(), "x0");
  EXPECT_EQ(got.data.columns[0].values, (std::vector<double>{1, 2}));
}

TEST(CsvReader, GzipIsDetectedByContentNotName) {
  TempDir dir;
  const std::string text = "a,m,label\n1.25,gas,0\n,travel,1\n-3e-7,gas,0\n";
  write_file(dir / "plain.csv", text);
  write_gzip((dir / "data.csv.gz").string(), text);
  write_gzip((dir / "misnamed.csv").string(), text);
  const CsvData plain = read_csv((dir / "plain.csv").string(), with_target());
  for (const char* name : {"data.csv.gz", "misnamed.csv"}) {
    SCOPED_TRACE(name);
    const CsvData gz = read_csv((dir / name).string(), with_target());
    EXPECT_EQ(gz.data.fingerprint(), plain.data.fingerprint());
    EXPECT_EQ(gz.data.rows(), 3u);
  }
}

TEST(CsvReader, ConcatenatedGzipMembersReadAsOneFile) {
  TempDir dir;
  const std::string path = (dir / "two.csv.gz").string();
  write_gzip(path, "a,label\n1,0\n");
  write_gzip(path, "2,1\n3,0\n", "ab");  // a second gzip member appended to the file
  const CsvData got = read_csv(path, with_target());
  EXPECT_EQ(got.data.columns[0].values, (std::vector<double>{1, 2, 3}));
}

TEST(CsvReader, LargeGzipFileDecompressesCompletely) {
  // Bigger than the reader's first output guess (4x the compressed size), which repetitive
  // text easily exceeds, so the growth path runs.
  std::string text = "a,label\n";
  for (int i = 0; i < 200000; ++i) text += "1,0\n2,1\n";
  TempDir dir;
  write_gzip((dir / "big.gz").string(), text);
  const CsvData got = read_csv((dir / "big.gz").string(), with_target());
  EXPECT_EQ(got.data.rows(), 400000u);
  EXPECT_EQ(got.data.count_positives(), 200000u);
}

TEST(CsvReader, ReadsFromAPipeAsWellAsARegularFile) {
  // A FIFO has no size up front, so the reader cannot map it and must read it to the end.
  TempDir dir;
  const std::string fifo = (dir / "pipe.csv").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string text = "a,label\n";
  for (int i = 0; i < 50000; ++i) text += std::to_string(i) + (i % 3 ? ",0\n" : ",1\n");
  std::thread writer([&] { write_file(fifo, text); });
  const CsvData got = read_csv(fifo, with_target());
  writer.join();
  ASSERT_EQ(got.data.rows(), 50000u);
  EXPECT_EQ(got.data.columns[0].values[49999], 49999.0);
  EXPECT_EQ(got.data.count_positives(), 16667u);
}

TEST(CsvReader, AnEmptyFileOnDiskIsADataError) {
  TempDir dir;
  write_file(dir / "empty.csv", "");
  EXPECT_THROW(read_csv((dir / "empty.csv").string(), with_target()), DataError);
}

TEST(CsvReader, TargetSpellings) {
  struct Case {
    std::string text, positive, want_pos, want_neg;
    std::vector<uint8_t> want;
  };
  const std::vector<Case> cases = {
      {"x,label\n1,0\n2,1\n3,0\n", "", "1", "0", {0, 1, 0}},
      {"x,label\n1,TRUE\n2,False\n3,true\n", "", "TRUE", "False", {1, 0, 1}},
      {"x,label\n1,false\n2,1\n3,True\n4,0\n", "", "1", "false", {0, 1, 1, 0}},
      {"x,label\n1,1.0\n2,0.0\n3,1.0\n", "", "1.0", "0.0", {1, 0, 1}},
      {"x,label\n1,legit\n2,fraud\n3,legit\n", "fraud", "fraud", "legit", {0, 1, 0}},
      {"x,label\n1,\"yes, fraud\"\n2,no\n", "yes, fraud", "yes, fraud", "no", {1, 0}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    CsvOptions o = with_target();
    o.positive = c.positive;
    const CsvData got = parse_csv(c.text, o);
    EXPECT_EQ(got.data.target, c.want);
    EXPECT_EQ(got.data.positive_label, c.want_pos);
    EXPECT_EQ(got.data.negative_label, c.want_neg);
    EXPECT_EQ(got.data.num_features(), 1u);  // the target is not a feature
  }
}

TEST(CsvReader, SingleClassIsAllowedWhenAsked) {
  CsvOptions o = with_target();
  o.allow_single_class = true;
  const CsvData zeros = parse_csv("x,label\n1,0\n2,0\n", o);
  EXPECT_EQ(zeros.data.target, (std::vector<uint8_t>{0, 0}));
  EXPECT_EQ(zeros.data.negative_label, "0");
  EXPECT_EQ(zeros.data.positive_label, "1");
  o.positive = "fraud";
  const CsvData legit = parse_csv("x,label\n1,legit\n", o);
  EXPECT_EQ(legit.data.target, (std::vector<uint8_t>{0}));
  EXPECT_EQ(legit.data.negative_label, "legit");
  EXPECT_EQ(legit.data.positive_label, "fraud");
}

TEST(CsvReader, NoTargetMeansUnlabelled) {
  const CsvData got = parse_csv("x,label\n1,0\n2,1\n", CsvOptions{});
  EXPECT_FALSE(got.data.has_target());
  EXPECT_EQ(got.data.num_features(), 2u);  // "label" is an ordinary column now
}

TEST(CsvReader, WeightIdAndDroppedColumnsAreNotFeatures) {
  CsvOptions o = with_target();
  o.weight_column = "w";
  o.id_column = "txn";
  o.drop_columns = {"junk"};
  const CsvData got = parse_csv(
      "txn,amount,junk,w,label\n\"T-1, a\",10,zz,0.5,0\nT-2,20,,2,1\n007,30,q,0,0\n", o);
  const Dataset& d = got.data;
  ASSERT_EQ(d.num_features(), 1u);
  EXPECT_EQ(d.columns[0].name(), "amount");
  EXPECT_EQ(d.weights, (std::vector<double>{0.5, 2, 0}));
  EXPECT_EQ(got.ids, (std::vector<std::string>{"T-1, a", "T-2", "007"}));
  EXPECT_EQ(d.target, (std::vector<uint8_t>{0, 1, 0}));
}

TEST(CsvReader, NumbersParseExactlyAsStrtod) {
  // strtod (glibc, correctly rounded) is the oracle: random bit patterns printed with 17
  // significant digits, random short decimals, and the accepted spellings.
  std::mt19937_64 gen(7);
  std::vector<std::string> texts = {"+1.5", " 2", "3 ", "1e5", "1E-5", ".5", "5.", "-0",
                                    "-.25", "+.75", "1e-400", "4.9406564584124654e-324",
                                    "1.7976931348623157e308", "0.1", "123456789012345678901234"};
  char buf[64];
  for (int i = 0; i < 3000; ++i) {
    uint64_t bits = gen();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    std::snprintf(buf, sizeof buf, "%.17g", v);
    texts.push_back(buf);
    std::snprintf(buf, sizeof buf, "%llu.%llue%d", static_cast<unsigned long long>(gen() % 100000),
                  static_cast<unsigned long long>(gen()), static_cast<int>(gen() % 40) - 20);
    texts.push_back(buf);
  }
  std::string text = "v,label\n";
  for (const std::string& t : texts) text += "\"" + t + "\",0\n";
  text += "0,1\n";
  const CsvData got = parse_csv(text, with_target());
  ASSERT_TRUE(got.data.columns[0].is_numeric());
  for (size_t i = 0; i < texts.size(); ++i)
    ASSERT_EQ(bits_of(got.data.columns[0].values[i]), bits_of(std::strtod(texts[i].c_str(), nullptr)))
        << texts[i];
}

TEST(CsvReader, InfinityIsTextSoItMakesAColumnCategorical) {
  const CsvData got = parse_csv("v,label\ninf,0\n1,1\n", with_target());
  EXPECT_EQ(got.data.columns[0].type(), ColumnType::kCategorical);
  EXPECT_EQ(got.data.columns[0].schema.categories, (std::vector<std::string>{"inf", "1"}));
}

TEST(CsvReader, ResultDoesNotDependOnTheThreadCount) {
  std::string text = "a,c,label\n";
  for (int r = 0; r < 70000; ++r)
    text += std::to_string(r * 0.37) + ",k" + std::to_string((r * 7919) % 1013) + "," +
            (r % 9 ? "0" : "1") + "\n";
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const std::string one = parse_csv(text, with_target()).data.fingerprint();
  omp_set_num_threads(4);
  const std::string four = parse_csv(text, with_target()).data.fingerprint();
  omp_set_num_threads(before);
  EXPECT_EQ(one, four);
}

TEST(CsvReader, ChunkedParseKeepsFileOrderAcrossChunks) {
  // Enough rows for many parallel chunks; categories first appear deep into the file, and the
  // codes must still follow the order of first appearance in the whole file.
  const size_t rows = 100000;
  std::string text = "id,cat,num,label\n";
  std::vector<std::string> want_categories;
  std::vector<int32_t> want_codes;
  std::vector<double> want_values;
  for (size_t r = 0; r < rows; ++r) {
    // A new category every 7919 rows, otherwise a repeat of an earlier one.
    std::string cat;
    if (r % 7919 == 0) {
      cat = "c" + std::to_string(rows - r);
      want_categories.push_back(cat);
      want_codes.push_back(static_cast<int32_t>(want_categories.size() - 1));
    } else if (r % 13 == 0) {
      want_codes.push_back(kMissingCode);
    } else {
      const size_t code = (r * 31) % want_categories.size();
      cat = want_categories[code];
      want_codes.push_back(static_cast<int32_t>(code));
    }
    const double value = static_cast<double>(r) * 0.25 - 7.0;
    want_values.push_back(value);
    text += std::to_string(r) + "," + cat + "," + std::to_string(value) + "," +
            (r % 50 == 0 ? "1" : "0") + "\n";
  }
  CsvOptions o = with_target();
  o.id_column = "id";
  const CsvData got = parse_csv(text, o);
  ASSERT_EQ(got.data.rows(), rows);
  EXPECT_EQ(got.data.columns[0].schema.categories, want_categories);
  EXPECT_EQ(got.data.columns[0].codes, want_codes);
  EXPECT_EQ(got.data.columns[1].values, want_values);
  EXPECT_EQ(got.data.count_positives(), rows / 50);
  EXPECT_EQ(got.ids[rows - 1], std::to_string(rows - 1));
}

}  // namespace
}  // namespace fraudkit
