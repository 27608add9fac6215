// Times the exact nearest-neighbour engine on one CSV's features (raw values, as the samplers
// see them): for each algorithm and k, the self-query of every row (what TomekLinks, ENN and
// SMOTE-on-everything do), and, with a target, majority rows against minority points (NearMiss)
// and the minority class against itself (SMOTE). Each time is the best of `repeats` runs and
// covers fitting (grouping equal rows, building the tree) plus the query.
//
// Usage: knn_bench FILE TARGET [ALGORITHMS] [KS] [REPEATS] [THREADS] [CASES] [DISTANCES_OUT]
//   ALGORITHMS: comma-separated auto,brute,kd_tree (default auto); KS: e.g. 2,4 (default 2,4)
//   THREADS: 0 = OpenMP default; CASES: comma-separated self,cross,minority (default all)
//   DISTANCES_OUT: writes the last self query's distances (raw float64, row-major) there.
// Prints one line per measurement.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fraudkit/csv.h"
#include "fraudkit/neighbors.h"

namespace {

using fraudkit::KnnAlgorithm;
using fraudkit::RowMatrix;

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

RowMatrix rows_of(const fraudkit::Dataset& d, int label) {
  std::vector<size_t> rows;
  for (size_t r = 0; r < d.rows(); ++r)
    if (label < 0 || d.target[r] == label) rows.push_back(r);
  RowMatrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(d.num_features()));
  for (size_t c = 0; c < d.num_features(); ++c) {
    if (!d.columns[c].is_numeric()) throw std::runtime_error("column " + d.columns[c].name() + " is not numeric");
    for (size_t i = 0; i < rows.size(); ++i)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = d.columns[c].values[rows[i]];
  }
  return m;
}

// Best of `repeats` of fit + query; `self` queries the fitted rows themselves.
double best_seconds(const RowMatrix& fitted, const RowMatrix& queries, bool self, int k, fraudkit::KnnOptions options,
                    int repeats, KnnAlgorithm& used, fraudkit::KnnResult& result) {
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const fraudkit::NearestNeighbors nn(fitted, options);
    result = self ? nn.query_self(k) : nn.query(queries, k);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    used = nn.algorithm();
    if (result.queries() != static_cast<size_t>(queries.rows())) std::abort();
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE TARGET [ALGORITHMS] [KS] [REPEATS] [THREADS]\n", argv[0]);
    return 2;
  }
  const std::vector<std::string> algorithms = split(argc > 3 ? argv[3] : "auto");
  const std::vector<std::string> ks = split(argc > 4 ? argv[4] : "2,4");
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 3;
  const int threads = argc > 6 ? std::atoi(argv[6]) : 0;
  const std::vector<std::string> wanted = split(argc > 7 ? argv[7] : "self,cross,minority");
  const char* distances_out = argc > 8 ? argv[8] : nullptr;
  try {
    fraudkit::CsvOptions csv_options;
    csv_options.target = argv[2];
    const fraudkit::Dataset data = fraudkit::read_csv(argv[1], csv_options).data;
    const RowMatrix all = rows_of(data, -1), majority = rows_of(data, 0), minority = rows_of(data, 1);
    struct Case {
      const char* key;
      const char* name;
      const RowMatrix* fitted;
      const RowMatrix* queries;
      bool self;
    };
    const Case cases[] = {{"self", "self (all rows)", &all, &all, true},
                          {"cross", "majority vs minority", &minority, &majority, false},
                          {"minority", "minority self", &minority, &minority, true}};
    fraudkit::KnnResult result;
    for (const std::string& algorithm : algorithms) {
      fraudkit::KnnOptions options;
      options.algorithm = fraudkit::parse_knn_algorithm(algorithm);
      options.threads = threads;
      for (const Case& c : cases) {
        if (std::find(wanted.begin(), wanted.end(), c.key) == wanted.end()) continue;
        for (const std::string& k_text : ks) {
          const int k = std::atoi(k_text.c_str());
          KnnAlgorithm used = KnnAlgorithm::kAuto;
          const double seconds = best_seconds(*c.fitted, *c.queries, c.self, k, options, repeats, used, result);
          std::printf("fraudkit %-8s -> %-7s %-21s k=%d: %td fitted x %td queries x %td cols: %.4f s\n",
                      algorithm.c_str(), fraudkit::to_string(used).c_str(), c.name, k, c.fitted->rows(),
                      c.queries->rows(), c.fitted->cols(), seconds);
          std::fflush(stdout);
          if (distances_out && c.self && c.fitted == &all) {
            std::ofstream out(distances_out, std::ios::binary);
            out.write(reinterpret_cast<const char*>(result.distances.data()),
                      static_cast<std::streamsize>(result.distances.size() * sizeof(double)));
          }
        }
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
