// Times one sampler's fit_resample on a CSV, the way peer.py times imbalanced-learn's: the
// data is parsed first (not timed), then the best of REPEATS runs of resampling plus
// materialising the full output matrix is reported. Also prints:
// - the copy floor: the best time to write an output matrix of the same size by copying input
//   rows (what any sampler must at least spend moving bytes);
// - the sampler's peak extra memory: the rise of the process's peak resident set (VmHWM,
//   reset through /proc/self/clear_refs) over the resident size before the run, beside the
//   input and output sizes.
// Usage: resample_bench METHOD FILE TARGET [K] [REPEATS]   (K = -1: the sampler's default)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "fraudkit/csv.h"
#include "fraudkit/sampler.h"

namespace {

using namespace fraudkit;

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  return -1;
}

void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: resample_bench METHOD FILE TARGET [K] [REPEATS]\n";
    return 2;
  }
  const std::string method = argv[1], file = argv[2], target = argv[3];
  const int k = argc > 4 ? std::stoi(argv[4]) : -1;
  const int repeats = argc > 5 ? std::stoi(argv[5]) : 3;

  nlohmann::json params = nlohmann::json::object();
  const nlohmann::json defaults = make_sampler(method, params)->params_to_json();
  if (k > 0) params[defaults.contains("k_neighbors") ? "k_neighbors" : "n_neighbors"] = k;
  const auto sampler = make_sampler(method, params);

  RowMatrix X;
  std::vector<uint8_t> y;
  std::vector<uint8_t> categorical;  // categorical columns hold their codes (SMOTENC / SMOTEN)
  {
    CsvOptions o;
    o.target = target;
    const Dataset d = read_csv(file, o).data;
    X.resize(static_cast<Eigen::Index>(d.rows()), static_cast<Eigen::Index>(d.num_features()));
    for (size_t c = 0; c < d.num_features(); ++c) {
      const Column& col = d.columns[c];
      categorical.push_back(col.is_numeric() ? 0 : 1);
      for (size_t r = 0; r < d.rows(); ++r)
        X(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
            col.is_numeric() ? col.values[r] : static_cast<double>(col.codes[r]);
    }
    y = d.target;
  }
  if (std::find(categorical.begin(), categorical.end(), 1) == categorical.end()) categorical.clear();
  const ResampleInput input{X, y, categorical, {}};
  RunContext ctx;
  ctx.seed = 0;

  double best = 1e300, peak_extra_mb = 0;
  Resampled out;
  for (int i = 0; i < repeats; ++i) {
    out = Resampled{};
    const long rss_before = status_kb("VmRSS:");
    reset_peak();
    const double t0 = now();
    const ResampleResult r = sampler->fit_resample(input, ctx);
    out = materialize(input, r);
    best = std::min(best, now() - t0);
    peak_extra_mb = std::max(peak_extra_mb, static_cast<double>(status_kb("VmHWM:") - rss_before) / 1024.0);
  }

  // The copy floor: an output matrix of the same shape filled by copying input rows.
  double floor_best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const double t0 = now();
    RowMatrix copy(out.X.rows(), X.cols());
    const size_t row_bytes = static_cast<size_t>(X.cols()) * sizeof(double);
    for (Eigen::Index r = 0; r < copy.rows(); ++r)
      std::memcpy(copy.row(r).data(), X.row(r % X.rows()).data(), row_bytes);
    floor_best = std::min(floor_best, now() - t0);
    if (copy(copy.rows() - 1, 0) == 0.123456789) std::cerr << "";  // keep the copy alive
  }
  int64_t positives = 0;
  for (uint8_t v : out.y) positives += v;
  const double mb = 1.0 / (1024.0 * 1024.0);
  nlohmann::json j = {{"method", method},
                      {"rows_in", X.rows()},
                      {"features", X.cols()},
                      {"rows_out", out.X.rows()},
                      {"positives_out", positives},
                      {"seconds", best},
                      {"copy_floor_seconds", floor_best},
                      {"input_mb", static_cast<double>(X.size()) * 8 * mb},
                      {"output_mb", static_cast<double>(out.X.size()) * 8 * mb},
                      {"peak_extra_mb", peak_extra_mb}};
  std::cout << j.dump() << "\n";
  return 0;
}
