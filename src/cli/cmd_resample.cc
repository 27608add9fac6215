// fraudkit resample --method M [--k K] [--strategy S] [--seed S] --data F --target T --out G
// Writes the resampled rows as CSV with the input's column names and types (categorical
// columns stay categorical). For inspection and for tools outside fraudkit: inside fraudkit,
// put the sampler in the pipeline (train --sampler, cv --pipeline) so it only sees training rows.
#include <chrono>
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "fraudkit/error.h"
#include "fraudkit/resample_dataset.h"
#include "fraudkit/sampler.h"

namespace fraudkit::cli {

namespace {

struct ResampleFlags {
  DataFlags data;
  std::string method;
  int k = -1;
  std::string strategy;
  std::vector<std::string> params;
  uint64_t seed = 42;
  std::string out;
  bool json = false;
};

// --k sets the neighbour count the method is known by: k_neighbors (SMOTE family) or
// n_neighbors (ADASYN, ENN, NearMiss), as peer.py's --k does.
nlohmann::json sampler_params(const ResampleFlags& f) {
  nlohmann::json p = parse_name_values(f.params, "--param");
  const nlohmann::json defaults = make_sampler(f.method, nlohmann::json::object())->params_to_json();
  if (f.k != -1) {
    if (defaults.contains("k_neighbors")) p["k_neighbors"] = f.k;
    else if (defaults.contains("n_neighbors")) p["n_neighbors"] = f.k;
    else throw UsageError("--k: sampler '" + f.method + "' uses no neighbours (parameters: " + defaults.dump() + ")");
  }
  if (!f.strategy.empty()) {
    if (!defaults.contains("sampling_strategy"))
      throw UsageError("--strategy: sampler '" + f.method + "' has no sampling_strategy");
    p["sampling_strategy"] = f.strategy;
  }
  return p;
}

}  // namespace

CommandRunner register_resample(CLI::App& root) {
  auto f = std::make_shared<ResampleFlags>();
  CLI::App* cmd = root.add_subcommand(
      "resample", "resample a labelled CSV with an imbalanced-learn sampler and write the result");
  f->data.add_to(cmd, /*target_required=*/true);
  std::string methods = "sampler; known:";
  for (const SamplerInfo& s : registered_samplers()) methods += "\n  " + s.name + ": " + s.description + "\n" + s.params_help;
  cmd->add_option("--method", f->method, methods)->required();
  cmd->add_option("--k", f->k, "neighbours: k_neighbors (SMOTE family) or n_neighbors (ADASYN, ENN, NearMiss)");
  cmd->add_option("--strategy", f->strategy,
                  "sampling_strategy: auto | minority | majority | not minority | not majority | all | "
                  "ratio in (0,1] | 0:N0,1:N1");
  cmd->add_option("--param", f->params, "sampler parameter NAME=VALUE (repeatable), e.g. --param shrinkage=0.5");
  cmd->add_option("--seed", f->seed, "random_state of the sampler")->capture_default_str();
  cmd->add_option("--out", f->out, "CSV to write (written atomically)")->required();
  cmd->add_flag("--json", f->json, "print the sampler's report as JSON");

  return [f] {
    // Flags are checked before the data is read.
    const auto sampler = make_sampler(f->method, sampler_params(*f));
    RunContext ctx = make_context(f->seed);
    ctx.report("reading " + f->data.path);
    const CsvData csv = read_csv(f->data.path, f->data.csv_options());
    ctx.report("resampling with " + f->method);
    const auto t0 = std::chrono::steady_clock::now();
    const DatasetResampling res = resample_dataset(csv.data, csv.data.all_rows(), *sampler, ctx);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ctx.report("writing " + f->out);
    write_csv(res.data, f->out);
    end_progress();

    nlohmann::json report = res.report;
    report["method"] = f->method;
    report["params"] = sampler->params_to_json();
    report["seed"] = f->seed;
    report["seconds"] = seconds;
    report["out"] = f->out;
    if (f->json) {
      std::cout << report.dump() << "\n";
      return 0;
    }
    std::cout << f->method << ": " << report.value("rows_in", 0) << " rows (" << report.value("positives_in", 0)
              << " positive) -> " << report.value("rows_out", 0) << " rows (" << report.value("positives_out", 0)
              << " positive); kept " << report.value("kept", 0) << ", created " << report.value("created", 0)
              << ", " << seconds << " s\nwritten to " << f->out << "\n";
    return 0;
  };
}

}  // namespace fraudkit::cli
