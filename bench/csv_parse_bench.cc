// Times read_csv on one file: best of `repeats` runs, printed as seconds and MB/s of file
// bytes. bench/csv_parse.sh runs it beside pandas.read_csv on the same file.
//
// Usage: csv_parse_bench FILE TARGET [REPEATS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE TARGET [REPEATS]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  fraudkit::CsvOptions options;
  options.target = argv[2];
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  try {
    const double megabytes = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    double best = 1e300;
    size_t rows = 0, columns = 0;
    for (int i = 0; i < repeats; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const fraudkit::CsvData data = fraudkit::read_csv(path, options);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = seconds < best ? seconds : best;
      rows = data.data.rows();
      columns = data.data.num_features();
    }
    std::printf("fraudkit read_csv: %zu rows x %zu features, %.1f MB, best of %d: %.3f s, %.1f MB/s\n",
                rows, columns, megabytes, repeats, best, megabytes / best);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
