// NearMiss versions 1, 2 and 3 (imbalanced-learn 0.10). Each row of a targeted class gets a
// score, the sum of Euclidean distances to minority rows:
//   version 1: its n_neighbors nearest minority rows; the rows with the smallest scores stay;
//   version 2: its n_neighbors farthest minority rows; the smallest scores stay;
//   version 3: only the class's rows that are among the n_neighbors_ver3 nearest of some
//              minority row compete (pre-selection), scored as version 1; the LARGEST stay.
// imbalanced-learn sorts the scores with Python's stable sort (equal scores keep class order)
// and sums with numpy (pairwise summation); both are reproduced, so on data where the
// distances are computed the same way the kept rows are identical, in the same order. A class's
// kept rows are listed in that sorted order; untargeted classes keep all rows in input order.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include <omp.h>

#include "fraudkit/error.h"
#include "fraudkit/param_table.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/under_support.h"

namespace fraudkit::sampling {
namespace {

// numpy's pairwise summation (np.sum over a contiguous row), so a score has numpy's bits.
double numpy_sum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t half = n / 2;
  half -= half % 8;
  return numpy_sum(a, half) + numpy_sum(a + half, n - half);
}

// Per row of `rows` (rows of X): the numpy sum of the distances to its k nearest points of
// `index`. Searched in slices straight from X, so neither a copy of the rows nor a rows x k
// result is held at once.
std::vector<double> nearest_sums(const NearestNeighbors& index, const RowMatrix& X, std::span<const uint32_t> rows,
                                 int k) {
  std::vector<double> sums(rows.size());
  for (size_t begin = 0; begin < rows.size(); begin += kQuerySlice) {
    const size_t count = std::min(kQuerySlice, rows.size() - begin);
    const KnnResult r = index.query(X, rows.subspan(begin, count), k);
    for (size_t q = 0; q < count; ++q)
      sums[begin + q] = numpy_sum(r.distances.data() + q * static_cast<size_t>(r.k), static_cast<size_t>(r.k));
  }
  return sums;
}

// Per row `rows` of X: the numpy sum of its k largest distances to the rows of P, in ascending order
// (the last k columns of a full sorted search, as imbalanced-learn takes them). Every pair is
// needed, so this is a flat loop: squared distances accumulate column by column in column
// order (the engine's and scikit-learn's tree's order) over P stored by column.
std::vector<double> farthest_sums(const RowMatrix& X, std::span<const uint32_t> rows, const RowMatrix& P, int k,
                                  int threads) {
  const Eigen::MatrixXd by_column = P;
  const auto m = static_cast<size_t>(P.rows());
  const auto uk = static_cast<size_t>(k);
  std::vector<double> sums(rows.size());
  const auto queries = static_cast<std::ptrdiff_t>(rows.size());
  const int team = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(team)
  {
    std::vector<double> acc(m);
    std::vector<double> top(uk);
#pragma omp for schedule(static)
    for (std::ptrdiff_t q = 0; q < queries; ++q) {
      const double* query = X.row(rows[static_cast<size_t>(q)]).data();
      std::fill(acc.begin(), acc.end(), 0.0);
      for (Eigen::Index c = 0; c < P.cols(); ++c) {
        const double x = query[c];
        const double* column = by_column.col(c).data();
        for (size_t j = 0; j < m; ++j) {
          const double t = x - column[j];
          acc[j] += t * t;
        }
      }
      std::nth_element(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(m - uk), acc.end());
      std::sort(acc.begin() + static_cast<std::ptrdiff_t>(m - uk), acc.end());
      for (size_t t = 0; t < uk; ++t) top[t] = std::sqrt(acc[m - uk + t]);
      sums[static_cast<size_t>(q)] = numpy_sum(top.data(), uk);
    }
  }
  return sums;
}

// Python's sorted(range(n), key=score, reverse=farthest)[:count]: stable in both directions,
// so the order is by (score, position), the score descending when `farthest`. A total order,
// so selecting the first `count` (linear) and sorting only those gives the same rows in the
// same order as sorting everything (a stable sort of http.csv's 565k scores took 0.05 s).
std::vector<uint32_t> select_by_score(const std::vector<double>& score, size_t count, bool farthest) {
  // Positions only (4 bytes each: on http.csv the scores already fill most of NearMiss's memory
  // allowance).
  std::vector<uint32_t> order(score.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto before = [&](uint32_t a, uint32_t b) {
    if (score[a] != score[b]) return farthest ? score[a] > score[b] : score[a] < score[b];
    return a < b;
  };
  count = std::min(count, order.size());
  if (count < order.size())
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(), before);
  order.resize(count);
  std::sort(order.begin(), order.end(), before);
  return order;
}

struct NearMissParams {
  // Rows to keep per class: auto (= not minority: the majority down to the minority's size),
  // majority, not minority, not majority, all, a ratio minority/majority in (0, 1], or counts.
  std::string sampling_strategy = "auto";
  int n_neighbors = 3;       // minority rows whose distances make a row's score
  int n_neighbors_ver3 = 3;  // version 3: nearest rows of the class kept per minority row
  std::string knn_algorithm = "auto";  // auto | brute | kd_tree
};

std::span<const ParamSpec<NearMissParams>> near_miss_table() {
  using P = NearMissParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy,
       .help = "rows to keep: auto (majority down to the minority size), majority, not minority, not "
               "majority, all, a ratio minority/majority in (0, 1], or counts such as 0:1000,1:500"},
      {"n_neighbors", &P::n_neighbors, 1, 1000000,
       "minority rows whose distances are summed into a row's score (nearest for versions 1 and 3, "
       "farthest for version 2)"},
      {"n_neighbors_ver3", &P::n_neighbors_ver3, 1, 1000000,
       "version 3 only: each minority row pre-selects this many of its nearest rows of the class"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm,
       .help = "neighbour search: auto, brute or kd_tree (same result, different speed)"},
  };
  return table;
}

