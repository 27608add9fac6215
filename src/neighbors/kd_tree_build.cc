// Builds the k-d tree. Splits: the dimension of widest extent (estimated on an evenly spaced
// sample of at most 64 points of a big node), at the median (of a 255-point sample for nodes
// of over 4096 points, exact below); values equal to the median all go to one side (whichever
// is more balanced), so each side is non-empty and equal values are never separated. With
// equal rows already grouped (one point per group), a node of more than kLeafSize points always
// has a dimension to split on.
//
// The tree holds no copy of the coordinates (kd_tree_layout.h), and neither does its build:
// the top of the tree is split level by level (a level's nodes in parallel), reading the
// source matrix in place, until every pending node is small (m / 64 points); each of those
// subtrees then gathers its own points into a block of memory that stays in cache, is built
// there in parallel into a local node list with its leaves' boxes, and is spliced in a fixed
// order, so the layout does not depend on the thread count. Internal nodes' boxes and smallest
// rows come from their two children at the end.
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
  std::vector<double> values;  // a node's values in the split dimension
  std::vector<double> select;  // a copy of them for the exact median
};

struct Split {
  uint32_t cut;  // == end: the node stays a leaf
  int dim;
};

// Where a Builder reads point p's value in column c: the source matrix in place (the top of
// the tree), or a subtree's gathered block (column-major, `count` values per column).
struct SourceValues {
  const RowMatrix* source;
  const uint32_t* point_row;
  double operator()(uint32_t p, int c) const { return (*source)(point_row[p], c); }
};
struct BlockValues {
  const double* values;
  size_t count;
  double operator()(uint32_t p, int c) const { return values[static_cast<size_t>(c) * count + p]; }
};

template <class Values>
class Builder {
 public:
  // Splits reorder `order` (point ids) within the node's range.
  Builder(Values values, const Metric& metric, uint32_t* order) : values_(values), metric_(metric), order_(order) {}

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
  void build_subtree(uint32_t begin, uint32_t end, std::vector<KdNode>& nodes, Scratch& scratch) const {
    nodes.push_back({begin, end, 0, 0, 0});
    std::vector<uint32_t> pending{static_cast<uint32_t>(nodes.size() - 1)};
    while (!pending.empty()) {
      const uint32_t id = pending.back();
      pending.pop_back();
      const KdNode node = nodes[id];
      const Split s = split(node.begin, node.end, scratch);
      if (s.cut == node.end) continue;
      nodes[id].child = static_cast<uint32_t>(nodes.size());
      nodes[id].dim = s.dim;
      nodes.push_back({node.begin, s.cut, 0, 0, 0});
      nodes.push_back({s.cut, node.end, 0, 0, 0});
      pending.push_back(nodes[id].child + 1);
      pending.push_back(nodes[id].child);
    }
  }

