// Stratified splits and k folds: invariants (disjoint, covering, sorted, per-class counts
// within one row of the ratio), determinism by seed, errors, and shuffle=false folds equal to
// scikit-learn's StratifiedKFold.
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fraudkit/error.h"
#include "fraudkit/split.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using fraudkit::testing::run_command;

// A labelled dataset with `rows` rows, positives wherever `positive(r)` holds.
template <class IsPositive>
Dataset labelled(size_t rows, IsPositive positive) {
  Dataset d;
  Column x{{"x", ColumnType::kNumeric, {}}, {}, {}};
  for (size_t r = 0; r < rows; ++r) {
    x.values.push_back(static_cast<double>(r));
    d.target.push_back(positive(r) ? 1 : 0);
  }
  d.columns.push_back(std::move(x));
  return d;
}

Dataset imbalanced(size_t rows = 1003) {
  return labelled(rows, [](size_t r) { return r % 37 == 5 || r % 41 == 0; });
}

void expect_partition(const std::vector<const RowSet*>& parts, size_t rows) {
  std::vector<uint32_t> all;
  for (const RowSet* p : parts) {
    EXPECT_TRUE(std::is_sorted(p->begin(), p->end()));
    all.insert(all.end(), p->begin(), p->end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), rows) << "parts overlap or miss rows";
  for (size_t i = 0; i < rows; ++i) ASSERT_EQ(all[i], i) << "parts overlap or miss rows";
}

TEST(StratifiedSplit, PartsAreDisjointCoverAndKeepThePositiveRate) {
  const Dataset d = imbalanced();
  const size_t positives = d.count_positives(), negatives = d.rows() - positives;
  for (const SplitRatios ratios : {SplitRatios{}, SplitRatios{0.7, 0.1, 0.2}, SplitRatios{0.5, 0.25, 0.25},
                                   SplitRatios{0.34, 0.33, 0.33}}) {
    for (uint64_t seed : {0ull, 1ull, 42ull}) {
      const TrainValTest s = stratified_split(d, ratios, seed);
      expect_partition({&s.train, &s.validation, &s.test}, d.rows());
      const std::pair<const RowSet*, double> parts[] = {
          {&s.train, ratios.train}, {&s.validation, ratios.validation}, {&s.test, ratios.test}};
      for (const auto& [part, ratio] : parts) {
        const double pos = static_cast<double>(d.count_positives(*part));
        const double neg = static_cast<double>(part->size()) - pos;
        EXPECT_LE(std::fabs(pos - ratio * static_cast<double>(positives)), 1.0);
        EXPECT_LE(std::fabs(neg - ratio * static_cast<double>(negatives)), 1.0);
      }
    }
  }
}

TEST(StratifiedSplit, SameSeedSameRowsDifferentSeedDifferentRows) {
  const Dataset d = imbalanced();
  const TrainValTest a = stratified_split(d, {}, 7), b = stratified_split(d, {}, 7);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_EQ(a.test, b.test);
  const TrainValTest c = stratified_split(d, {}, 8);
  EXPECT_NE(a.test, c.test);
  // Not simply the first rows of each class either: the shuffle happened.
  const TrainValTest e = stratified_split(d, {1.0 / 3, 1.0 / 3, 1.0 / 3}, 7);
  EXPECT_FALSE(e.train.back() < e.validation.front());
}

TEST(StratifiedSplit, EveryRowCanLandInEveryPart) {
  // Over many seeds a given row should be seen in each part: the shuffle is not biased to
  // positions (a broken bounded-random would pin rows).
  const Dataset d = labelled(40, [](size_t r) { return r % 4 == 0; });
  std::set<std::pair<uint32_t, int>> seen;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const TrainValTest s = stratified_split(d, {}, seed);
    for (uint32_t r : s.train) seen.insert({r, 0});
    for (uint32_t r : s.validation) seen.insert({r, 1});
    for (uint32_t r : s.test) seen.insert({r, 2});
  }
  EXPECT_EQ(seen.size(), 40u * 3);
}

TEST(StratifiedSplit, AZeroRatioGivesAnEmptyPart) {
  const Dataset d = imbalanced();
  const TrainValTest s = stratified_split(d, {0.8, 0.2, 0.0}, 1);
  EXPECT_TRUE(s.test.empty());
  expect_partition({&s.train, &s.validation}, d.rows());
}

TEST(StratifiedSplit, BadRatiosAreUsageErrors) {
  const Dataset d = imbalanced();
  EXPECT_THROW(stratified_split(d, {0.7, 0.2, 0.2}, 1), UsageError);
  EXPECT_THROW(stratified_split(d, {1.2, -0.1, -0.1}, 1), UsageError);
  EXPECT_THROW(stratified_split(d, {NAN, 0.5, 0.5}, 1), UsageError);
}

TEST(StratifiedSplit, TooFewRowsOfAClassIsADataError) {
  const Dataset d = labelled(100, [](size_t r) { return r == 3 || r == 50; });  // 2 positives
  try {
    stratified_split(d, {}, 1);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("positive"), std::string::npos) << e.what();
  }
  Dataset unlabelled = d;
  unlabelled.target.clear();
  EXPECT_THROW(stratified_split(unlabelled, {}, 1), DataError);
}