class NearMiss final : public Sampler {
 public:
  NearMiss(int version, NearMissParams p)
      : version_(version),
        name_("nearmiss" + std::to_string(version)),
        params_(std::move(p)),
        strategy_(parse_strategy_param(params_.sampling_strategy, name_)),
        algorithm_(parse_algorithm_param(params_.knn_algorithm, name_)) {}

  std::string type_name() const override { return name_; }
  SamplingType sampling_type() const override { return SamplingType::kUnderSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, near_miss_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = check_neighbour_input(input, name_);
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kUnderSampling);
    // imbalanced-learn: min(Counter(y)), so on equal counts the class seen first is the minority.
    const int minority = counts[0] != counts[1] ? (counts[1] < counts[0] ? 1 : 0) : input.y[0];
    const std::vector<uint32_t> minority_rows = rows_of_class(input.y, minority);
    require_pool(params_.n_neighbors, static_cast<int64_t>(minority_rows.size()), false,
                 "class " + std::to_string(minority) + " (the minority)", name_, "n_neighbors");
    const RowMatrix X_minority = gather_rows(input.X, minority_rows);
    const KnnOptions knn = knn_options(algorithm_, ctx);
    const NearestNeighbors to_minority(X_minority, knn);

    ResampleResult out;
    out.report = nlohmann::json::object();
    for (int cls = 0; cls < 2; ++cls) {
      const std::vector<uint32_t> rows = rows_of_class(input.y, cls);
      const auto it = target.find(cls);
      if (it == target.end()) {
        out.kept.insert(out.kept.end(), rows.begin(), rows.end());
        continue;
      }
      const auto wanted = static_cast<size_t>(it->second);
      ctx.report(name_ + ": scoring class " + std::to_string(cls));
      // Candidates (positions in `rows`) and their scores.
      std::vector<uint32_t> candidates;  // version 3's pre-selection; empty = every position
      std::vector<double> score;
      if (version_ == 1) {
        score = nearest_sums(to_minority, input.X, rows, params_.n_neighbors);
      } else if (version_ == 2) {
        score = farthest_sums(input.X, rows, X_minority, params_.n_neighbors, ctx.threads);
      } else {
        candidates = preselect(input.X, rows, X_minority, cls, knn);
        std::vector<uint32_t> chosen(candidates.size());
        for (size_t i = 0; i < candidates.size(); ++i) chosen[i] = rows[candidates[i]];
        score = nearest_sums(to_minority, input.X, chosen, params_.n_neighbors);
        out.report["preselected_class_" + std::to_string(cls)] = candidates.size();
        if (candidates.size() < wanted)  // imbalanced-learn warns and keeps them all
          out.report["short_of_target_class_" + std::to_string(cls)] = wanted - candidates.size();
      }
      for (uint32_t pick : select_by_score(score, wanted, version_ == 3))
        out.kept.push_back(rows[candidates.empty() ? pick : candidates[pick]]);
    }
    out.synthetic.resize(0, input.X.cols());
    nlohmann::json details = std::move(out.report);
    out.report = count_report(input, out, target);
    out.report.update(details);
    out.report["version"] = version_;
    out.report["knn_algorithm"] = to_string(to_minority.algorithm());
    return out;
  }

 private:
  // Version 3's pre-selection: the distinct positions in `rows` that are among the
  // n_neighbors_ver3 nearest rows of class `cls` of some minority row, ascending.
  std::vector<uint32_t> preselect(const RowMatrix& X, const std::vector<uint32_t>& rows, const RowMatrix& X_minority,
                                  int cls, const KnnOptions& knn) const {
    require_pool(params_.n_neighbors_ver3, static_cast<int64_t>(rows.size()), false, "class " + std::to_string(cls),
                 name_, "n_neighbors_ver3");
    // Fitted on the class's rows where they are (the engine copies no rows, index or not).
    // Only positions are needed.
    KnnOptions indices_only = knn;
    indices_only.return_distances = false;
    const NearestNeighbors within_class(X, rows, indices_only);
    const KnnResult r = within_class.query(X_minority, params_.n_neighbors_ver3);
    std::vector<uint8_t> hit(rows.size(), 0);
    for (uint32_t i : r.indices) hit[i] = 1;
    std::vector<uint32_t> out;
    for (size_t i = 0; i < hit.size(); ++i)
      if (hit[i]) out.push_back(static_cast<uint32_t>(i));
    return out;
  }

  int version_;
  std::string name_;
  NearMissParams params_;
  SamplingStrategy strategy_;
  KnnAlgorithm algorithm_;
};

std::unique_ptr<Sampler> make_version(int version, const nlohmann::json& params) {
  return std::make_unique<NearMiss>(
      version, params_from_json<NearMissParams>(params, near_miss_table(), "nearmiss" + std::to_string(version)));
}

}  // namespace

std::unique_ptr<Sampler> make_near_miss1(const nlohmann::json& params) { return make_version(1, params); }
std::unique_ptr<Sampler> make_near_miss2(const nlohmann::json& params) { return make_version(2, params); }
std::unique_ptr<Sampler> make_near_miss3(const nlohmann::json& params) { return make_version(3, params); }
std::string near_miss1_help() { return params_help(near_miss_table()); }
std::string near_miss2_help() { return params_help(near_miss_table()); }
std::string near_miss3_help() { return params_help(near_miss_table()); }

}  // namespace fraudkit::sampling
