// Anomaly detectors side by side on one CSV: isolation forest (unsupervised), local outlier
// factor (novelty mode, fitted on every training row) and the autoencoder (fitted on the
// label-0 training rows), each with default parameters. Split as the tests split (rows with
// index % 10 < 7 train, the rest test); prints one JSON line with each detector's test AP,
// ROC-AUC and fit + score seconds. bench/anomaly.sh runs it over the shared datasets beside
// scikit-learn's IsolationForest.
//
// Usage: anomaly_bench FILE TARGET
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "holdout_split.h"
#include "fraudkit/metrics.h"
#include "models/autoencoder.h"
#include "models/isolation_forest.h"
#include "models/local_outlier_factor.h"

int main(int argc, char** argv) {
  using namespace fraudkit;
  if (argc < 3) {
    std::fprintf(stderr, "usage: anomaly_bench FILE TARGET\n");
    return 2;
  }
  const bench::HoldoutSplit split = bench::holdout_split(argv[1], argv[2]);
  const Eigen::MatrixXd &train_X = split.train_X, &test_X = split.test_X;
  const std::vector<uint8_t>&train_y = split.train_y, &test_y = split.test_y;
  const int threads = omp_get_max_threads();

  nlohmann::json out = nlohmann::json::object();
  const auto record = [&](const std::string& name, const auto& fit_and_score) {
    const auto start = std::chrono::steady_clock::now();
    const Eigen::VectorXd s = fit_and_score();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::span<const double> scores(s.data(), static_cast<size_t>(s.size()));
    out[name] = {{"ap", average_precision(test_y, scores)}, {"roc_auc", roc_auc(test_y, scores)}, {"seconds", seconds}};
  };
  record("isolation_forest", [&] {
    models::IsolationForest m;
    m.fit(train_X, {}, threads);
    return m.score(test_X, threads);
  });
  record("local_outlier_factor", [&] {
    models::LocalOutlierFactor m;
    m.fit(train_X, {}, threads);
    return m.score(test_X);
  });
  record("autoencoder", [&] {
    models::Autoencoder m;
    m.fit(train_X, train_y, {});
    return m.score(test_X);
  });
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