TEST(StratifiedKFold, EveryRowIsTestedOnceAndFoldSizesDifferByAtMostOnePerClass) {
  const Dataset d = imbalanced();
  for (int k : {2, 3, 5, 10}) {
    for (bool shuffle : {false, true}) {
      SCOPED_TRACE(std::to_string(k) + (shuffle ? " shuffled" : ""));
      const std::vector<Fold> folds = stratified_kfold(d, d.all_rows(), k, shuffle, 3);
      ASSERT_EQ(folds.size(), static_cast<size_t>(k));
      std::vector<const RowSet*> tests;
      size_t min_pos = SIZE_MAX, max_pos = 0, min_neg = SIZE_MAX, max_neg = 0;
      for (const Fold& f : folds) {
        tests.push_back(&f.test);
        RowSet both = f.train;
        both.insert(both.end(), f.test.begin(), f.test.end());
        std::sort(both.begin(), both.end());
        EXPECT_EQ(both, d.all_rows()) << "train must be the complement of test";
        EXPECT_TRUE(std::is_sorted(f.train.begin(), f.train.end()));
        const size_t pos = d.count_positives(f.test), neg = f.test.size() - pos;
        min_pos = std::min(min_pos, pos);
        max_pos = std::max(max_pos, pos);
        min_neg = std::min(min_neg, neg);
        max_neg = std::max(max_neg, neg);
      }
      expect_partition(tests, d.rows());
      EXPECT_LE(max_pos - min_pos, 1u);
      EXPECT_LE(max_neg - min_neg, 1u);
    }
  }
}

TEST(StratifiedKFold, ShuffleIsSeededAndChangesTheFolds) {
  const Dataset d = imbalanced();
  const auto a = stratified_kfold(d, d.all_rows(), 5, true, 9);
  const auto b = stratified_kfold(d, d.all_rows(), 5, true, 9);
  const auto c = stratified_kfold(d, d.all_rows(), 5, true, 10);
  const auto plain = stratified_kfold(d, d.all_rows(), 5, false, 9);
  for (size_t f = 0; f < a.size(); ++f) EXPECT_EQ(a[f].test, b[f].test);
  EXPECT_NE(a[0].test, c[0].test);
  EXPECT_NE(a[0].test, plain[0].test);
}

// scikit-learn's StratifiedKFold(k, shuffle=False) on the labels of `rows` (in that order);
// returns each fold's test rows mapped back to dataset row numbers.
std::vector<RowSet> sklearn_folds(const Dataset& d, const RowSet& rows, int k) {
  std::string labels;
  for (uint32_t r : rows) labels += d.target[r] ? '1' : '0';
  const auto out = run_command(
      "/usr/bin/python3 -c \"import sys, numpy as np; from sklearn.model_selection import "
      "StratifiedKFold; y = np.array([int(c) for c in sys.argv[1]]); "
      "[print(' '.join(map(str, t))) for _, t in StratifiedKFold(int(sys.argv[2])).split(y, y)]\" " +
      labels + " " + std::to_string(k));
  EXPECT_EQ(out.exit_code, 0) << out.err;
  std::vector<RowSet> folds;
  std::istringstream lines(out.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    RowSet test;
    size_t position;
    while (in >> position) test.push_back(rows[position]);
    std::sort(test.begin(), test.end());
    folds.push_back(test);
  }
  return folds;
}

TEST(StratifiedKFold, UnshuffledFoldsEqualScikitLearns) {
  const Dataset d = imbalanced(517);
  // All rows; a subset in scrambled order whose first row is positive (class order follows
  // first appearance in scikit-learn, which changes how the folds are dealt).
  RowSet subset;
  for (uint32_t r = 5; r < d.rows(); r += 3) subset.push_back(r);
  std::reverse(subset.begin(), subset.end());
  subset.insert(subset.begin(), 5);  // row 5 is positive
  ASSERT_EQ(d.target[5], 1);
  for (const RowSet& rows : {d.all_rows(), subset}) {
    for (int k : {2, 3, 5, 7}) {
      SCOPED_TRACE(k);
      const std::vector<RowSet> want = sklearn_folds(d, rows, k);
      const std::vector<Fold> got = stratified_kfold(d, rows, k, false, 0);
      ASSERT_EQ(got.size(), want.size());
      for (size_t f = 0; f < got.size(); ++f) EXPECT_EQ(got[f].test, want[f]) << "fold " << f;
    }
  }
}

TEST(StratifiedKFold, Errors) {
  const Dataset d = imbalanced();
  EXPECT_THROW(stratified_kfold(d, d.all_rows(), 1, false, 0), UsageError);
  const Dataset few = labelled(50, [](size_t r) { return r < 2; });
  EXPECT_THROW(stratified_kfold(few, few.all_rows(), 3, false, 0), DataError);
  EXPECT_NO_THROW(stratified_kfold(few, few.all_rows(), 2, false, 0));
  EXPECT_THROW(stratified_kfold(d, RowSet{}, 2, false, 0), DataError);
}

}  // namespace
}  // namespace fraudkit
