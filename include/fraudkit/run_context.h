#pragma once
// A small context passed into long-running library calls instead of globals: the seed, the
// thread budget and where progress goes (the CLI shows it on stderr when that is a terminal).
#include <cstdint>
#include <functional>
#include <string_view>

namespace fraudkit {

struct RunContext {
  uint64_t seed = 42;
  int threads = 0;  // 0 = all cores (OpenMP default)
  // Called at the start of each stage with a short description; may be empty.
  std::function<void(std::string_view stage)> progress;

  void report(std::string_view stage) const {
    if (progress) progress(stage);
  }
};

}  // namespace fraudkit
