// fraudkit: the command-line program. Parses the sub-command, runs it, and maps errors to the
// exit codes documented in docs/cli.md (0 ok, 2 usage, 3 bad data, 4 bad model file, 5 I/O,
// 70 internal error).
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "fraudkit/error.h"
#include "fraudkit/version.h"

int main(int argc, char** argv) {
  using namespace fraudkit;
  CLI::App app{"fraudkit: fraud and rare-event detection on imbalanced tabular data.\n"
               "Leak-free training, thresholds tuned on validation, metrics that tell the truth."};
  app.set_version_flag("--version", std::string("fraudkit ") + kVersion);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 2 usage error, 3 bad input data, 4 bad model file, 5 I/O error, "
             "70 internal error.\nRun 'fraudkit demo' for a guided tour.");

  std::map<CLI::App*, cli::CommandRunner> runners;
  for (auto reg : {cli::register_generate, cli::register_train, cli::register_evaluate,
                   cli::register_predict, cli::register_metrics, cli::register_resample,
                   cli::register_cv, cli::register_demo}) {
    const size_t before = app.get_subcommands({}).size();
    cli::CommandRunner run = reg(app);
    runners[app.get_subcommands({})[before]] = std::move(run);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help/version (code 0) or the parse error
    return code == 0 ? 0 : exit_code_for(ErrorKind::kUsage);
  }

  for (auto& [sub, run] : runners) {
    if (!sub->parsed()) continue;
    try {
      const int code = run();
      cli::end_progress();
      return code;
    } catch (const Error& e) {
      cli::end_progress();
      std::fprintf(stderr, "fraudkit %s: error: %s\n", sub->get_name().c_str(), e.what());
      return exit_code_for(e.kind());
    } catch (const std::bad_alloc&) {
      cli::end_progress();
      std::fprintf(stderr, "fraudkit %s: error: out of memory\n", sub->get_name().c_str());
      return exit_code_for(ErrorKind::kInternal);
    } catch (const std::exception& e) {
      cli::end_progress();
      std::fprintf(stderr, "fraudkit %s: internal error: %s\n", sub->get_name().c_str(), e.what());
      return exit_code_for(ErrorKind::kInternal);
    }
  }
  return exit_code_for(ErrorKind::kUsage);
}