 private:
  // The dimension of widest extent over every `step`-th point, or -1 when all are equal.
  int widest_dim(uint32_t begin, uint32_t end, uint32_t step) const {
    int dim = -1;
    double widest = 0;
    for (int c = 0; c < metric_.dims; ++c) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;  // locals: kept in registers
      for (uint32_t i = begin; i < end; i += step) {
        const double v = values_(order_[i], c);
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
  // percent of even), smaller ones at the exact median. The node's values are gathered first,
  // in one pass of independent reads (from the source matrix they are scattered), and
  // partitioned along with the ids.
  uint32_t median_cut(uint32_t begin, uint32_t end, int dim, Scratch& scratch) const {
    const uint32_t mid = begin + (end - begin) / 2;
    std::vector<double>& x = scratch.values;  // x[i - begin]: the value of order_[i]
    x.resize(end - begin);
    for (uint32_t i = begin; i < end; ++i) x[i - begin] = values_(order_[i], dim);
    double median;
    if (end - begin > kSampledMedianAbove) {
      const auto step = static_cast<uint32_t>((end - begin) / kMedianSample);  // end - begin fits in uint32_t
      double sample[kMedianSample];
      size_t taken = 0;
      for (uint32_t i = 0; i < end - begin && taken < kMedianSample; i += step) sample[taken++] = x[i];
      std::nth_element(sample, sample + taken / 2, sample + taken);
      median = sample[taken / 2];
    } else {
      std::vector<double>& copy = scratch.select;
      copy.assign(x.begin(), x.end());
      const auto at = copy.begin() + (mid - begin);
      std::nth_element(copy.begin(), at, copy.end());
      median = *at;
    }
    // Three-way partition: [begin, lt) < median, [lt, gt) == median, [gt, end) > median.
    uint32_t lt = begin, i = begin, gt = end;
    const auto swap_at = [&](uint32_t a, uint32_t b) {
      std::swap(order_[a], order_[b]);
      std::swap(x[a - begin], x[b - begin]);
    };
    while (i < gt) {
      const double v = x[i - begin];
      if (v < median) {
        swap_at(lt++, i++);
      } else if (v > median) {
        swap_at(i, --gt);
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

  Values values_;
  const Metric& metric_;
  uint32_t* order_;
};

// A subtree built by one task: its nodes (local numbering and positions, root first) and the
// boxes and smallest rows of its leaves.
struct Subtree {
  std::vector<KdNode> nodes;
  std::vector<double> boxes;  // per node, as Layout::boxes (set for leaves only)
};

// Builds the subtree of the small node `root` of `t`: gathers its points (ids order[begin, end))
// into a column-major block, builds there, computes the leaves' boxes, and leaves `order`'s
// range in the subtree's order.
void build_task(const KdTree::Layout& t, const KdNode& root, std::vector<uint32_t>& order, Subtree& out,
                Scratch& scratch) {
  const uint32_t count = root.end - root.begin;
  const size_t dims = static_cast<size_t>(t.dims), padded = static_cast<size_t>(t.padded);
  std::vector<double> block(count * dims);
  constexpr uint32_t kAhead = 8;  // rows fetched ahead of the copy (they are scattered)
  for (uint32_t j = 0; j < count; ++j) {
    if (j + kAhead < count) __builtin_prefetch(t.source->row(t.point_row[order[root.begin + j + kAhead]]).data());
    const double* row = t.source->row(t.point_row[order[root.begin + j]]).data();
    for (size_t c = 0; c < dims; ++c) block[c * count + j] = row[c];
  }
  std::vector<uint32_t> local(count);
  for (uint32_t j = 0; j < count; ++j) local[j] = j;
  const Builder<BlockValues> builder(BlockValues{block.data(), count}, *t.metric, local.data());
  builder.build_subtree(0, count, out.nodes, scratch);

  out.boxes.assign(out.nodes.size() * 2 * padded, 0.0);
  std::vector<uint32_t> ids(order.begin() + root.begin, order.begin() + root.end);
  for (size_t id = 0; id < out.nodes.size(); ++id) {
    KdNode& node = out.nodes[id];
    if (!node.is_leaf()) continue;
    double* lo = out.boxes.data() + id * 2 * padded;
    double* hi = lo + padded;
    for (size_t c = 0; c < dims; ++c) {
      const double* x = block.data() + c * count;
      double smallest = std::numeric_limits<double>::infinity(), largest = -smallest;
      for (uint32_t j = node.begin; j < node.end; ++j) {
        smallest = std::min(smallest, x[local[j]]);
        largest = std::max(largest, x[local[j]]);
      }
      lo[c] = smallest;
      hi[c] = largest;
    }
    std::fill(lo + dims, lo + padded, -std::numeric_limits<double>::infinity());
    std::fill(hi + dims, hi + padded, std::numeric_limits<double>::infinity());
    uint32_t first = std::numeric_limits<uint32_t>::max();  // groups go by smallest row
    for (uint32_t j = node.begin; j < node.end; ++j) first = std::min(first, ids[local[j]]);
    node.min_row = t.groups->first[first];
  }
  for (uint32_t j = 0; j < count; ++j) order[root.begin + j] = ids[local[j]];
}

// Appends a task's subtree; its root replaces the placeholder `at`, and its local positions
// become the placeholder's.
void splice(KdTree::Layout& t, uint32_t at, const Subtree& local) {
  const size_t padded = static_cast<size_t>(t.padded);
  const uint32_t base = static_cast<uint32_t>(t.nodes.size()), offset = t.nodes[at].begin;
  const auto remap = [&](uint32_t i) { return i == 0 ? at : base + i - 1; };
  for (size_t i = 0; i < local.nodes.size(); ++i) {
    KdNode n = local.nodes[i];
    if (!n.is_leaf()) n.child = remap(n.child);
    n.begin += offset;
    n.end += offset;
    const uint32_t id = remap(static_cast<uint32_t>(i));
    if (i == 0) t.nodes[at] = n;
    else t.nodes.push_back(n);
    std::copy_n(local.boxes.begin() + static_cast<std::ptrdiff_t>(i * 2 * padded), 2 * padded,
                t.boxes.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(id) * 2 * padded));
  }
}

// Internal nodes' boxes, split values and smallest rows, from their children (which come after
// them).
void fit_internal_boxes(KdTree::Layout& t) {
  const size_t padded = static_cast<size_t>(t.padded);
  for (size_t id = t.nodes.size(); id-- > 0;) {
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

}  // namespace

void build_kd_tree(KdTree::Layout& t, int threads) {
  const size_t m = t.points;
  std::vector<uint32_t> order(m);  // position -> group (point id)
  for (size_t g = 0; g < m; ++g) order[g] = static_cast<uint32_t>(g);
  const Builder<SourceValues> top(SourceValues{t.source, t.point_row.data()}, *t.metric, order.data());

  // The top, breadth first, one level at a time (a level's nodes hold disjoint ranges of
  // `order`, so they are split in parallel); nodes of at most `small` points are left for the
  // tasks.
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
      for (size_t i = 0; i < big.size(); ++i) splits[i] = top.split(t.nodes[big[i]].begin, t.nodes[big[i]].end, scratch);
    }
    level.clear();
    for (size_t i = 0; i < big.size(); ++i) {
      const KdNode node = t.nodes[big[i]];
      // A node whose points are all equal to the metric cannot be split; it is built as a task
      // (which makes it one leaf).
      if (splits[i].cut == node.end) {
        tasks.push_back(big[i]);
        continue;
      }
      t.nodes[big[i]].child = static_cast<uint32_t>(t.nodes.size());
      t.nodes[big[i]].dim = splits[i].dim;
      t.nodes.push_back({node.begin, splits[i].cut, 0, 0, 0});
      t.nodes.push_back({splits[i].cut, node.end, 0, 0, 0});
      level.push_back(t.nodes[big[i]].child);
      level.push_back(t.nodes[big[i]].child + 1);
    }
  }
  std::sort(tasks.begin(), tasks.end());  // a fixed order, whatever the levels did
  std::vector<Subtree> subtrees(tasks.size());
#pragma omp parallel num_threads(threads)
  {
    Scratch scratch;
#pragma omp for schedule(dynamic, 1)
    for (size_t i = 0; i < tasks.size(); ++i) build_task(t, t.nodes[tasks[i]], order, subtrees[i], scratch);
  }
  size_t total = t.nodes.size();
  for (const Subtree& s : subtrees) total += s.nodes.size() - 1;
  t.boxes.assign(total * 2 * static_cast<size_t>(t.padded), 0.0);
  t.nodes.reserve(total);
  for (size_t i = 0; i < tasks.size(); ++i) splice(t, tasks[i], subtrees[i]);
  subtrees.clear();
  fit_internal_boxes(t);

  std::vector<uint32_t> point_row(m);
  for (size_t i = 0; i < m; ++i) point_row[i] = t.point_row[order[i]];
  t.point_row = std::move(point_row);
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
}

}  // namespace fraudkit::knn_detail
