#include "fraudkit/neighbors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "test_support.h"

namespace fraudkit {
namespace {

// The contract written out the slow way, independent of the engine: every distance, then a
// sort on (distance, index).
KnnResult naive_knn(const RowMatrix& points, const RowMatrix& queries, int k, const std::vector<uint8_t>& categorical = {},
                    double mismatch_sq = 0) {
  KnnResult r;
  r.k = k;
  std::vector<std::pair<double, uint32_t>> all(static_cast<size_t>(points.rows()));
  for (Eigen::Index i = 0; i < queries.rows(); ++i) {
    for (Eigen::Index j = 0; j < points.rows(); ++j) {
      double sum = 0;
      for (Eigen::Index c = 0; c < points.cols(); ++c) {
        if (!categorical.empty() && categorical[static_cast<size_t>(c)]) {
          if (queries(i, c) != points(j, c)) sum += mismatch_sq;
        } else {
          const double d = queries(i, c) - points(j, c);
          sum += d * d;
        }
      }
      all[static_cast<size_t>(j)] = {std::sqrt(sum), static_cast<uint32_t>(j)};
    }
    std::partial_sort(all.begin(), all.begin() + k, all.end());
    for (int j = 0; j < k; ++j) {
      r.indices.push_back(all[static_cast<size_t>(j)].second);
      r.distances.push_back(all[static_cast<size_t>(j)].first);
    }
  }
  return r;
}

// Bit-exact equality of two results, reporting the first difference.
void expect_same(const KnnResult& expected, const KnnResult& got, const std::string& what) {
  ASSERT_EQ(expected.k, got.k) << what;
  ASSERT_EQ(expected.indices.size(), got.indices.size()) << what;
  ASSERT_EQ(expected.distances.size(), got.distances.size()) << what;
  for (size_t i = 0; i < expected.indices.size(); ++i) {
    ASSERT_EQ(expected.indices[i], got.indices[i])
        << what << ": query " << i / static_cast<size_t>(expected.k) << " neighbour " << i % static_cast<size_t>(expected.k);
    ASSERT_EQ(expected.distances[i], got.distances[i])
        << what << ": query " << i / static_cast<size_t>(expected.k) << " neighbour " << i % static_cast<size_t>(expected.k);
  }
}

RowMatrix random_matrix(Eigen::Index rows, Eigen::Index cols, uint32_t seed, double scale = 1.0, double offset = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, scale);
  RowMatrix m(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index c = 0; c < cols; ++c) m(i, c) = offset + normal(rng);
  return m;
}

// Values drawn from a tiny set: most rows have exact duplicates and most distances tie.
RowMatrix small_set_matrix(Eigen::Index rows, Eigen::Index cols, int levels, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> level(0, levels - 1);
  RowMatrix m(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index c = 0; c < cols; ++c) m(i, c) = 0.5 * level(rng) - 0.25;
  return m;
}

KnnOptions with(KnnAlgorithm algorithm, int threads, std::vector<uint8_t> categorical = {}, double mismatch_sq = 0) {
  KnnOptions o;
  o.algorithm = algorithm;
  o.threads = threads;
  o.categorical = std::move(categorical);
  o.mismatch_sq = mismatch_sq;
  return o;
}

constexpr KnnAlgorithm kBoth[] = {KnnAlgorithm::kBrute, KnnAlgorithm::kKdTree};

// Every algorithm and thread count against the naive reference, for self and other queries.
void expect_matches_naive(const RowMatrix& points, const RowMatrix& queries, const std::vector<int>& ks,
                          const std::string& what, const std::vector<uint8_t>& categorical = {},
                          double mismatch_sq = 0) {
  // The queries again, as the last rows of [points; queries] taken in reverse order.
  RowMatrix stacked(points.rows() + queries.rows(), points.cols());
  stacked << points, queries;
  std::vector<uint32_t> reversed_query_rows;
  for (Eigen::Index i = queries.rows(); i-- > 0;) reversed_query_rows.push_back(static_cast<uint32_t>(points.rows() + i));
  const auto reversed = [](const KnnResult& r) {
    KnnResult out = r;
    const size_t k = static_cast<size_t>(r.k), n = r.queries();
    for (size_t q = 0; q < n; ++q)
      for (size_t j = 0; j < k; ++j) {
        out.indices[q * k + j] = r.indices[(n - 1 - q) * k + j];
        out.distances[q * k + j] = r.distances[(n - 1 - q) * k + j];
      }
    return out;
  };
  for (const int k : ks) {
    const KnnResult self_expected = naive_knn(points, points, k, categorical, mismatch_sq);
    const KnnResult other_expected = naive_knn(points, queries, k, categorical, mismatch_sq);
    for (const KnnAlgorithm algorithm : kBoth) {
      for (const int threads : {1, 2}) {
        const std::string label = what + " k=" + std::to_string(k) + " " + to_string(algorithm) + " threads=" +
                                  std::to_string(threads);
        const NearestNeighbors nn(points, with(algorithm, threads, categorical, mismatch_sq));
        EXPECT_EQ(nn.algorithm(), algorithm);
        expect_same(self_expected, nn.query_self(k), label + " self");
        expect_same(other_expected, nn.query(queries, k), label + " queries");
        expect_same(other_expected, reversed(nn.query(stacked, reversed_query_rows, k)),
                    label + " queries as rows of a larger matrix");

        KnnOptions indices_only = with(algorithm, threads, categorical, mismatch_sq);
        indices_only.return_distances = false;
        const NearestNeighbors lean(points, indices_only);
        const KnnResult self_rows = lean.query_self(k), other_rows = lean.query(queries, k);
        EXPECT_TRUE(self_rows.distances.empty() && other_rows.distances.empty()) << label;
        EXPECT_EQ(self_rows.indices, self_expected.indices) << label << " self, indices only";
        EXPECT_EQ(other_rows.indices, other_expected.indices) << label << " queries, indices only";

        // One result row per group of equal points: point i's is row group_of[i], and only
        // equal points share a group.
        const KnnResult by_group = lean.query_self_by_group(k);
        const std::vector<uint32_t>& group_of = lean.group_of();
        ASSERT_EQ(group_of.size(), static_cast<size_t>(points.rows())) << label;
        std::vector<Eigen::Index> first_of_group(by_group.queries(), -1);
        for (Eigen::Index i = 0; i < points.rows(); ++i) {
          const uint32_t g = group_of[static_cast<size_t>(i)];
          ASSERT_LT(g, by_group.queries()) << label;
          for (int j = 0; j < k; ++j)
            ASSERT_EQ(by_group.index(g, j), self_expected.index(static_cast<size_t>(i), j))
                << label << " by group, point " << i << " neighbour " << j;
          Eigen::Index& first = first_of_group[g];
          if (first < 0) first = i;
          if (categorical.empty()) {
            EXPECT_TRUE(points.row(first) == points.row(i)) << label << " group " << g;
          }
        }
        if (categorical.empty()) {
          for (size_t a = 0; a < first_of_group.size(); ++a)
            for (size_t b = a + 1; b < std::min(first_of_group.size(), a + 50); ++b)
              EXPECT_FALSE(points.row(first_of_group[a]) == points.row(first_of_group[b])) << label;
        }
      }
    }
  }
}

TEST(NearestNeighbors, RandomDataMatchesNaiveInLowAndHighDimensions) {
  for (const Eigen::Index dims : {1, 2, 3, 7, 12, 25}) {
    const RowMatrix points = random_matrix(600, dims, 11 + static_cast<uint32_t>(dims));
    const RowMatrix queries = random_matrix(150, dims, 99 + static_cast<uint32_t>(dims));
    expect_matches_naive(points, queries, {1, 2, 5}, "random d=" + std::to_string(dims));
  }
}

TEST(NearestNeighbors, DuplicateHeavyDataMatchesNaive) {
  // 3 levels in 3 columns: 27 distinct rows among 1500, nearly every distance ties.
  const RowMatrix points = small_set_matrix(1500, 3, 3, 5);
  const RowMatrix queries = small_set_matrix(200, 3, 4, 6);
  expect_matches_naive(points, queries, {1, 3, 40, 200}, "duplicates d=3");
  const RowMatrix wide = small_set_matrix(800, 9, 2, 7);
  expect_matches_naive(wide, small_set_matrix(100, 9, 2, 8), {1, 4, 30}, "duplicates d=9");
}

TEST(NearestNeighbors, OneValueRepeatedEverywhere) {
  RowMatrix points = RowMatrix::Constant(300, 4, 1.5);
  points(150, 2) = 2.5;  // one odd row out
  expect_matches_naive(points, RowMatrix::Constant(3, 4, 1.5), {1, 2, 299, 300}, "constant");
}

TEST(NearestNeighbors, TiesAtTheKthDistanceGoToTheSmallerIndex) {
  // An integer lattice in shuffled order: each point has 4 neighbours at distance 1.
  std::vector<std::pair<int, int>> cells;
  for (int x = 0; x < 20; ++x)
    for (int y = 0; y < 20; ++y) cells.emplace_back(x, y);
  std::shuffle(cells.begin(), cells.end(), std::mt19937(3));
  RowMatrix points(static_cast<Eigen::Index>(cells.size()), 2);
  for (size_t i = 0; i < cells.size(); ++i) points.row(static_cast<Eigen::Index>(i)) << cells[i].first, cells[i].second;
  RowMatrix queries(3, 2);
  queries << 5.5, 5.5, 0, 0, 10.5, 3;  // 4 tied at sqrt(0.5); a corner; 2 tied at 0.5
  expect_matches_naive(points, queries, {2, 3, 4, 6}, "lattice");

  const NearestNeighbors nn(points, with(KnnAlgorithm::kKdTree, 1));
  const KnnResult r = nn.query(queries, 3);
  // By hand: the 4 corners around (5.5, 5.5) tie; the 3 with the smallest indices win, in order.
  std::vector<uint32_t> corners;
  for (size_t i = 0; i < cells.size(); ++i)
    if ((cells[i].first == 5 || cells[i].first == 6) && (cells[i].second == 5 || cells[i].second == 6))
      corners.push_back(static_cast<uint32_t>(i));
  ASSERT_EQ(corners.size(), 4u);
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(r.index(0, j), corners[static_cast<size_t>(j)]);
    EXPECT_EQ(r.distance(0, j), std::sqrt(0.5));
  }
}

