// Groups equal rows: hash every row, bucket the rows by the hash's top bits (a stable counting
// sort), sort each small bucket by (hash, row), then split runs of equal hashes into groups of
// truly equal rows. Linear in the data apart from the tiny per-bucket sorts, and free of
// per-row allocations (1M x 10: about 0.1 s on one thread).
#include <algorithm>
#include <bit>
#include <cstring>

#include "neighbors/knn_detail.h"

namespace fraudkit::knn_detail {
namespace {

// How many rows ahead of the equality check a row is fetched (about one memory latency of work).
constexpr size_t kPrefetchAhead = 16;

// The columns that decide whether two rows are at distance 0 from every point alike.
std::vector<int> compared_columns(const Metric& metric) {
  std::vector<int> columns;
  for (int c = 0; c < metric.dims; ++c)
    if (!metric.is_categorical(c) || metric.mismatch_sq != 0) columns.push_back(c);
  return columns;
}

uint64_t hash_row(const double* row, const std::vector<int>& columns) {
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (const int c : columns) {
    const double v = row[c] == 0 ? 0.0 : row[c];  // -0 and +0 are one value
    h = (h ^ std::bit_cast<uint64_t>(v)) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

bool rows_equal(const double* a, const double* b, const std::vector<int>& columns) {
  for (const int c : columns)
    if (a[c] != b[c]) return false;
  return true;
}

// Rows ordered by (hash, row): buckets on the top bits, then a small sort inside each bucket.
// Returns the bucket boundaries in `bucket_offsets`. About four rows per bucket: the offsets
// then take 1 byte per row, not 8 (the grouping's transient memory is part of every
// neighbour-based sampler's peak).
std::vector<uint32_t> order_by_hash(const std::vector<uint64_t>& hashes, std::vector<uint32_t>& bucket_offsets,
                                    int threads) {
  const size_t n = hashes.size();
  const int bits = std::clamp(static_cast<int>(std::bit_width(n)) - 2, 4, 20);
  const size_t buckets = size_t{1} << bits;
  bucket_offsets.assign(buckets + 1, 0);
  for (const uint64_t h : hashes) ++bucket_offsets[(h >> (64 - bits)) + 1];
  for (size_t b = 0; b < buckets; ++b) bucket_offsets[b + 1] += bucket_offsets[b];
  std::vector<uint32_t> next(bucket_offsets.begin(), bucket_offsets.end() - 1);
  std::vector<uint32_t> order(n);
  for (size_t r = 0; r < n; ++r) order[next[hashes[r] >> (64 - bits)]++] = static_cast<uint32_t>(r);
  const auto by_hash_then_row = [&](uint32_t a, uint32_t b) {
    return hashes[a] < hashes[b] || (hashes[a] == hashes[b] && a < b);
  };
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
  for (size_t b = 0; b < buckets; ++b) {
    if (bucket_offsets[b + 1] - bucket_offsets[b] > 1)
      std::sort(order.begin() + static_cast<ptrdiff_t>(bucket_offsets[b]),
                order.begin() + static_cast<ptrdiff_t>(bucket_offsets[b + 1]), by_hash_then_row);
  }
  return order;
}

}  // namespace

RowGroups group_equal_rows(const RowMatrix& matrix, const Metric& metric, int threads,
                           std::span<const uint32_t> subset) {
  const size_t n = subset.empty() ? static_cast<size_t>(matrix.rows()) : subset.size();
  // Row r of the grouping: row r of the matrix, or of the subset.
  const auto row = [&](size_t r) {
    return matrix.row(static_cast<Eigen::Index>(subset.empty() ? r : subset[r])).data();
  };
  const std::vector<int> columns = compared_columns(metric);
  std::vector<uint64_t> hashes(n);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t r = 0; r < n; ++r) hashes[r] = hash_row(row(r), columns);

  std::vector<uint32_t> bucket_offsets;
  std::vector<uint32_t> order = order_by_hash(hashes, bucket_offsets, threads);

  // first_of[r]: the smallest row equal to row r. Runs of one hash are split by value; each
  // run's rows come in ascending order, so the first row of a value is its smallest.
  std::vector<uint32_t> first_of(n);
  const size_t buckets = bucket_offsets.size() - 1;
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
  for (size_t b = 0; b < buckets; ++b) {
    std::vector<uint32_t> firsts;  // of the current run; almost always one (no collision)
    for (size_t i = bucket_offsets[b]; i < bucket_offsets[b + 1]; ++i) {
      // The rows come in hash order, scattered over the matrix: fetching a row well ahead
      // hides part of the cache miss (http.csv's 565k majority rows: about 10% faster).
      if (i + kPrefetchAhead < n) __builtin_prefetch(row(order[i + kPrefetchAhead]));
      const uint32_t r = order[i];
      if (i == bucket_offsets[b] || hashes[order[i - 1]] != hashes[r]) firsts.clear();
      const double* values = row(r);
      const auto same = std::find_if(firsts.begin(), firsts.end(), [&](uint32_t f) {
        return rows_equal(row(f), values, columns);
      });
      if (same == firsts.end()) {
        firsts.push_back(r);
        first_of[r] = r;
      } else {
        first_of[r] = *same;
      }
    }
  }

  // Released before the groups are written: the peak is the larger of the two phases, not
  // their sum.
  std::vector<uint64_t>().swap(hashes);
  std::vector<uint32_t>().swap(order);
  std::vector<uint32_t>().swap(bucket_offsets);

  RowGroups groups;
  groups.group_of.resize(n);
  for (size_t r = 0; r < n; ++r) {
    if (first_of[r] == r) {
      groups.group_of[r] = static_cast<uint32_t>(groups.first.size());
      groups.first.push_back(static_cast<uint32_t>(r));
    } else {
      groups.group_of[r] = groups.group_of[first_of[r]];
    }
  }
  groups.offsets.assign(groups.first.size() + 1, 0);
  for (size_t r = 0; r < n; ++r) ++groups.offsets[groups.group_of[r] + 1];
  for (size_t g = 0; g < groups.first.size(); ++g) groups.offsets[g + 1] += groups.offsets[g];
  groups.members.resize(n);
  std::vector<uint32_t> next(groups.offsets.begin(), groups.offsets.end() - 1);
  for (size_t r = 0; r < n; ++r) groups.members[next[groups.group_of[r]]++] = static_cast<uint32_t>(r);
  return groups;
}

}  // namespace fraudkit::knn_detail
