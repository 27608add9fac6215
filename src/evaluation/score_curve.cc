#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <vector>

#include "evaluation/input_checks.h"
#include "evaluation/sort_keys.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

namespace {

// Below this many rows one thread does it all: thread start-up would cost more than it saves.
constexpr size_t kParallelMinimum = size_t{1} << 17;
constexpr size_t kNoBadRow = std::numeric_limits<size_t>::max();

// One sorted run of keys, all of one class.
struct Run {
  std::span<const uint64_t> keys;
  bool positive = false;
};

// Each thread takes a contiguous block of rows, validates it, writes its positives' and
// negatives' order keys into its own regions of two arrays and radix-sorts both: 2 sorted runs
// per thread, merged by the caller. Splitting by class means the sort moves bare 8-byte keys,
// with no label or index payload; per-thread runs mean no synchronisation between radix passes.
// The first bad row (lowest index) is reported whatever the thread count.
std::vector<Run> sorted_runs(std::span<const uint8_t> y, std::span<const double> scores,
                             std::span<uint64_t> keys, std::span<uint64_t> scratch) {
  const size_t n = y.size();
  const int threads = n >= kParallelMinimum ? omp_get_max_threads() : 1;
  const auto slots = static_cast<size_t>(threads);
  std::vector<size_t> positives(slots, 0), first_bad(slots, kNoBadRow), start(slots + 1, 0);
  std::vector<Run> runs(2 * slots);
  std::vector<std::exception_ptr> errors(slots);
  size_t team = 1;
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<size_t>(omp_get_thread_num());
    const auto nt = static_cast<size_t>(omp_get_num_threads());
    const size_t lo = n * t / nt, hi = n * (t + 1) / nt;
    for (size_t i = lo; i < hi; ++i) {
      if (y[i] > 1 || !std::isfinite(scores[i])) {
        first_bad[t] = i;
        break;
      }
      positives[t] += y[i];
    }
#pragma omp single
    team = nt;  // implicit barrier: every block's counts are in
    const bool clean = std::all_of(first_bad.begin(), first_bad.end(), [](size_t b) { return b == kNoBadRow; });
    if (clean) {
      // Block t owns keys[lo, hi): positives first, then negatives.
      uint64_t* pos = keys.data() + lo;
      uint64_t* neg = pos + positives[t];
      for (size_t i = lo; i < hi; ++i) {
        const uint64_t key = detail::order_key(scores[i]);
        if (y[i] == 1) *pos++ = key;
        else *neg++ = key;
      }
      try {
        const std::span<uint64_t> block(keys.data() + lo, hi - lo), spare(scratch.data() + lo, hi - lo);
        const size_t p = positives[t];
        runs[2 * t] = {detail::radix_sort(block.first(p), spare.first(p)), true};
        runs[2 * t + 1] = {detail::radix_sort(block.subspan(p), spare.subspan(p)), false};
      } catch (...) {  // an exception must not leave an OpenMP region
        errors[t] = std::current_exception();
      }
    }
  }
  const size_t bad = *std::min_element(first_bad.begin(), first_bad.end());
  if (bad != kNoBadRow) detail::throw_bad_row(y, scores, bad);
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  runs.resize(2 * team);
  return runs;
}

}  // namespace

ScoreCurve ScoreCurve::build(std::span<const uint8_t> y, std::span<const double> scores) {
  detail::check_same_length(y, scores);
  detail::check_not_empty(y.size(), "ScoreCurve::build");
  // Uninitialised buffers: zero-filling 16 bytes per row would cost as much as a radix pass,
  // and every slot is written before it is read.
  const size_t n = y.size();
  const auto keys = std::make_unique_for_overwrite<uint64_t[]>(n);
  const auto scratch = std::make_unique_for_overwrite<uint64_t[]>(n);
  const std::vector<Run> runs = sorted_runs(y, scores, {keys.get(), n}, {scratch.get(), n});

  ScoreCurve curve;
  std::vector<size_t> cursor(runs.size());  // unconsumed prefix of each ascending run
  for (size_t r = 0; r < runs.size(); ++r) {
    cursor[r] = runs[r].keys.size();
    (runs[r].positive ? curve.positives : curve.negatives) += static_cast<int64_t>(cursor[r]);
  }
  // Walk every run from its top: each distinct key closes one threshold whose cumulative
  // counts include every row scored at or above it.
  int64_t tp = 0, fp = 0;
  while (true) {
    bool any = false;
    uint64_t key = 0;
    for (size_t r = 0; r < runs.size(); ++r)
      if (cursor[r] > 0 && (!any || runs[r].keys[cursor[r] - 1] > key)) {
        key = runs[r].keys[cursor[r] - 1];
        any = true;
      }
    if (!any) break;
    for (size_t r = 0; r < runs.size(); ++r) {
      const std::span<const uint64_t> run = runs[r].keys;
      size_t c = cursor[r];
      while (c > 0 && run[c - 1] == key) --c;
      (runs[r].positive ? tp : fp) += static_cast<int64_t>(cursor[r] - c);
      cursor[r] = c;
    }
    curve.thresholds.push_back(detail::from_order_key(key));
    curve.tps.push_back(tp);
    curve.fps.push_back(fp);
  }
  return curve;
}

Confusion confusion_at(const ScoreCurve& curve, double threshold) {
  if (std::isnan(threshold)) throw UsageError("confusion_at: threshold is NaN");
  // thresholds are descending: the rows flagged at `threshold` are those of the last curve
  // point whose score is still >= threshold.
  const auto first_below = std::partition_point(curve.thresholds.begin(), curve.thresholds.end(),
                                                [&](double t) { return t >= threshold; });
  const size_t flagged_points = static_cast<size_t>(first_below - curve.thresholds.begin());
  Confusion c;
  if (flagged_points > 0) {
    c.tp = curve.tps[flagged_points - 1];
    c.fp = curve.fps[flagged_points - 1];
  }
  c.fn = curve.positives - c.tp;
  c.tn = curve.negatives - c.fp;
  return c;
}

}  // namespace fraudkit