TEST(NearestNeighbors, SelfQueryFindsTheFirstEqualRowFirst) {
  RowMatrix points(5, 2);
  points << 0, 0, 1, 1, 0, 0, 2, 2, 1, 1;
  for (const KnnAlgorithm algorithm : kBoth) {
    const KnnResult r = NearestNeighbors(points, with(algorithm, 0)).query_self(2);
    const std::vector<uint32_t> expected = {0, 2, 1, 4, 0, 2, 3, 1, 1, 4};
    EXPECT_EQ(r.indices, expected) << to_string(algorithm);
    EXPECT_EQ(r.distance(0, 1), 0.0);
    EXPECT_EQ(r.distance(3, 1), std::sqrt(2.0));
    EXPECT_EQ(r.queries(), 5u);
  }
}

TEST(NearestNeighbors, ManyQueriesAgainstFewPointsMatchNaive) {
  // NearMiss's shape: thousands of majority rows against a few minority points. Up to 128
  // distinct points every query scans them all; above, many queries fall in each leaf and are
  // searched in sub-groups. Some fitted rows are equal (ties go to the smaller row).
  RowMatrix queries = random_matrix(4000, 4, 26, 3.0);
  queries.bottomRows(1000) = small_set_matrix(1000, 4, 3, 27);  // and many equal queries
  for (const int n : {90, 600}) {
    RowMatrix points = random_matrix(n, 4, 25);
    points.bottomRows(n / 3) = small_set_matrix(n / 3, 4, 2, 31);
    expect_matches_naive(points, queries, {1, 3, 20}, "few points, n=" + std::to_string(n));
  }
}

