#pragma once
// Helpers for the over-sampler tests: shared datasets as matrices (big ones thinned), the imbalanced-learn oracle run as one batch of jobs, an
// independent brute-force neighbour search, the segment check and a two-sample comparison of
// per-feature moments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <set>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fraudkit/csv.h"
#include "fraudkit/dataset.h"
#include "fraudkit/sampler.h"
#include "test_support.h"

namespace fraudkit::testing::over {

struct Data {
  std::string name;
  RowMatrix X;
  std::vector<uint8_t> y;
  std::vector<uint8_t> categorical;  // empty = all numeric
  int stride = 1;                    // load_shared: negatives kept at rows 0, stride, 2*stride, ...

  ResampleInput input() const { return ResampleInput{X, y, categorical, {}}; }
  int64_t count(int cls) const { return std::count(y.begin(), y.end(), static_cast<uint8_t>(cls)); }
  int64_t minority_count() const { return std::min(count(0), count(1)); }
};

// A Dataset's columns as a matrix (categorical columns as their codes).
inline Data from_dataset(const Dataset& d, const std::string& name) {
  Data out;
  out.name = name;
  const auto n = static_cast<Eigen::Index>(d.rows());
  out.X.resize(n, static_cast<Eigen::Index>(d.num_features()));
  bool any_categorical = false;
  for (size_t c = 0; c < d.num_features(); ++c) {
    const Column& col = d.columns[c];
    any_categorical |= !col.is_numeric();
    for (Eigen::Index r = 0; r < n; ++r)
      out.X(r, static_cast<Eigen::Index>(c)) =
          col.is_numeric() ? col.values[static_cast<size_t>(r)] : col.codes[static_cast<size_t>(r)];
  }
  if (any_categorical)
    for (const Column& col : d.columns) out.categorical.push_back(col.is_numeric() ? 0 : 1);
  out.y = d.target;
  return out;
}

// ../shared/datasets/<name>.csv. A class with more rows than its cap (0 = no cap) is thinned
// to its rows at positions 0, s, 2s, ... of the file (s = ceil(rows of the class / cap)): a
// deterministic subsample whose rows the tests also hand to the oracle as a CSV.
inline Data load_shared(const std::string& name, int64_t max_negatives = 0, int64_t max_positives = 0) {
  CsvOptions options;
  options.target = "label";
  const Data full = from_dataset(read_csv(dataset_path(name + ".csv").string(), options).data, name);
  int64_t stride[2] = {1, 1};
  const int64_t cap[2] = {max_negatives, max_positives};
  for (int c = 0; c < 2; ++c)
    if (cap[c] > 0 && full.count(c) > cap[c]) stride[c] = (full.count(c) + cap[c] - 1) / cap[c];
  if (stride[0] == 1 && stride[1] == 1) return full;
  Data out;
  out.name = name;
  out.stride = static_cast<int>(stride[0]);
  std::vector<Eigen::Index> rows;
  for (Eigen::Index r = 0; r < full.X.rows(); ++r)
    if (r % stride[full.y[static_cast<size_t>(r)]] == 0) rows.push_back(r);
  out.X.resize(static_cast<Eigen::Index>(rows.size()), full.X.cols());
  for (size_t i = 0; i < rows.size(); ++i) {
    out.X.row(static_cast<Eigen::Index>(i)) = full.X.row(rows[i]);
    out.y.push_back(full.y[static_cast<size_t>(rows[i])]);
  }
  return out;
}

// Header x0..x{d-1},label; 17 significant digits (round-trips).
inline void write_data_csv(const std::filesystem::path& path, const Data& d) {
  std::ostringstream s;
  s << std::setprecision(17);
  for (Eigen::Index c = 0; c < d.X.cols(); ++c) s << "x" << c << ",";
  s << "label\n";
  for (Eigen::Index r = 0; r < d.X.rows(); ++r) {
    for (Eigen::Index c = 0; c < d.X.cols(); ++c) s << d.X(r, c) << ",";
    s << int(d.y[static_cast<size_t>(r)]) << "\n";
  }
  write_file(path, s.str());
}

// Runs tests/oracle/oversample_oracle.py once for a list of jobs; returns one result per job.
inline nlohmann::json run_oracle(const nlohmann::json& jobs) {
  TempDir dir;
  write_file(dir / "jobs.json", jobs.dump());
  return run_python_json(source_dir() / "tests/oracle/oversample_oracle.py",
                         "jobs --jobs " + (dir / "jobs.json").string());
}

// ---- geometry ----------------------------------------------------------------------------

// The engine's documented metric: sqrt of the sum over columns, in order, of (a - b)^2, plus
// `mismatch_sq` per categorical column whose codes differ.
inline double distance(const RowMatrix& A, Eigen::Index a, const RowMatrix& B, Eigen::Index b,
                       const std::vector<uint8_t>& categorical = {}, double mismatch_sq = 0) {
  double s = 0;
  for (Eigen::Index c = 0; c < A.cols(); ++c) {
    if (!categorical.empty() && categorical[static_cast<size_t>(c)]) {
      if (A(a, c) != B(b, c)) s += mismatch_sq;
    } else {
      const double d = A(a, c) - B(b, c);
      s += d * d;
    }
  }
  return std::sqrt(s);
}

// For each row of `queries`: every row of `points` within the distance of the query's
// `k`-th nearest point (ties at the boundary included, relative slack 1e-12), by brute force.
// Written independently of the neighbour engine.
inline std::vector<std::vector<uint32_t>> within_kth(const RowMatrix& points, const RowMatrix& queries, int k,
                                                     const std::vector<uint8_t>& categorical = {},
                                                     double mismatch_sq = 0) {
  std::vector<std::vector<uint32_t>> out(static_cast<size_t>(queries.rows()));
  std::vector<double> d(static_cast<size_t>(points.rows()));
  for (Eigen::Index q = 0; q < queries.rows(); ++q) {
    for (Eigen::Index j = 0; j < points.rows(); ++j)
      d[static_cast<size_t>(j)] = distance(queries, q, points, j, categorical, mismatch_sq);
    std::vector<double> sorted = d;
    std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end());
    const double limit = sorted[static_cast<size_t>(k - 1)] * (1 + 1e-12);
    for (Eigen::Index j = 0; j < points.rows(); ++j)
      if (d[static_cast<size_t>(j)] <= limit) out[static_cast<size_t>(q)].push_back(static_cast<uint32_t>(j));
  }
  return out;
}

