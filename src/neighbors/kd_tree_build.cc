// Builds the k-d tree. Splits: the dimension of widest extent (estimated on an evenly spaced
// sample of at most 64 points of a big node), at the median (of a 255-point sample for nodes
// of over 4096 points, exact below); values equal to the median all go to one side (whichever
// is more balanced), so each side is non-empty and equal values are never separated. With
// equal rows already grouped (one point per group), a node of more than kLeafSize points always
// has a dimension to split on.
//
// The top of the tree is split level by level (a level's nodes in parallel) until every pending
// node is small (m / 64 points); those subtrees are built in parallel into local node lists,
// then spliced in a fixed order, so the layout does not depend on the thread count. Before the subtrees are built, the values are
// rewritten in tree order (each subtree's points then sit together in memory). Tight boxes and smallest rows are computed bottom-up at the end: leaves from
// their points, internal nodes from their two children.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "neighbors/kd_tree_layout.h"

namespace fraudkit::knn_detail {
namespace {

constexpr uint32_t kExtentSample = 64;
constexpr uint32_t kSampledMedianAbove = 4096;
constexpr size_t kMedianSample = 255;

// Per-thread working memory of the splits (no allocation per node).
struct Scratch {
  std::vector<double> values;
};

struct Split {
  uint32_t cut;  // == end: the node stays a leaf
  int dim;
};

class Builder {
 public:
  // `values`: column-major, `points` values per column.
  Builder(const std::vector<double>& values, size_t points, const Metric& metric, std::vector<uint32_t>& order)
      : values_(values), points_(points), metric_(metric), order_(order) {}

  Split split(uint32_t begin, uint32_t end, Scratch& scratch) const {
    const Split leaf{end, 0};
    if (end - begin <= kLeafSize) return leaf;
    int dim = widest_dim(begin, end, std::max<uint32_t>(1, (end - begin) / kExtentSample));
    if (dim < 0 && end - begin > kExtentSample) dim = widest_dim(begin, end, 1);  // the sample saw one value
    if (dim < 0) return leaf;  // all points equal as far as the metric can tell
    const uint32_t cut = median_cut(begin, end, dim, scratch);
    return cut == begin || cut == end ? leaf : Split{cut, dim};
  }

  // Builds the subtree of [begin, end) into `nodes` (local numbering, root first).
  void build_subtree(uint32_t begin, uint32_t end, std::vector<KdNode>& nodes,
                     Scratch& scratch) const {
    nodes.push_back({begin, end, 0, 0, 0});
    std::vector<uint32_t> pending{static_cast<uint32_t>(nodes.size() - 1)};
    while (!pending.empty()) {
      const uint32_t id = pending.back();
      pending.pop_back();
      if (split_node(nodes, id, scratch)) {
        pending.push_back(nodes[id].child + 1);
        pending.push_back(nodes[id].child);
      }
    }
  }

  // Splits nodes[id] in place, appending its two children; false when it stays a leaf.
  bool split_node(std::vector<KdNode>& nodes, uint32_t id, Scratch& scratch) const {
    const KdNode node = nodes[id];
    const Split s = split(node.begin, node.end, scratch);
    if (s.cut == node.end) return false;
    nodes[id].child = static_cast<uint32_t>(nodes.size());
    nodes[id].dim = s.dim;
    nodes.push_back({node.begin, s.cut, 0, 0, 0});
    nodes.push_back({s.cut, node.end, 0, 0, 0});
    return true;
  }