TEST(NearestNeighbors, LargeEnoughToRunInParallelMatchesNaive) {
  // Small jobs stay on one thread; this one is big enough for the parallel build and searches.
  RowMatrix points = random_matrix(12000, 4, 28);
  points.bottomRows(4000) = small_set_matrix(4000, 4, 4, 29);
  expect_matches_naive(points, random_matrix(9000, 4, 30), {3}, "parallel");
}

// Few queries against many rows are answered by a scan of the rows (no tree over them) until
// the scans have served 1/64 as many queries as there are rows; both sides of that switch, and
// duplicate-heavy rows where most distances tie, against the naive reference.
TEST(NearestNeighbors, FewQueriesAgainstManyRowsMatchNaive) {
  struct Case {
    RowMatrix points, queries;
    std::string what;
  };
  std::vector<Case> cases;
  for (const int dims : {2, 10}) {
    RowMatrix points = random_matrix(24000, dims, 91 + static_cast<uint32_t>(dims));
    RowMatrix queries = random_matrix(150, dims, 93, 1.5);
    for (Eigen::Index i = 0; i < 40; ++i) queries.row(i * 3) = points.row(i * 211);  // queries that are rows
    cases.push_back({points, queries, "random d=" + std::to_string(dims)});
  }
  cases.push_back({small_set_matrix(24000, 3, 4, 95), small_set_matrix(150, 3, 5, 96), "duplicates"});
  for (const Case& c : cases) {
    for (const int k : {1, 6, 11}) {
      const KnnResult expected = naive_knn(c.points, c.queries, k);
      for (const int threads : {1, 2}) {
        const std::string label = c.what + " k=" + std::to_string(k) + " threads=" + std::to_string(threads);
        const NearestNeighbors nn(c.points, with(KnnAlgorithm::kKdTree, threads));
        // Three batches of 150 fit in 24000 / 64 = 375 scanned queries only twice: the third
        // builds the tree.
        for (int batch = 0; batch < 3; ++batch)
          expect_same(expected, nn.query(c.queries, k), label + " batch " + std::to_string(batch));
        EXPECT_EQ(nn.algorithm(), KnnAlgorithm::kKdTree);
      }
    }
  }
}

