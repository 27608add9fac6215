#pragma once
// Helpers for the under-sampler and combined-sampler tests: shared datasets as matrices (the
// same row selection as tests/oracle/undersample_oracle.py), running a sampler, the oracle, and
// small set utilities.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fraudkit/csv.h"
#include "fraudkit/dataset.h"
#include "fraudkit/sampler.h"
#include "test_support.h"

namespace fraudkit::testing::under {

struct Data {
  RowMatrix X;
  std::vector<uint8_t> y;
  std::vector<uint8_t> categorical;

  ResampleInput input() const { return ResampleInput{X, y, categorical, {}}; }
  int64_t count(int cls) const { return std::count(y.begin(), y.end(), static_cast<uint8_t>(cls)); }
};

inline const std::filesystem::path& oracle_script() {
  static const std::filesystem::path p = source_dir() / "tests" / "oracle" / "undersample_oracle.py";
  return p;
}

// ../shared/datasets/<name>.csv restricted like the oracle's --stride / --limit: every positive
// and the rows 0, stride, 2*stride, ... in file order, then the first `limit` of those (0 = all).
inline Data load_shared(const std::string& name, int stride = 1, size_t limit = 0) {
  CsvOptions options;
  options.target = "label";
  const Dataset d = read_csv(dataset_path(name + ".csv").string(), options).data;
  std::vector<size_t> rows;
  for (size_t r = 0; r < d.rows(); ++r)
    if (d.target[r] == 1 || r % static_cast<size_t>(stride) == 0) rows.push_back(r);
  if (limit > 0 && rows.size() > limit) rows.resize(limit);
  Data out;
  out.X.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(d.num_features()));
  for (size_t c = 0; c < d.num_features(); ++c) {
    EXPECT_TRUE(d.columns[c].is_numeric()) << name << " column " << d.columns[c].name();
    for (size_t i = 0; i < rows.size(); ++i)
      out.X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = d.columns[c].values[rows[i]];
  }
  for (size_t r : rows) out.y.push_back(d.target[r]);
  return out;
}

inline ResampleResult run(const std::string& sampler, const nlohmann::json& params, const Data& data,
                          int threads = 2, uint64_t seed = 42) {
  RunContext ctx;
  ctx.threads = threads;
  ctx.seed = seed;
  return make_sampler(sampler, params)->fit_resample(data.input(), ctx);
}

// Rows 0..n-1 not in `kept`, ascending.
inline std::vector<uint32_t> removed_rows(const std::vector<uint32_t>& kept, size_t n) {
  std::vector<uint8_t> in(n, 0);
  for (uint32_t k : kept) in[k] = 1;
  std::vector<uint32_t> out;
  for (size_t i = 0; i < n; ++i)
    if (!in[i]) out.push_back(static_cast<uint32_t>(i));
  return out;
}

inline std::vector<uint32_t> sorted(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

inline std::vector<uint32_t> as_rows(const nlohmann::json& j) { return j.get<std::vector<uint32_t>>(); }

// Symmetric difference of two row sets (each given in any order, without repeats).
inline std::vector<uint32_t> differing(std::vector<uint32_t> a, std::vector<uint32_t> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<uint32_t> out;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// Members of `rows` not in `allowed`.
inline std::vector<uint32_t> outside(const std::vector<uint32_t>& rows, std::vector<uint32_t> allowed) {
  std::sort(allowed.begin(), allowed.end());
  std::vector<uint32_t> out;
  for (uint32_t r : rows)
    if (!std::binary_search(allowed.begin(), allowed.end(), r)) out.push_back(r);
  return out;
}

inline std::array<int64_t, 2> kept_counts(const ResampleResult& r, const std::vector<uint8_t>& y) {
  std::array<int64_t, 2> c{0, 0};
  for (uint32_t k : r.kept) ++c[y[k]];
  for (uint8_t v : r.synthetic_y) ++c[v];
  return c;
}

}  // namespace fraudkit::testing::under
