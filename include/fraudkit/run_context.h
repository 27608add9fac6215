#pragma once
// A small context passed into long-running library calls instead of globals: the seed, the
// thread budget and where progress goes (the CLI shows it on stderr when that is a terminal).
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include <Eigen/Dense>

namespace fraudkit {

struct RunContext {
  uint64_t seed = 42;
  int threads = 0;  // 0 = all cores (OpenMP default)
  // Called at the start of each stage with a short description; may be empty.
  std::function<void(std::string_view stage)> progress;

  // Audit trail of a training run, for leakage checks: called once per fitted step
  // ("preprocess", "sampler", "classifier") with the dataset rows it was fitted on and the
  // matrix it received (null for the preprocessor, which reads the dataset), then for the
  // rows that tune the threshold ("threshold") and the rows scored once ("test"). May be empty.
  std::function<void(std::string_view step, std::span<const uint32_t> rows, const Eigen::MatrixXd* X)>
      fit_audit;

  void report(std::string_view stage) const {
    if (progress) progress(stage);
  }
  void audit(std::string_view step, std::span<const uint32_t> rows, const Eigen::MatrixXd* X) const {
    if (fit_audit) fit_audit(step, rows, X);
  }
};

}  // namespace fraudkit