// Fitted on a row list of a larger matrix: the same answers as on those rows copied out, by the
// scan (few queries), the tree and brute force, and for the fitted points themselves.
TEST(NearestNeighbors, FittedOnARowListMatchesTheCopiedRows) {
  const RowMatrix matrix = random_matrix(30000, 4, 101);
  std::vector<uint32_t> rows;
  for (uint32_t r = 29999; r >= 3; r -= 3) rows.push_back(r);  // every third row, backwards
  RowMatrix copied(static_cast<Eigen::Index>(rows.size()), matrix.cols());
  for (size_t i = 0; i < rows.size(); ++i) copied.row(static_cast<Eigen::Index>(i)) = matrix.row(rows[i]);
  const RowMatrix queries = random_matrix(100, 4, 102);
  for (const int k : {1, 5}) {
    const KnnResult expected = naive_knn(copied, queries, k);
    const KnnResult expected_self = naive_knn(copied, copied, k);
    for (const KnnAlgorithm algorithm : kBoth) {
      const NearestNeighbors nn(matrix, rows, with(algorithm, 2));
      EXPECT_EQ(nn.size(), rows.size());
      const std::string label = "row list k=" + std::to_string(k) + " " + to_string(algorithm);
      expect_same(expected, nn.query(queries, k), label + " (scan for the tree)");
      expect_same(expected_self, nn.query_self(k), label + " self");
      const KnnResult by_group = nn.query_self_by_group(k);
      for (size_t i = 0; i < rows.size(); ++i)
        for (int j = 0; j < k; ++j)
          ASSERT_EQ(by_group.index(nn.group_of()[i], j), expected_self.index(i, j)) << label << " by group";
      expect_same(expected, nn.query(queries, k), label + " after the index");
    }
  }
  const std::vector<uint32_t> outside{0, 30000};
  EXPECT_THROW(NearestNeighbors(matrix, outside), UsageError);
  const NearestNeighbors none(matrix, std::span<const uint32_t>{});  // no rows, not all of them
  EXPECT_EQ(none.size(), 0u);
  EXPECT_THROW(none.query(queries, 1), UsageError);
}