// The k nearest rows of `points` for each row of `queries`, ordered by (distance, index), with
// the engine's documented metric: sqrt of the sum over columns, in order, of (a - b)^2, plus
// `mismatch_sq` per categorical column whose codes differ. Brute force, for the tests only.
inline std::vector<std::vector<uint32_t>> brute_knn(const RowMatrix& points, const RowMatrix& queries, int k,
                                                    const std::vector<uint8_t>& categorical = {},
                                                    double mismatch_sq = 0) {
  std::vector<std::vector<uint32_t>> out(static_cast<size_t>(queries.rows()));
  std::vector<std::pair<double, uint32_t>> d(static_cast<size_t>(points.rows()));
  for (Eigen::Index q = 0; q < queries.rows(); ++q) {
    for (Eigen::Index j = 0; j < points.rows(); ++j)
      d[static_cast<size_t>(j)] = {distance(queries, q, points, j, categorical, mismatch_sq), static_cast<uint32_t>(j)};
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    for (int j = 0; j < k; ++j) out[static_cast<size_t>(q)].push_back(d[static_cast<size_t>(j)].second);
  }
  return out;
}

// Whether x = a + t (b - a) for some t in [0, t_max] (relative tolerance `tol`) over the
// columns in `cols` (all when empty).
inline bool on_segment(const RowMatrix& A, Eigen::Index a, const RowMatrix& B, Eigen::Index b, const RowMatrix& X,
                       Eigen::Index x, double t_max, double tol = 1e-9, const std::vector<uint8_t>& skip = {}) {
  double dot = 0, len2 = 0, scale = 1;
  for (Eigen::Index c = 0; c < X.cols(); ++c) {
    if (!skip.empty() && skip[static_cast<size_t>(c)]) continue;
    const double ab = B(b, c) - A(a, c), ax = X(x, c) - A(a, c);
    dot += ab * ax;
    len2 += ab * ab;
    scale = std::max({scale, std::abs(A(a, c)), std::abs(B(b, c))});
  }
  const double t = len2 > 0 ? dot / len2 : 0;
  if (t < -tol || t > t_max + tol) return false;
  for (Eigen::Index c = 0; c < X.cols(); ++c) {
    if (!skip.empty() && skip[static_cast<size_t>(c)]) continue;
    const double expect = A(a, c) + t * (B(b, c) - A(a, c));
    if (std::abs(X(x, c) - expect) > tol * scale) return false;
  }
  return true;
}

