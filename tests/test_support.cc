#include "test_support.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>


namespace fraudkit::testing {

namespace fs = std::filesystem;

fs::path source_dir() { return fs::path(FRAUDKIT_SOURCE_DIR); }
fs::path cli_path() { return fs::path(FRAUDKIT_CLI_PATH); }

fs::path shared_dir() {
  if (const char* env = std::getenv("FRAUDKIT_SHARED_DIR")) return fs::path(env);
  return source_dir().parent_path() / "shared";
}

fs::path dataset_path(const std::string& name) { return shared_dir() / "datasets" / name; }

HoldoutSplit holdout_split(const std::string& dataset_name) {
  return bench::holdout_split(dataset_path(dataset_name).string(), "label");
}

std::vector<std::string> shared_dataset_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(shared_dir() / "datasets"))
    if (e.path().extension() == ".csv") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

CommandResult run_command(const std::string& command) {
  TempDir tmp;
  const fs::path out = tmp / "stdout", err = tmp / "stderr";
  const std::string full = "(" + command + ") >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

nlohmann::json run_python_json(const fs::path& script, const std::string& args) {
  CommandResult r = run_command("/usr/bin/python3 '" + script.string() + "' " + args);
  if (r.exit_code != 0)
    throw std::runtime_error("oracle " + script.string() + " " + args + " failed (exit " +
                             std::to_string(r.exit_code) + "): " + r.err);
  return nlohmann::json::parse(r.out);
}

CommandResult run_cli(const std::string& args) {
  return run_command("'" + cli_path().string() + "' " + args);
}

TempDir::TempDir() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("fraudkit-test-" + std::to_string(gen()));
    if (fs::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace fraudkit::testing

#include <zlib.h>

namespace fraudkit::testing {
std::string crc32_hex(const std::string& bytes) {
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()),
                          static_cast<uInt>(bytes.size()));
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(crc));
  return buf;
}
}  // namespace fraudkit::testing