TEST(NearestNeighbors, KEqualToSizeReturnsEveryPointInOrder) {
  const RowMatrix points = random_matrix(97, 3, 21);
  expect_matches_naive(points, random_matrix(10, 3, 22), {97}, "k=size");
}

TEST(NearestNeighbors, LargeOffsetsAndTinyDifferencesStayExact) {
  // The product estimate |q|^2 + |p|^2 - 2 q.p loses almost every digit here; the exact
  // recomputation must still decide every rank. Centring removes the offset, so also check
  // data whose spread itself is huge compared with the neighbour distances.
  const RowMatrix offset = random_matrix(400, 5, 31, 1e-6, 1e8);
  expect_matches_naive(offset, random_matrix(50, 5, 32, 1e-6, 1e8), {1, 3}, "offset");
  RowMatrix spread = random_matrix(400, 4, 33);
  for (Eigen::Index i = 0; i < spread.rows(); ++i) spread(i, 0) += static_cast<double>(i % 2) * 1e9;
  expect_matches_naive(spread, spread.topRows(40), {1, 2, 5}, "spread");
  // Values near the ends of the double range: squares overflow or underflow.
  RowMatrix extreme = random_matrix(200, 3, 34, 1e160);
  extreme.bottomRows(100) = random_matrix(100, 3, 35, 1e-170);
  expect_matches_naive(extreme, random_matrix(20, 3, 36, 1e-170), {1, 4}, "extreme");
}

TEST(NearestNeighbors, MixedCategoricalMetricMatchesNaive) {
  RowMatrix points = random_matrix(700, 5, 41);
  RowMatrix queries = random_matrix(120, 5, 42);
  std::mt19937 rng(43);
  for (RowMatrix* m : {&points, &queries})
    for (Eigen::Index i = 0; i < m->rows(); ++i) {
      (*m)(i, 1) = static_cast<double>(rng() % 3);
      (*m)(i, 4) = static_cast<double>(rng() % 5);
    }
  const std::vector<uint8_t> categorical = {0, 1, 0, 0, 1};
  expect_matches_naive(points, queries, {1, 3, 8}, "mixed", categorical, 0.75);
  expect_matches_naive(points, queries, {1, 3}, "mixed, mismatch 0", categorical, 0.0);
  // Only categorical columns: every distance is sqrt(m * mismatches), all ties.
  RowMatrix codes = small_set_matrix(300, 3, 3, 44);
  expect_matches_naive(codes, small_set_matrix(30, 3, 3, 45), {1, 5, 50}, "codes only", {1, 1, 1}, 2.0);
}

TEST(NearestNeighbors, AutoPicksTheTreeUnlessTheDataFillsManyDimensionsAndCanBeOverridden) {
  EXPECT_EQ(NearestNeighbors(random_matrix(5000, 3, 51)).algorithm(), KnnAlgorithm::kKdTree);
  // 60 independent columns: the boxes cannot prune, brute force is faster.
  EXPECT_EQ(NearestNeighbors(random_matrix(5000, 60, 52)).algorithm(), KnnAlgorithm::kBrute);
  // 60 columns that are combinations of 3: the tree prunes as well as in 3 dimensions.
  const RowMatrix low_rank = random_matrix(5000, 3, 53) * random_matrix(3, 60, 54);
  EXPECT_EQ(NearestNeighbors(low_rank).algorithm(), KnnAlgorithm::kKdTree);
  // Too few rows to matter, and the mixed metric: the tree.
  EXPECT_EQ(NearestNeighbors(random_matrix(500, 60, 55)).algorithm(), KnnAlgorithm::kKdTree);
  std::vector<uint8_t> categorical(60, 0);
  categorical[0] = 1;
  EXPECT_EQ(NearestNeighbors(random_matrix(5000, 60, 52), with(KnnAlgorithm::kAuto, 0, categorical, 1.0)).algorithm(),
            KnnAlgorithm::kKdTree);
  EXPECT_EQ(NearestNeighbors(random_matrix(5000, 3, 51), with(KnnAlgorithm::kBrute, 0)).algorithm(),
            KnnAlgorithm::kBrute);
  EXPECT_EQ(parse_knn_algorithm("kd_tree"), KnnAlgorithm::kKdTree);
  EXPECT_EQ(parse_knn_algorithm("brute"), KnnAlgorithm::kBrute);
  EXPECT_EQ(parse_knn_algorithm("auto"), KnnAlgorithm::kAuto);
  EXPECT_THROW(parse_knn_algorithm("ball_tree"), UsageError);
  for (const KnnAlgorithm a : {KnnAlgorithm::kAuto, KnnAlgorithm::kBrute, KnnAlgorithm::kKdTree})
    EXPECT_EQ(parse_knn_algorithm(to_string(a)), a);
}