 private:
  // The dimension of widest extent over every `step`-th point, or -1 when all are equal.
  int widest_dim(uint32_t begin, uint32_t end, uint32_t step) const {
    int dim = -1;
    double widest = 0;
    for (int c = 0; c < metric_.dims; ++c) {
      const double* x = column(c);
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;  // locals: kept in registers
      for (uint32_t i = begin; i < end; i += step) {
        const double v = x[order_[i]];
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      const double extent = hi - lo;
      const double weight = metric_.is_categorical(c) ? (extent > 0 ? std::sqrt(metric_.mismatch_sq) : 0) : extent;
      if (weight > widest) widest = weight, dim = c;
    }
    return dim;
  }

  // Reorders order_[begin, end) around a median of `dim`; returns the cut (begin < cut < end).
  // Nodes of more than kSampledMedianAbove points are cut at the median of an evenly spaced
  // sample (one three-way partition pass instead of a selection; the sides stay within a few
  // percent of even), smaller ones at the exact median.
  uint32_t median_cut(uint32_t begin, uint32_t end, int dim, Scratch& scratch) const {
    const double* x = column(dim);
    const uint32_t mid = begin + (end - begin) / 2;
    double median;
    std::vector<double>& sample = scratch.values;
    if (end - begin > kSampledMedianAbove) {
      const auto step = static_cast<uint32_t>((end - begin) / kMedianSample);  // end - begin fits in uint32_t
      sample.clear();
      for (uint32_t i = begin; i < end && sample.size() < kMedianSample; i += step) sample.push_back(x[order_[i]]);
      const auto sample_mid = sample.begin() + static_cast<ptrdiff_t>(sample.size() / 2);
      std::nth_element(sample.begin(), sample_mid, sample.end());
      median = *sample_mid;
    } else {
      sample.resize(end - begin);
      for (uint32_t i = begin; i < end; ++i) sample[i - begin] = x[order_[i]];
      const auto at = sample.begin() + (mid - begin);
      std::nth_element(sample.begin(), at, sample.end());
      median = *at;
    }
    // Three-way partition: [begin, lt) < median, [lt, gt) == median, [gt, end) > median.
    uint32_t lt = begin, i = begin, gt = end;
    while (i < gt) {
      const double v = x[order_[i]];
      if (v < median) {
        std::swap(order_[lt++], order_[i++]);
      } else if (v > median) {
        std::swap(order_[i], order_[--gt]);
      } else {
        ++i;
      }
    }
    // Both candidate cuts keep equal values together; take the more balanced non-trivial one.
    const auto imbalance = [&](uint32_t cut) {
      return cut == begin || cut == end ? std::numeric_limits<uint32_t>::max() : (cut > mid ? cut - mid : mid - cut);
    };
    return imbalance(lt) <= imbalance(gt) ? lt : gt;
  }

  const double* column(int c) const { return values_.data() + static_cast<size_t>(c) * points_; }

  const std::vector<double>& values_;  // one row per group, column-major: a split gathers one column
  size_t points_;
  const Metric& metric_;
  std::vector<uint32_t>& order_;
};

// Appends a subtree built with local numbering; its root replaces the placeholder `at`.
void splice(std::vector<KdNode>& nodes, uint32_t at, const std::vector<KdNode>& local) {
  const uint32_t base = static_cast<uint32_t>(nodes.size());
  const auto remap = [&](uint32_t i) { return i == 0 ? at : base + i - 1; };
  const auto moved = [&](KdNode n) {
    if (!n.is_leaf()) n.child = remap(n.child);
    return n;
  };
  nodes[at] = moved(local[0]);
  for (size_t i = 1; i < local.size(); ++i) nodes.push_back(moved(local[i]));
}

void fit_boxes(KdTree::Layout& t, int threads) {
  const size_t dims = static_cast<size_t>(t.dims), padded = static_cast<size_t>(t.padded);
  t.boxes.resize(t.nodes.size() * 2 * padded);
  const int64_t count = static_cast<int64_t>(t.nodes.size());
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads)
  for (int64_t id = 0; id < count; ++id) {
    const KdNode& node = t.nodes[static_cast<size_t>(id)];
    if (!node.is_leaf()) continue;
    double* lo = t.boxes.data() + static_cast<size_t>(id) * 2 * padded;
    double* hi = lo + padded;
    for (size_t c = 0; c < dims; ++c) {
      const double* x = t.coords.data() + c * t.points;
      const auto [smallest, largest] = std::minmax_element(x + node.begin, x + node.end);
      lo[c] = *smallest;
      hi[c] = *largest;
    }
    std::fill(lo + dims, lo + padded, -std::numeric_limits<double>::infinity());
    std::fill(hi + dims, hi + padded, std::numeric_limits<double>::infinity());
    const auto first = std::min_element(t.group_at.begin() + node.begin, t.group_at.begin() + node.end);
    t.nodes[static_cast<size_t>(id)].min_row = t.groups->first[*first];  // groups go by smallest row
  }
  for (size_t id = t.nodes.size(); id-- > 0;) {  // children come after their parent
    KdNode& node = t.nodes[id];
    if (node.is_leaf()) continue;
    double* box = t.boxes.data() + id * 2 * padded;
    const double* left = t.boxes.data() + static_cast<size_t>(node.child) * 2 * padded;
    const double* right = left + 2 * padded;
    for (size_t c = 0; c < padded; ++c) {
      box[c] = std::min(left[c], right[c]);
      box[padded + c] = std::max(left[padded + c], right[padded + c]);
    }
    node.split = left[padded + static_cast<size_t>(node.dim)];
    node.min_row = std::min(t.nodes[node.child].min_row, t.nodes[node.child + 1].min_row);
  }
}

// Rewrites the column-major `values` (m per column) so that position i holds what position
// order[i] held, one column at a time through a one-column buffer (the tree never holds two
// copies of the points). Reads stay within one column and writes are sequential.
void permute_columns(std::vector<double>& values, const std::vector<uint32_t>& order, int dims, int threads) {
  const size_t m = order.size();
  std::vector<double> column(m);
#pragma omp parallel num_threads(threads)
  for (int c = 0; c < dims; ++c) {
    double* x = values.data() + static_cast<size_t>(c) * m;
#pragma omp for schedule(static)
    for (size_t i = 0; i < m; ++i) column[i] = x[order[i]];
#pragma omp for schedule(static)
    for (size_t i = 0; i < m; ++i) x[i] = column[i];
  }
}

// Puts the values in the order `order` (positions -> current positions), carries each
// position's group along, and resets `order` to the identity: the nodes' points become
// contiguous, so the splits below read memory that stays in cache.
void reorder(std::vector<double>& values, int dims, std::vector<uint32_t>& order,
             std::vector<uint32_t>& group_of_position, int threads) {
  const size_t m = order.size();
  permute_columns(values, order, dims, threads);
  std::vector<uint32_t> groups(m);
  for (size_t i = 0; i < m; ++i) groups[i] = group_of_position[order[i]];
  group_of_position = std::move(groups);
  for (size_t i = 0; i < m; ++i) order[i] = static_cast<uint32_t>(i);
}

}  // namespace

void build_kd_tree(KdTree::Layout& t, const RowMatrix& rows, int threads) {
  const size_t m = t.points, dims = static_cast<size_t>(t.dims);
  std::vector<double> values(m * dims);  // column-major: a split gathers one column
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t g = 0; g < m; ++g) {
    const double* row = rows.row(t.groups->first[g]).data();
    for (size_t c = 0; c < dims; ++c) values[c * m + g] = row[c];
  }
  std::vector<uint32_t> order(m), group_of_position(m);
  for (size_t g = 0; g < m; ++g) order[g] = group_of_position[g] = static_cast<uint32_t>(g);
  const Builder builder(values, m, *t.metric, order);