inline RowMatrix rows_of(const RowMatrix& X, std::span<const uint8_t> y, int cls) {
  std::vector<Eigen::Index> rows;
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] == cls) rows.push_back(static_cast<Eigen::Index>(i));
  RowMatrix out(static_cast<Eigen::Index>(rows.size()), X.cols());
  for (size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
  return out;
}

// ---- moments -----------------------------------------------------------------------------

struct Moments {
  int64_t n = 0;
  std::vector<double> mean, var, m4;
};

inline Moments moments_of(const std::vector<const RowMatrix*>& parts) {
  Moments m;
  const Eigen::Index p = parts.front()->cols();
  m.mean.assign(static_cast<size_t>(p), 0);
  m.var.assign(static_cast<size_t>(p), 0);
  m.m4.assign(static_cast<size_t>(p), 0);
  for (const RowMatrix* S : parts) {
    m.n += S->rows();
    for (Eigen::Index r = 0; r < S->rows(); ++r)
      for (Eigen::Index c = 0; c < p; ++c) m.mean[static_cast<size_t>(c)] += (*S)(r, c);
  }
  for (double& v : m.mean) v /= static_cast<double>(m.n);
  for (const RowMatrix* S : parts)
    for (Eigen::Index r = 0; r < S->rows(); ++r)
      for (Eigen::Index c = 0; c < p; ++c) {
        const double d = (*S)(r, c) - m.mean[static_cast<size_t>(c)];
        m.var[static_cast<size_t>(c)] += d * d;
        m.m4[static_cast<size_t>(c)] += d * d * d * d;
      }
  for (Eigen::Index c = 0; c < p; ++c) {
    m.var[static_cast<size_t>(c)] /= static_cast<double>(m.n);
    m.m4[static_cast<size_t>(c)] /= static_cast<double>(m.n);
  }
  return m;
}

inline Moments moments_from_json(const nlohmann::json& j) {
  Moments m;
  m.n = j.at("n").get<int64_t>();
  m.mean = j.at("mean").get<std::vector<double>>();
  m.var = j.at("var").get<std::vector<double>>();
  m.m4 = j.at("m4").get<std::vector<double>>();
  return m;
}

// Two-sided normal quantile for a family-wise error `alpha` split over `tests` comparisons.
inline double bonferroni_z(double alpha, int tests) {
  const double target = alpha / tests;  // P(|Z| > z)
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (std::erfc(mid / std::sqrt(2.0)) > target ? lo : hi) = mid;
  }
  return hi;
}

