#pragma once
// Stratified splits. Every part keeps the positive rate of its input to within one row:
// each class is shuffled with the seed and cut by the ratios separately. Parts are returned
// sorted ascending. Same seed, same rows, on every machine (std::mt19937_64 + our own shuffle).
#include <cstdint>
#include <vector>

#include "fraudkit/dataset.h"

namespace fraudkit {

struct SplitRatios {
  double train = 0.6;       // fraction of rows used to fit
  double validation = 0.2;  // fraction used to tune the threshold (and calibrate)
  double test = 0.2;        // fraction scored once at the end
};

struct TrainValTest {
  RowSet train, validation, test;
};

// Throws UsageError when the ratios are negative or do not sum to 1 (within 1e-9), and
// DataError when a part would get no positive or no negative row (or the data has no target).
// A ratio of exactly 0 is allowed and gives an empty part.
TrainValTest stratified_split(const Dataset& data, const SplitRatios& ratios, uint64_t seed);

struct Fold {
  RowSet train, test;
};

// Stratified k-fold over `rows` (a subset of `data`): each row is in exactly one test part.
// shuffle=false keeps the input order within each class and gives the same folds as
// scikit-learn's StratifiedKFold(k); train parts are the complement of test, both sorted.
// Throws UsageError for k < 2 and DataError when a class has fewer than k rows.
std::vector<Fold> stratified_kfold(const Dataset& data, const RowSet& rows, int k, bool shuffle,
                                   uint64_t seed);

}  // namespace fraudkit