TEST(NearestNeighbors, EmptyQueriesGiveAnEmptyResult) {
  const RowMatrix points = random_matrix(10, 2, 61);
  for (const KnnAlgorithm algorithm : kBoth) {
    const KnnResult r = NearestNeighbors(points, with(algorithm, 0)).query(RowMatrix(0, 2), 3);
    EXPECT_EQ(r.k, 3);
    EXPECT_EQ(r.queries(), 0u);
    EXPECT_TRUE(r.distances.empty());
  }
}

std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(NearestNeighbors, NonFiniteValuesAreDataErrorsNamingRowAndColumn) {
  for (const KnnAlgorithm algorithm : kBoth) {
    RowMatrix points = random_matrix(50, 3, 71);
    points(17, 2) = std::numeric_limits<double>::quiet_NaN();
    points(30, 0) = std::numeric_limits<double>::infinity();
    EXPECT_THROW(NearestNeighbors(points, with(algorithm, 0)), DataError);
    const std::string m = error_message([&] { NearestNeighbors nn(points, with(algorithm, 0)); });
    EXPECT_NE(m.find("row 17, column 2"), std::string::npos) << m;
    EXPECT_NE(m.find("NaN"), std::string::npos) << m;

    const RowMatrix good = random_matrix(50, 3, 72);
    const NearestNeighbors nn(good, with(algorithm, 0));
    RowMatrix queries = random_matrix(5, 3, 73);
    queries(4, 1) = -std::numeric_limits<double>::infinity();
    const std::string q = error_message([&] { nn.query(queries, 2); });
    EXPECT_NE(q.find("queries row 4, column 1"), std::string::npos) << q;
    EXPECT_NE(q.find("-inf"), std::string::npos) << q;
  }
}

TEST(NearestNeighbors, BadKAndMismatchedShapesAreUsageErrors) {
  const RowMatrix points = random_matrix(20, 3, 81);
  for (const KnnAlgorithm algorithm : kBoth) {
    const NearestNeighbors nn(points, with(algorithm, 0));
    EXPECT_THROW(nn.query_self(0), UsageError);
    EXPECT_THROW(nn.query_self(-1), UsageError);
    EXPECT_THROW(nn.query_self(21), UsageError);
    EXPECT_NO_THROW(nn.query_self(20));
    EXPECT_THROW(nn.query(random_matrix(4, 3, 82), 21), UsageError);
    EXPECT_THROW(nn.query(random_matrix(4, 2, 82), 1), UsageError);
    const RowMatrix queries = random_matrix(4, 3, 83);
    const std::vector<uint32_t> outside{1, 4};
    EXPECT_THROW(nn.query(queries, outside, 1), UsageError);
    RowMatrix with_nan = queries;
    with_nan(2, 1) = std::numeric_limits<double>::quiet_NaN();
    const std::vector<uint32_t> clean_rows{0, 3}, nan_row{3, 2};
    EXPECT_NO_THROW(nn.query(with_nan, clean_rows, 1));  // only the listed rows are read
    EXPECT_THROW(nn.query(with_nan, nan_row, 1), DataError);
    EXPECT_EQ(nn.size(), 20u);
  }
  EXPECT_THROW(NearestNeighbors(points, with(KnnAlgorithm::kBrute, 0, {1, 0})), UsageError);
  EXPECT_THROW(NearestNeighbors(points, with(KnnAlgorithm::kBrute, 0, {1, 0, 0}, -1.0)), UsageError);
  EXPECT_THROW(NearestNeighbors(points, with(KnnAlgorithm::kBrute, -1)), UsageError);
  const RowMatrix none(0, 3);
  const NearestNeighbors empty(none);
  EXPECT_THROW(empty.query_self(1), UsageError);
}

