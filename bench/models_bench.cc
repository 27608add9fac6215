// Times one fraudkit model on one CSV, split as the tests split (rows with index % 10 < 7
// train, the rest test): fit (best of REPEATS), batch scoring of the test rows (best of
// REPEATS), and single-row scoring latency (mean over 20,000 calls cycling through the test
// rows, each copied to a contiguous row first, as a server would hold it). Prints one JSON
// line with the times and the test AP / ROC-AUC. Threads: OpenMP's setting (OMP_NUM_THREADS).
//
// Usage: models_bench FILE TARGET MODEL PARAMS_JSON [REPEATS]
//   MODEL: gradient_boosting | random_forest | isolation_forest; PARAMS_JSON as for --param.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "holdout_split.h"
#include "fraudkit/metrics.h"
#include "models/gradient_boosting.h"
#include "models/isolation_forest.h"
#include "models/random_forest.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double best_of(int repeats, const std::function<void()>& f) {
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, seconds_since(start));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fraudkit;
  if (argc < 5) {
    std::fprintf(stderr, "usage: models_bench FILE TARGET MODEL PARAMS_JSON [REPEATS]\n");
    return 2;
  }
  const std::string model_name = argv[3];
  const nlohmann::json params = nlohmann::json::parse(argv[4]);
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 3;
  const int threads = omp_get_max_threads();

  const bench::HoldoutSplit split = bench::holdout_split(argv[1], argv[2]);
  const Eigen::MatrixXd &train_X = split.train_X, &test_X = split.test_X;
  const std::vector<uint8_t>&train_y = split.train_y, &test_y = split.test_y;

  models::GradientBoosting boosting;
  models::RandomForest forest;
  models::IsolationForest isolation;
  std::function<void()> fit;
  std::function<Eigen::VectorXd()> score;
  std::function<double(const double*)> score_row;
  if (model_name == "gradient_boosting") {
    const auto p = params_from_json<models::BoostingParams>(params, models::boosting_param_table(), model_name);
    fit = [&, p] { boosting.fit(train_X, train_y, {}, p, threads); };
    score = [&] { return boosting.predict_proba(test_X, threads); };
    score_row = [&](const double* row) { return boosting.predict_proba_row(row); };
  } else if (model_name == "random_forest") {
    const auto p = params_from_json<models::ForestParams>(params, models::forest_param_table(), model_name);
    fit = [&, p] { forest.fit(train_X, train_y, {}, p, threads); };
    score = [&] { return forest.predict_proba(test_X, threads); };
    score_row = [&](const double* row) { return forest.predict_proba_row(row); };
  } else if (model_name == "isolation_forest") {
    const auto p = params_from_json<models::IsolationParams>(params, models::isolation_param_table(), model_name);
    fit = [&, p] { isolation.fit(train_X, p, threads); };
    score = [&] { return isolation.score(test_X, threads); };
    score_row = [&](const double* row) { return isolation.score_row(row); };
  } else {
    std::fprintf(stderr, "unknown model %s\n", model_name.c_str());
    return 2;
  }

  const double fit_s = best_of(repeats, fit);
  Eigen::VectorXd scores;
  const double score_s = best_of(repeats, [&] { scores = score(); });
  const std::span<const double> s(scores.data(), static_cast<size_t>(scores.size()));

  constexpr int kCalls = 20000;
  std::vector<double> row(static_cast<size_t>(test_X.cols()));
  double sink = 0;
  const auto start = Clock::now();
  for (int k = 0; k < kCalls; ++k) {
    const Eigen::Index r = k % test_X.rows();
    for (Eigen::Index c = 0; c < test_X.cols(); ++c) row[static_cast<size_t>(c)] = test_X(r, c);
    sink += score_row(row.data());
  }
  const double row_us = seconds_since(start) / kCalls * 1e6;

  std::printf("{\"fit_seconds\": %.6f, \"score_seconds\": %.6f, \"row_us\": %.3f, \"ap\": %.6f, \"roc_auc\": %.6f, "
              "\"train_rows\": %zu, \"test_rows\": %zu, \"threads\": %d, \"sink\": %g}\n",
              fit_s, score_s, row_us, average_precision(test_y, s), roc_auc(test_y, s), train_y.size(), test_y.size(),
              threads, sink);
  return 0;
}