// Every feature's mean and variance agree within sampling error (two independent samples of
// i.i.d. rows; standard errors from the samples' own variance and fourth moment; Bonferroni over
// 2 x features at family-wise alpha). Returns the largest |difference| / standard error seen.
inline double expect_moments_match(const Moments& ours, const Moments& theirs, const std::string& what,
                                   double alpha = 1e-3) {
  const size_t p = ours.mean.size();
  EXPECT_EQ(p, theirs.mean.size()) << what;
  const double z = bonferroni_z(alpha, static_cast<int>(2 * p));
  const double n1 = static_cast<double>(ours.n), n2 = static_cast<double>(theirs.n);
  double worst = 0;
  for (size_t c = 0; c < std::min(p, theirs.mean.size()); ++c) {
    const double scale = 1e-12 * (1 + std::abs(ours.mean[c]) + std::abs(theirs.mean[c]));
    const double se_mean = std::sqrt(ours.var[c] / n1 + theirs.var[c] / n2);
    const double d_mean = std::abs(ours.mean[c] - theirs.mean[c]);
    EXPECT_LE(d_mean, z * se_mean + scale) << what << ": mean of feature " << c << " " << ours.mean[c]
                                           << " vs imbalanced-learn " << theirs.mean[c] << " (se " << se_mean << ")";
    const double se_var = std::sqrt(std::max(0.0, ours.m4[c] - ours.var[c] * ours.var[c]) / n1 +
                                    std::max(0.0, theirs.m4[c] - theirs.var[c] * theirs.var[c]) / n2);
    const double d_var = std::abs(ours.var[c] - theirs.var[c]);
    EXPECT_LE(d_var, z * se_var + scale * scale + 1e-12 * std::abs(ours.var[c]))
        << what << ": variance of feature " << c << " " << ours.var[c] << " vs imbalanced-learn " << theirs.var[c]
        << " (se " << se_var << ")";
    if (se_mean > 0) worst = std::max(worst, d_mean / se_mean);
    if (se_var > 0) worst = std::max(worst, d_var / se_var);
  }
  return worst;
}

}  // namespace fraudkit::testing::over

namespace fraudkit::testing::over {

inline ResampleResult run_sampler(const std::string& name, const nlohmann::json& params, const Data& d,
                                  uint64_t seed = 0, int threads = 0) {
  RunContext ctx;
  ctx.seed = seed;
  ctx.threads = threads;
  return make_sampler(name, params)->fit_resample(d.input(), ctx);
}

// One parity check: our `sampler` on `data` vs the oracle's `job` (cmd "moments"; "data" and
// "seeds" are filled in), both pooled over `seeds` runs.
struct MomentCase {
  std::string sampler;
  nlohmann::json params;
  Data data;
  nlohmann::json job;
};

struct MomentOutcome {
  Moments ours, theirs;
  nlohmann::json oracle;              // the oracle's full answer (category frequencies, ...)
  std::vector<ResampleResult> runs;   // our runs
};

// Runs every case (one oracle process for all), checks mean and variance of every feature, and
// returns both sides for further checks.
inline std::vector<MomentOutcome> check_moments(const std::vector<MomentCase>& cases, int seeds = 3) {
  TempDir dir;
  nlohmann::json jobs = nlohmann::json::array();
  std::string seed_list;
  for (int s = 0; s < seeds; ++s) seed_list += (s ? "," : "") + std::to_string(s);
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto path = dir / ("case" + std::to_string(i) + ".csv");
    write_data_csv(path, cases[i].data);
    nlohmann::json job = cases[i].job;
    job["cmd"] = "moments";
    job["data"] = path.string();
    job["seeds"] = seed_list;
    jobs.push_back(job);
  }
  const nlohmann::json theirs = run_oracle(jobs);
  std::vector<MomentOutcome> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    const MomentCase& c = cases[i];
    const std::string what = c.sampler + " on " + c.data.name;
    MomentOutcome o;
    for (int s = 0; s < seeds; ++s) o.runs.push_back(run_sampler(c.sampler, c.params, c.data, 1000 + static_cast<uint64_t>(s)));
    std::vector<const RowMatrix*> parts;
    for (const auto& r : o.runs) parts.push_back(&r.synthetic);
    o.ours = moments_of(parts);
    o.oracle = theirs[i];
    o.theirs = moments_from_json(theirs[i]);
    EXPECT_EQ(o.ours.n, o.theirs.n) << what;
    const double worst = expect_moments_match(o.ours, o.theirs, what);
    ::testing::Test::RecordProperty("worst_z_" + c.sampler + "_" + c.data.name, std::to_string(worst));
    out.push_back(std::move(o));
  }
  return out;
}

