#include "fraudkit/dataset.h"

#include <gtest/gtest.h>

namespace fraudkit {
namespace {

Dataset small() {
  Dataset d;
  Column num{{"amount", ColumnType::kNumeric, {}}, {1.0, 2.5, NAN, 4.0}, {}};
  Column cat{{"merchant", ColumnType::kCategorical, {"gas", "travel"}}, {}, {0, 1, kMissingCode, 0}};
  d.columns = {num, cat};
  d.target = {0, 1, 0, 1};
  return d;
}

TEST(Dataset, TakeCopiesTheRequestedRowsInOrder) {
  Dataset d = small();
  RowSet rows = {3, 1};
  Dataset t = d.take(rows);
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.columns[0].values[0], 4.0);
  EXPECT_EQ(t.columns[0].values[1], 2.5);
  EXPECT_EQ(t.columns[1].codes[1], 1);
  EXPECT_EQ(t.target, (std::vector<uint8_t>{1, 1}));
}

TEST(Dataset, MissingValuesAreVisibleThroughTheColumn) {
  Dataset d = small();
  EXPECT_TRUE(d.columns[0].is_missing(2));
  EXPECT_FALSE(d.columns[0].is_missing(0));
  EXPECT_TRUE(d.columns[1].is_missing(2));
}

TEST(Dataset, FingerprintChangesWhenOneValueChanges) {
  Dataset a = small(), b = small();
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  b.columns[0].values[0] = 1.0000001;
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}

TEST(Dataset, CountsPositivesOnASubset) {
  Dataset d = small();
  RowSet rows = {0, 1, 3};
  EXPECT_EQ(d.count_positives(rows), 2u);
  EXPECT_EQ(d.count_positives(), 2u);
  EXPECT_EQ(d.find_column("merchant"), 1);
  EXPECT_EQ(d.find_column("nope"), -1);
}

}  // namespace
}  // namespace fraudkit
