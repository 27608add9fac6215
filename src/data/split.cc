// Stratified train/validation/test splits and k folds. Each class is handled on its own
// (shuffled, then cut), which is what keeps every part's positive rate within one row of the
// input's. The shuffle is our own Fisher-Yates over std::mt19937_64, whose output sequence
// the C++ standard fixes: std::shuffle and the distributions are implementation-defined.
#include "fraudkit/split.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <cmath>
#include <random>
#include <string>

#include "fraudkit/error.h"

namespace fraudkit {

namespace {

// Uniform integer in [0, bound] by rejection, so no value is more likely than another.
uint64_t uniform_up_to(std::mt19937_64& engine, uint64_t bound) {
  if (bound == std::numeric_limits<uint64_t>::max()) return engine();
  const uint64_t range = bound + 1;
  const uint64_t limit = std::numeric_limits<uint64_t>::max() -
                         std::numeric_limits<uint64_t>::max() % range;  // multiple of range
  uint64_t x;
  do x = engine();
  while (x >= limit);
  return x % range;
}

void fisher_yates(std::vector<uint32_t>& rows, std::mt19937_64& engine) {
  for (size_t i = rows.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(uniform_up_to(engine, i - 1));
    std::swap(rows[i - 1], rows[j]);
  }
}

// Rows of each class (0, 1) in the order given.
std::array<std::vector<uint32_t>, 2> by_class(const Dataset& data, const RowSet& rows) {
  std::array<std::vector<uint32_t>, 2> classes;
  for (uint32_t r : rows) classes[data.target[r] != 0 ? 1 : 0].push_back(r);
  return classes;
}

void require_target(const Dataset& data, const char* what) {
  if (!data.has_target())
    throw DataError(std::string(what) + " needs a labelled dataset, but " +
                    (data.source.empty() ? std::string("the data") : "'" + data.source + "'") +
                    " has no target");
}

}  // namespace

TrainValTest stratified_split(const Dataset& data, const SplitRatios& ratios, uint64_t seed) {
  const double parts[3] = {ratios.train, ratios.validation, ratios.test};
  const char* names[3] = {"train", "validation", "test"};
  for (int p = 0; p < 3; ++p)
    if (!(parts[p] >= 0.0) || !std::isfinite(parts[p]))
      throw UsageError(std::string("the ") + names[p] + " ratio must be a number >= 0, got " +
                       std::to_string(parts[p]));
  const double sum = parts[0] + parts[1] + parts[2];
  if (std::fabs(sum - 1.0) > 1e-9)
    throw UsageError("the split ratios must sum to 1, got " + std::to_string(parts[0]) + " + " +
                     std::to_string(parts[1]) + " + " + std::to_string(parts[2]) + " = " +
                     std::to_string(sum));
  require_target(data, "a stratified split");

  std::mt19937_64 engine(seed);
  std::array<std::vector<uint32_t>, 2> classes = by_class(data, data.all_rows());
  RowSet* outputs[3];
  TrainValTest split;
  outputs[0] = &split.train;
  outputs[1] = &split.validation;
  outputs[2] = &split.test;
  for (int cls = 0; cls < 2; ++cls) {
    std::vector<uint32_t>& rows = classes[static_cast<size_t>(cls)];
    fisher_yates(rows, engine);
    // Cut at rounded cumulative fractions: each boundary is within half a row of exact, so
    // each part's count is within one row of ratio * class size.
    const double n = static_cast<double>(rows.size());
    size_t begin = 0;
    double cumulative = 0;
    for (int p = 0; p < 3; ++p) {
      cumulative += parts[p];
      const size_t end =
          p == 2 ? rows.size() : std::min(rows.size(), static_cast<size_t>(std::llround(cumulative * n)));
      if (parts[p] > 0 && end == begin)
        throw DataError(std::string("the ") + names[p] + " part would get no " +
                        (cls == 1 ? "positive" : "negative") + " row: the data has " +
                        std::to_string(rows.size()) + " and the " + names[p] + " ratio is " +
                        std::to_string(parts[p]) + "; use more data or a larger ratio");
      outputs[p]->insert(outputs[p]->end(), rows.begin() + static_cast<long>(begin),
                         rows.begin() + static_cast<long>(end));
      begin = end;
    }
  }
  for (RowSet* part : outputs) std::sort(part->begin(), part->end());
  return split;
}

std::vector<Fold> stratified_kfold(const Dataset& data, const RowSet& rows, int k, bool shuffle,
                                   uint64_t seed) {
  if (k < 2) throw UsageError("k-fold needs k >= 2, got " + std::to_string(k));
  require_target(data, "stratified k-fold");
  std::array<std::vector<uint32_t>, 2> classes = by_class(data, rows);
  const auto folds = static_cast<size_t>(k);
  for (int cls = 0; cls < 2; ++cls)
    if (classes[static_cast<size_t>(cls)].size() < folds)
      throw DataError(std::to_string(k) + "-fold cross-validation needs at least " +
                      std::to_string(k) + " rows of each class, but there are " +
                      std::to_string(classes[static_cast<size_t>(cls)].size()) + " " +
                      (cls == 1 ? "positive" : "negative") + " rows");

  // Per-class fold sizes as scikit-learn's StratifiedKFold allots them: classes numbered in
  // order of first appearance, labels sorted by that number and dealt to the folds in turn,
  // so sizes differ by at most one per class and the total test sizes by at most one too.
  // With shuffle=false the folds are then the same as scikit-learn's.
  std::mt19937_64 engine(seed);
  std::vector<std::vector<uint32_t>> tests(folds);
  const size_t first_class = data.target[rows.front()] != 0 ? 1 : 0;
  size_t dealt = 0;  // position of this class's first label in the sorted label list
  for (size_t cls : {first_class, 1 - first_class}) {
    std::vector<uint32_t>& members = classes[cls];
    if (shuffle) fisher_yates(members, engine);
    size_t next = 0;
    for (size_t f = 0; f < folds; ++f) {
      // Count of positions p in [dealt, dealt + size) with p % folds == f.
      const size_t size = members.size();
      const size_t first = dealt + ((f + folds - dealt % folds) % folds);
      const size_t count = first >= dealt + size ? 0 : (dealt + size - first + folds - 1) / folds;
      tests[f].insert(tests[f].end(), members.begin() + static_cast<long>(next),
                      members.begin() + static_cast<long>(next + count));
      next += count;
    }
    dealt += members.size();
  }

  std::vector<Fold> out(folds);
  for (size_t f = 0; f < folds; ++f) {
    out[f].test = std::move(tests[f]);
    std::sort(out[f].test.begin(), out[f].test.end());
  }
  RowSet all(rows.begin(), rows.end());
  std::sort(all.begin(), all.end());
  for (Fold& fold : out)
    std::set_difference(all.begin(), all.end(), fold.test.begin(), fold.test.end(),
                        std::back_inserter(fold.train));
  return out;
}

}  // namespace fraudkit
