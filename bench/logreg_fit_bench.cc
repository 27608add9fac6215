// Times LogisticRegression::fit (default parameters, no class weight) on one CSV after
// standardising every column: best of `repeats` fits, with the default OpenMP thread count and
// with one thread. Prints one line with the times, the Newton iterations and the training-set
// average precision; optionally writes the training scores (raw float64) so
// bench/logreg_fit.sh can compute the AP of both tools with the same sklearn function.
//
// Usage: logreg_fit_bench FILE TARGET [REPEATS] [SCORES_OUT]
#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fraudkit/csv.h"
#include "fraudkit/logistic_regression.h"
#include "fraudkit/metrics.h"

namespace {

Eigen::MatrixXd standardised_features(const fraudkit::Dataset& d) {
  Eigen::MatrixXd X(static_cast<Eigen::Index>(d.rows()), static_cast<Eigen::Index>(d.num_features()));
  for (size_t j = 0; j < d.num_features(); ++j) {
    if (!d.columns[j].is_numeric())
      throw std::runtime_error("column " + d.columns[j].name() + " is not numeric (use --one-hot data)");
    auto c = X.col(static_cast<Eigen::Index>(j)).array();
    c = Eigen::Map<const Eigen::ArrayXd>(d.columns[j].values.data(), X.rows());
    const double mean = c.mean();
    const double sd = std::sqrt((c - mean).square().sum() / static_cast<double>(X.rows()));
    c = (c - mean) / (sd > 0 ? sd : 1.0);
  }
  return X;
}

// Best wall time of `repeats` fits; the last fitted model is left in `model`.
double best_fit_seconds(fraudkit::LogisticRegression& model, const Eigen::MatrixXd& X,
                        const std::vector<uint8_t>& y, int repeats) {
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    model.fit(X, y, {});
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE TARGET [REPEATS] [SCORES_OUT]\n", argv[0]);
    return 2;
  }
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  try {
    fraudkit::CsvOptions options;
    options.target = argv[2];
    const fraudkit::CsvData csv = fraudkit::read_csv(argv[1], options);
    const Eigen::MatrixXd X = standardised_features(csv.data);
    const std::vector<uint8_t>& y = csv.data.target;

    fraudkit::LogisticRegression model;
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const double one_thread = best_fit_seconds(model, X, y, repeats);
    omp_set_num_threads(threads);
    const double seconds = best_fit_seconds(model, X, y, repeats);

    const Eigen::VectorXd scores = model.predict_proba(X);
    const double ap = fraudkit::average_precision(y, {scores.data(), static_cast<size_t>(scores.size())});
    std::printf("fraudkit fit: %td rows x %td features, best of %d: %.4f s (%d threads), %.4f s (1 thread); "
                "newton iterations %d, converged %s; training AP %.6f\n",
                X.rows(), X.cols(), repeats, seconds, threads, one_thread, model.report().iterations,
                model.report().converged ? "yes" : "NO", ap);
    if (argc > 4) {
      std::ofstream out(argv[4], std::ios::binary);
      out.write(reinterpret_cast<const char*>(scores.data()),
                static_cast<std::streamsize>(scores.size() * sizeof(double)));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
