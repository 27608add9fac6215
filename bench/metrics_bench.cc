// AP + ROC-AUC throughput on a labels/scores file written by bench/metrics.sh. Prints one JSON
// object: the best of `--repeats` wall times of ScoreCurve::build + average_precision +
// roc_auc (file I/O excluded), with all OpenMP threads and with one, plus the time of a plain
// std::sort of the same keys against the (single-threaded) radix kernel that replaced it.
//
// File format (little-endian): uint64 n, then n uint8 labels, then n float64 scores.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluation/sort_keys.h"
#include "fraudkit/metrics.h"

namespace {

struct Data {
  std::vector<uint8_t> y;
  std::vector<double> scores;
};

Data read_data(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), sizeof n);
  Data d;
  d.y.resize(n);
  d.scores.resize(n);
  in.read(reinterpret_cast<char*>(d.y.data()), static_cast<std::streamsize>(n));
  in.read(reinterpret_cast<char*>(d.scores.data()), static_cast<std::streamsize>(n * sizeof(double)));
  if (!in) throw std::runtime_error(path + " is truncated");
  return d;
}

double best_seconds(int repeats, const std::function<void()>& run) {
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  int repeats = 3;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) path = argv[++i];
    else if (std::strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) repeats = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: metrics_bench --data FILE [--repeats 3]\n");
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: metrics_bench --data FILE [--repeats 3]\n");
    return 2;
  }
  try {
    const Data d = read_data(path);
    double ap = 0, auc = 0;
    auto ap_and_auc = [&] {
      const fraudkit::ScoreCurve curve = fraudkit::ScoreCurve::build(d.y, d.scores);
      ap = fraudkit::average_precision(curve);
      auc = fraudkit::roc_auc(curve);
    };
    const int threads = omp_get_max_threads();
    const double seconds = best_seconds(repeats, ap_and_auc);
    omp_set_num_threads(1);
    const double seconds_one_thread = best_seconds(repeats, ap_and_auc);
    omp_set_num_threads(threads);

    // The alternative the kernel was measured against: std::sort of the same keys.
    std::vector<uint64_t> keys(d.scores.size()), scratch(d.scores.size());
    for (size_t i = 0; i < keys.size(); ++i) keys[i] = fraudkit::detail::order_key(d.scores[i]);
    std::vector<uint64_t> work;
    const double std_sort = best_seconds(repeats, [&] {
      work = keys;
      fraudkit::detail::reference_sort(work);
    });
    const double radix = best_seconds(repeats, [&] {
      work = keys;
      fraudkit::detail::radix_sort(work, scratch);
    });
    nlohmann::json out = {{"n", d.y.size()},
                          {"threads", threads},
                          {"seconds", seconds},
                          {"seconds_one_thread", seconds_one_thread},
                          {"sort_keys_std_sort_seconds", std_sort},
                          {"sort_keys_radix_seconds", radix},
                          {"average_precision", ap},
                          {"roc_auc", auc}};
    std::printf("%s\n", out.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "metrics_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
