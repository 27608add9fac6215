#pragma once
// Helpers shared by the tests: where the shared datasets and the Python oracle live, running a
// command and capturing its output, and a temporary directory removed at scope exit.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "../bench/holdout_split.h"

namespace fraudkit::testing {

// ../shared beside the checkout (override with FRAUDKIT_SHARED_DIR).
std::filesystem::path shared_dir();
// ../shared/datasets/<name>, e.g. dataset_path("mammography.csv").
std::filesystem::path dataset_path(const std::string& name);
// The names of every CSV in ../shared/datasets, sorted.
std::vector<std::string> shared_dataset_names();
// The repository root and the built `fraudkit` binary.
std::filesystem::path source_dir();
std::filesystem::path cli_path();

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs `command` with /bin/sh, capturing stdout and stderr separately.
CommandResult run_command(const std::string& command);
// Runs `/usr/bin/python3 <script> <args>` and parses its stdout as one JSON value; fails the
// calling test (via an exception) when the script exits non-zero.
nlohmann::json run_python_json(const std::filesystem::path& script, const std::string& args);
// Runs the built CLI with `args`.
CommandResult run_cli(const std::string& args);

// A fresh directory under the system temp dir, deleted with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A shared dataset split the way the model oracles split it (tests/oracle/*.py): rows whose
// index r has r % 10 < 7 train, the others test. Label column "label". The benchmarks split
// the same way, with the same code.
using HoldoutSplit = bench::HoldoutSplit;
HoldoutSplit holdout_split(const std::string& dataset_name);

// Writes `text` to `path` (binary, exactly).
void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

}  // namespace fraudkit::testing

namespace fraudkit::testing {
// CRC-32 (zlib) of `bytes` as 8 lowercase hex digits, for forging model files in tests.
std::string crc32_hex(const std::string& bytes);
}  // namespace fraudkit::testing