TEST(NearestNeighbors, MovedFromEngineKeepsWorking) {
  const RowMatrix points = small_set_matrix(200, 2, 5, 91);
  NearestNeighbors a(points, with(KnnAlgorithm::kKdTree, 0));
  const KnnResult before = a.query_self(3);
  NearestNeighbors b = std::move(a);
  expect_same(before, b.query_self(3), "moved");
}

// Real, duplicate-heavy data: the first rows of a shared dataset as a matrix.
RowMatrix load_features(const std::string& name, size_t max_rows) {
  CsvOptions options;
  options.target = "label";
  const CsvData csv = read_csv(testing::dataset_path(name).string(), options);
  const size_t rows = std::min(max_rows, csv.data.rows());
  RowMatrix m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(csv.data.num_features()));
  for (size_t c = 0; c < csv.data.num_features(); ++c)
    for (size_t r = 0; r < rows; ++r)
      m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = csv.data.columns[c].values[r];
  return m;
}

TEST(NearestNeighbors, SharedDatasetsBruteTreeAndNaiveAgree) {
  for (const auto& [name, rows] : {std::pair<std::string, size_t>{"mammography.csv", 6000}, {"http.csv", 8000},
                                   {"cover.csv", 5000}}) {
    const RowMatrix points = load_features(name, rows);
    const KnnResult expected = naive_knn(points, points, 6);
    for (const KnnAlgorithm algorithm : kBoth)
      for (const int threads : {1, 2})
        expect_same(expected, NearestNeighbors(points, with(algorithm, threads)).query_self(6),
                    name + " " + to_string(algorithm) + " threads=" + std::to_string(threads));
  }
}

TEST(NearestNeighbors, HttpSliceBruteAndTreeAreBitIdentical) {
  // 20k rows of http.csv, about a third of them distinct; too big for the naive reference in a
  // test, so the two algorithms check each other (each is checked against naive above).
  const RowMatrix points = load_features("http.csv", 20000);
  const RowMatrix queries = load_features("mammography.csv", 2000).leftCols(3);
  for (const int k : {1, 4}) {
    const KnnResult brute = NearestNeighbors(points, with(KnnAlgorithm::kBrute, 2)).query_self(k);
    expect_same(brute, NearestNeighbors(points, with(KnnAlgorithm::kKdTree, 2)).query_self(k), "http self");
    const KnnResult brute_q = NearestNeighbors(points, with(KnnAlgorithm::kBrute, 1)).query(queries, k);
    expect_same(brute_q, NearestNeighbors(points, with(KnnAlgorithm::kKdTree, 2)).query(queries, k), "http queries");
  }
}

TEST(NearestNeighbors, DistancesMatchScikitLearn) {
  // sklearn orders ties differently, so only the distances are compared (to 1e-9 relative:
  // its brute path uses the product formula, its trees the direct one).
  const testing::TempDir dir;
  const auto script = dir / "knn.py";
  testing::write_file(script, R"(import sys, json
import numpy as np, pandas as pd
from sklearn.neighbors import NearestNeighbors
X = pd.read_csv(sys.argv[1], float_precision="round_trip").drop(columns="label").to_numpy()[:int(sys.argv[2])]
d, _ = NearestNeighbors(n_neighbors=5, algorithm="kd_tree").fit(X).kneighbors(X)
print(json.dumps(d.tolist()))
)");
  const auto sklearn = testing::run_python_json(script, testing::dataset_path("mammography.csv").string() + " 3000");
  const RowMatrix points = load_features("mammography.csv", 3000);
  const KnnResult ours = NearestNeighbors(points).query_self(5);
  ASSERT_EQ(sklearn.size(), ours.queries());
  for (size_t i = 0; i < ours.queries(); ++i)
    for (int j = 0; j < 5; ++j)
      ASSERT_NEAR(ours.distance(i, j), sklearn[i][static_cast<size_t>(j)].get<double>(),
                  1e-9 * (1 + ours.distance(i, j)))
          << "query " << i << " neighbour " << j;
}

}  // namespace
}  // namespace fraudkit