  // The top, breadth first, one level at a time (a level's nodes hold disjoint ranges of
  // `order`, so they are split in parallel); nodes of at most `small` points are left for the
  // tasks, which get the values in tree order so that each one's points sit together in memory.
  // (Reordering every few levels of the top as well measured slower: 0.48 s -> 0.57 s for 1M.)
  const uint32_t small = std::max<uint32_t>(4096, static_cast<uint32_t>(m / 64));
  t.nodes.assign(1, {0, static_cast<uint32_t>(m), 0, 0, 0});
  std::vector<uint32_t> tasks, level{0};
  std::vector<Split> splits;
  while (!level.empty()) {
    std::vector<uint32_t> big;
    for (const uint32_t id : level) (t.nodes[id].end - t.nodes[id].begin <= small ? tasks : big).push_back(id);
    splits.resize(big.size());
#pragma omp parallel num_threads(threads) if (big.size() > 1)
    {
      Scratch scratch;
#pragma omp for schedule(dynamic, 1)
      for (size_t i = 0; i < big.size(); ++i) splits[i] = builder.split(t.nodes[big[i]].begin, t.nodes[big[i]].end, scratch);
    }
    level.clear();
    for (size_t i = 0; i < big.size(); ++i) {
      const KdNode node = t.nodes[big[i]];
      if (splits[i].cut == node.end) continue;  // all its points are equal to the metric: a leaf
      t.nodes[big[i]].child = static_cast<uint32_t>(t.nodes.size());
      t.nodes[big[i]].dim = splits[i].dim;
      t.nodes.push_back({node.begin, splits[i].cut, 0, 0, 0});
      t.nodes.push_back({splits[i].cut, node.end, 0, 0, 0});
      level.push_back(t.nodes[big[i]].child);
      level.push_back(t.nodes[big[i]].child + 1);
    }
  }
  std::sort(tasks.begin(), tasks.end());  // a fixed order, whatever the levels did
  if (m > small) reorder(values, t.dims, order, group_of_position, threads);
  std::vector<std::vector<KdNode>> subtrees(tasks.size());
#pragma omp parallel num_threads(threads)
  {
    Scratch local_scratch;
#pragma omp for schedule(dynamic, 1)
    for (size_t i = 0; i < tasks.size(); ++i) {
      const KdNode& root = t.nodes[tasks[i]];
      builder.build_subtree(root.begin, root.end, subtrees[i], local_scratch);
    }
  }
  for (size_t i = 0; i < tasks.size(); ++i) splice(t.nodes, tasks[i], subtrees[i]);

  permute_columns(values, order, t.dims, threads);
  t.coords = std::move(values);
  for (size_t i = 0; i < m; ++i) order[i] = group_of_position[order[i]];
  t.group_at = std::move(order);
  t.row_offsets.resize(m + 1);
  t.row_offsets[0] = 0;
  for (size_t i = 0; i < m; ++i)
    t.row_offsets[i + 1] = t.row_offsets[i] + static_cast<uint32_t>(t.groups->rows_of(t.group_at[i]).size());
  t.rows.resize(t.row_offsets[m]);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t i = 0; i < m; ++i) {
    const std::span<const uint32_t> rows_of_group = t.groups->rows_of(t.group_at[i]);
    std::copy(rows_of_group.begin(), rows_of_group.end(), t.rows.begin() + t.row_offsets[i]);
  }
  fit_boxes(t, threads);
}

}  // namespace fraudkit::knn_detail
