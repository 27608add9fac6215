#pragma once
// Each sub-command lives in its own file (cmd_<name>.cc): it declares its flags on a CLI11
// sub-app and returns the function that runs it after parsing. Runners return the exit code
// and may throw fraudkit::Error, which main() maps to the documented exit codes.
#include <functional>

#include <CLI/CLI.hpp>

namespace fraudkit::cli {

using CommandRunner = std::function<int()>;

CommandRunner register_generate(CLI::App& root);
CommandRunner register_train(CLI::App& root);
CommandRunner register_evaluate(CLI::App& root);
CommandRunner register_predict(CLI::App& root);
CommandRunner register_metrics(CLI::App& root);
CommandRunner register_demo(CLI::App& root);
CommandRunner register_resample(CLI::App& root);
CommandRunner register_cv(CLI::App& root);

}  // namespace fraudkit::cli
