// Growing one random-forest tree (forest_tree.h).
#include "models/forest_tree.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "fraudkit/error.h"

namespace fraudkit::models {
namespace {

// Weighted sums of a set of rows: positive weight, total weight, row count.
struct Sums {
  double positive = 0, weight = 0;
  uint32_t count = 0;
  void add(const Sums& o) { positive += o.positive, weight += o.weight, count += o.count; }
  Sums minus(const Sums& o) const { return {positive - o.positive, weight - o.weight, count - o.count}; }
};

// A node waiting to be split: its rows are rows[begin, end).
struct Pending {
  int node;
  int depth;
  uint32_t begin, end;
  uint32_t positives;  // rows of class 1 among them
  Sums sums;
};

struct Split {
  int feature = -1;
  uint32_t code = 0;  // codes <= code go left
  bool missing_left = false;
  double gain = -std::numeric_limits<double>::infinity();  // any valid split beats none
  // The next code present in the node (ForestCodes::missing() when none: every value goes
  // left). The raw threshold between the two is computed for the chosen split only: per
  // improving candidate it was 5% of the fit on tx_1m.
  uint32_t next_code = 0;
  Sums left, right;
};

double score(const Sums& s) { return s.positive * s.positive / s.weight; }

// One code's sums, for the sorted path.
struct CodedRow {
  uint32_t code;
  Sums sums;
};

// Searches one feature's splits over its codes present in the node, in ascending order
// (`present`: code and sums), `missing` the sums of the NaN rows.
void search(int f, std::span<const CodedRow> present, const Sums& missing, const Sums& total, uint32_t min_rows,
            Split& best) {
  const double parent = score(total);
  Sums left_values;
  for (size_t i = 0; i + 1 < present.size() || (i + 1 == present.size() && missing.count > 0); ++i) {
    left_values.add(present[i].sums);
    for (const bool missing_left : {false, true}) {
      if (missing_left && missing.count == 0) break;
      Sums left = left_values;
      if (missing_left) left.add(missing);
      const Sums right = total.minus(left);
      if (left.count < min_rows || right.count < min_rows) continue;
      const double gain = score(left) + score(right) - parent;
      if (gain > best.gain) {
        const bool last = i + 1 == present.size();
        best = {f, present[i].code, missing_left, gain, last ? ForestCodes::missing() : present[i + 1].code, left, right};
      }
    }
  }
}

// Sorts keys (code << 32 | row, in ascending row order on entry) by code, stably, which gives
// the order of sorting the whole keys: a least-significant-digit radix sort over the bits the
// codes use, 11 at a time.
void sort_by_code(std::vector<uint64_t>& keys, std::vector<uint64_t>& buffer, uint32_t levels) {
  if (keys.size() < 512) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  size_t start[kBuckets];
  buffer.resize(keys.size());
  const int bits = static_cast<int>(std::bit_width(levels > 0 ? levels - 1 : 0u));
  for (int shift = 32; shift < 32 + bits; shift += kBits) {
    std::fill(start, start + kBuckets, size_t{0});
    for (const uint64_t k : keys) ++start[(k >> shift) & (kBuckets - 1)];
    size_t at = 0;
    for (size_t& s : start) at += std::exchange(s, at);
    for (const uint64_t k : keys) buffer[start[(k >> shift) & (kBuckets - 1)]++] = k;
    keys.swap(buffer);
  }
}

}  // namespace

HistogramTree grow_forest_tree(const ForestCodes& codes, std::span<const uint8_t> y, std::span<const double> weights,
                               const ForestTreeParams& params, Rng& rng) {
  const auto features = static_cast<size_t>(codes.features());
  if (params.max_features < 1 || static_cast<size_t>(params.max_features) > features)
    throw UsageError("forest tree: max_features must be in 1.." + std::to_string(features));
  const uint32_t min_rows = std::max(1u, params.min_samples_leaf);

  std::vector<uint32_t> rows;
  Pending root{0, 0, 0, 0, 0, {}};
  for (size_t r = 0; r < codes.rows(); ++r) {
    const double w = weights[r];
    if (w <= 0) continue;
    rows.push_back(static_cast<uint32_t>(r));
    root.sums.add({y[r] ? w : 0, w, 1});
    root.positives += y[r];
  }
  if (rows.empty()) throw Error(ErrorKind::kInternal, "forest tree: no rows with positive weight");
  root.end = static_cast<uint32_t>(rows.size());

  std::vector<TreeNode> nodes;
  const auto add_node = [&](const Sums& s) {
    nodes.push_back({.value = s.positive / s.weight, .rows = s.count, .cover = s.weight});
    return static_cast<int>(nodes.size()) - 1;
  };
  add_node(root.sums);
  std::vector<Pending> stack{root};
  std::vector<Sums> dense(codes.max_levels());  // per-code sums; all zero between uses
  constexpr uint32_t kLaneLevels = ForestCodes::kNarrowLevels;
  std::vector<Sums> lanes(4 * kLaneLevels);      // the same, four ways, for columns of few codes
  std::vector<CodedRow> present;
  std::vector<uint64_t> keys, key_buffer;
  std::vector<uint32_t> order(features);
  std::vector<uint32_t> scratch;  // right-hand rows while a node is partitioned

  while (!stack.empty()) {
    const Pending node = stack.back();
    stack.pop_back();
    const uint32_t count = node.end - node.begin;
    if (node.positives == 0 || node.positives == count || count < 2 * min_rows ||
        (params.max_depth > 0 && node.depth >= params.max_depth))
      continue;  // a leaf

    // Draw features until max_features are visited and one of them is not constant here.
    std::iota(order.begin(), order.end(), 0u);
    Split best;
    int visited = 0;
    bool varying = false;
    for (size_t i = 0; i < features && (visited < params.max_features || !varying); ++i) {
      std::swap(order[i], order[i + rng.below(features - i)]);
      const int f = static_cast<int>(order[i]);
      ++visited;
      const std::span<const uint32_t> column = codes.column(f);
      uint32_t lo = codes.missing(), hi = 0;
      Sums missing;
      present.clear();
      if (codes.narrow(f)) {  // a handful of codes: four interleaved sums
        // With two or three codes, consecutive rows add to the same sums; one array makes
        // every addition wait for the previous one's store (about 6 cycles a row). The codes
        // come from the one-byte copy (9-10% less fit time on campaign and tx_1m).
        const std::span<const uint8_t> narrow = codes.narrow_column(f);
        for (uint32_t k = node.begin; k < node.end; ++k) {
          const uint32_t r = rows[k], c = narrow[r];
          const Sums add{y[r] ? weights[r] : 0, weights[r], 1};
          if (c == ForestCodes::kNarrowMissing) missing.add(add);
          else lanes[(k & 3u) * kLaneLevels + c].add(add);
        }
        for (uint32_t c = 0; c < codes.levels(f); ++c) {
          Sums sum = lanes[c];
          for (uint32_t lane = 1; lane < 4; ++lane) sum.add(lanes[lane * kLaneLevels + c]);
          for (uint32_t lane = 0; lane < 4; ++lane) lanes[lane * kLaneLevels + c] = {};
          if (sum.count) present.push_back({c, sum});
        }
      } else if (codes.levels(f) <= 4 * count) {  // few codes for the rows: one pass into a dense array
        for (uint32_t k = node.begin; k < node.end; ++k) {
          const uint32_t r = rows[k], c = column[r];
          const Sums add{y[r] ? weights[r] : 0, weights[r], 1};
          if (c == codes.missing()) {
            missing.add(add);
            continue;
          }
          dense[c].add(add);
          lo = std::min(lo, c);
          hi = std::max(hi, c);
        }
        if (lo != codes.missing())
          for (uint32_t c = lo; c <= hi; ++c)
            if (dense[c].count) present.push_back({c, dense[c]}), dense[c] = {};
      } else {  // many codes: sort (code, row) keys, then sum runs of equal codes
        // 8-byte keys sort about twice as fast as (code, sums) records, and a radix sort on
        // the codes faster again (tx_1m: the sort was 17% of the fit; keys -6%, radix a further
        // -10 to -23% of the fit, measured in one process).
        keys.clear();
        for (uint32_t k = node.begin; k < node.end; ++k) {
          const uint32_t r = rows[k], c = column[r];
          if (c == codes.missing()) missing.add({y[r] ? weights[r] : 0, weights[r], 1});
          else keys.push_back(uint64_t{c} << 32 | r);
        }
        sort_by_code(keys, key_buffer, codes.levels(f));
        for (const uint64_t key : keys) {
          const auto c = static_cast<uint32_t>(key >> 32), r = static_cast<uint32_t>(key);
          const Sums add{y[r] ? weights[r] : 0, weights[r], 1};
          if (present.empty() || present.back().code != c) present.push_back({c, add});
          else present.back().sums.add(add);
        }
      }
      if (present.size() + (missing.count > 0) > 1) {
        varying = true;
        search(f, present, missing, node.sums, min_rows, best);
      }
    }
    if (best.feature < 0) continue;  // every drawn feature constant, or no split leaves enough rows

    // Partition the node's rows in place: left rows first.
    const std::span<const uint32_t> column = codes.column(best.feature);
    const auto goes_left = [&](uint32_t r) {
      const uint32_t c = column[r];
      return c == codes.missing() ? best.missing_left : c <= best.code;
    };
    // Stable, so every node's rows stay in ascending order: the split search then reads each
    // column at rising addresses, sharing cache lines between neighbouring rows (the column
    // reads were most of the fit on campaign.csv).
    uint32_t mid = node.begin;
    scratch.clear();
    for (uint32_t k = node.begin; k < node.end; ++k) {
      const uint32_t r = rows[k];
      if (goes_left(r)) rows[mid++] = r;
      else scratch.push_back(r);
    }
    std::copy(scratch.begin(), scratch.end(), rows.begin() + mid);
    uint32_t left_positives = 0;
    for (uint32_t k = node.begin; k < mid; ++k) left_positives += y[rows[k]];

    const int left = add_node(best.left);
    add_node(best.right);
    TreeNode& parent = nodes[static_cast<size_t>(node.node)];
    parent.feature = best.feature;
    parent.missing_left = best.missing_left;
    parent.threshold = best.next_code == ForestCodes::missing() ? std::numeric_limits<double>::infinity()
                                                                : codes.threshold(best.feature, best.code, best.next_code);
    parent.gain = best.gain;
    parent.left = left;
    parent.right = left + 1;
    // Right pushed first so the left subtree is grown first (depth-first, left to right).
    stack.push_back({left + 1, node.depth + 1, mid, node.end, node.positives - left_positives, best.right});
    stack.push_back({left, node.depth + 1, node.begin, mid, left_positives, best.left});
  }
  return HistogramTree::from_nodes(std::move(nodes), codes.features());
}

}  // namespace fraudkit::models