// Category frequencies among new rows agree with the oracle's (two-sample test of proportions
// per code, Bonferroni over all codes at family-wise alpha).
inline void expect_category_frequencies_match(const std::vector<const RowMatrix*>& ours, const nlohmann::json& theirs,
                                              Eigen::Index column, const std::string& what, double alpha = 1e-3) {
  std::map<int64_t, double> mine, other;
  double n1 = 0, n2 = 0;
  for (const RowMatrix* S : ours)
    for (Eigen::Index r = 0; r < S->rows(); ++r) {
      mine[static_cast<int64_t>((*S)(r, column))] += 1;
      n1 += 1;
    }
  for (const auto& [code, count] : theirs.items()) {
    other[std::stoll(code)] = count.get<double>();
    n2 += count.get<double>();
  }
  std::set<int64_t> codes;
  for (const auto& [c, v] : mine) codes.insert(c);
  for (const auto& [c, v] : other) codes.insert(c);
  const double z = bonferroni_z(alpha, static_cast<int>(codes.size()));
  for (int64_t code : codes) {
    const double p1 = mine[code] / n1, p2 = other[code] / n2;
    const double pooled = (mine[code] + other[code]) / (n1 + n2);
    const double se = std::sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    EXPECT_LE(std::abs(p1 - p2), z * se + 1e-12)
        << what << ": column " << column << " code " << code << " share " << p1 << " vs imbalanced-learn " << p2;
  }
}

}  // namespace fraudkit::testing::over

namespace fraudkit::testing::over {

// ADASYN's per-row ratio for class `cls` (share of other-class rows among each class row's k
// nearest rows of all the data, itself excluded), by brute force with ties between equally
// distant rows going to the smaller index (the engine's rule). `boundary_ties` says whether some
// class row has equally distant rows straddling its first or its k-th neighbour: there, another
// tie order (scikit-learn's trees) can see other labels and count differently.
inline std::vector<double> adasyn_ratios(const Data& d, int cls, int k, bool* boundary_ties) {
  const RowMatrix rows = rows_of(d.X, d.y, cls);
  std::vector<std::pair<double, uint32_t>> dist(static_cast<size_t>(d.X.rows()));
  std::vector<double> ratio;
  *boundary_ties = false;
  for (Eigen::Index q = 0; q < rows.rows(); ++q) {
    for (Eigen::Index j = 0; j < d.X.rows(); ++j) dist[static_cast<size_t>(j)] = {distance(rows, q, d.X, j), static_cast<uint32_t>(j)};
    const size_t keep = std::min<size_t>(static_cast<size_t>(k) + 2, dist.size());
    std::partial_sort(dist.begin(), dist.begin() + static_cast<std::ptrdiff_t>(keep), dist.end());
    if (keep > 1 && dist[0].first == dist[1].first) *boundary_ties = true;
    if (keep == static_cast<size_t>(k) + 2 && dist[static_cast<size_t>(k)].first == dist[static_cast<size_t>(k) + 1].first)
      *boundary_ties = true;
    int other = 0;
    for (int j = 1; j <= k; ++j) other += d.y[dist[static_cast<size_t>(j)].second] != cls;
    ratio.push_back(static_cast<double>(other) / k);
  }
  return ratio;
}

// imbalanced-learn's g_i = rint(r_i / sum r * n). The ratios are summed plainly (numpy sums
// pairwise; the two can differ in the last bits, which only matters when a share lands within
// 1e-9 of a half: `near_half`).
inline std::vector<int64_t> adasyn_rows_per_seed(const std::vector<double>& ratio, int64_t n, bool* near_half) {
  double sum = 0;
  for (double r : ratio) sum += r;
  std::vector<int64_t> g;
  *near_half = false;
  for (double r : ratio) {
    const double v = r / sum * static_cast<double>(n);
    *near_half |= std::abs(v - std::floor(v) - 0.5) < 1e-9;
    g.push_back(static_cast<int64_t>(std::nearbyint(v)));
  }
  return g;
}

}  // namespace fraudkit::testing::over
