#pragma once
// Pieces every sub-command shares: the data-reading flags, progress on stderr, metric tables.
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "fraudkit/csv.h"
#include "fraudkit/metrics.h"
#include "fraudkit/run_context.h"

namespace fraudkit::cli {

// Flags describing how to read a labelled CSV (train / cv): --data --target --positive
// --categorical --sample-weight --id --drop.
struct DataFlags {
  std::string path;
  std::string target;
  std::string positive;
  std::vector<std::string> categorical;
  std::string sample_weight;
  std::string id;
  std::vector<std::string> drop;

  void add_to(CLI::App* app, bool target_required);
  CsvOptions csv_options() const;
};

// Flags for the numbers reported beside the tuned threshold: --beta --cost --k.
struct ReportFlags {
  double beta = 2.0;
  std::string cost = "1:1";
  int64_t k = -1;
  void add_to(CLI::App* app);
  CostMatrix cost_matrix() const;  // parses FP:FN[:TP:TN]
};

// A RunContext whose progress goes to stderr, only when stderr is a terminal.
RunContext make_context(uint64_t seed);
// Ends a progress line started by the context (no-op when stderr is not a terminal).
void end_progress();

// A metrics table with one column per named result (e.g. validation, test), as printed by
// train / evaluate / metrics.
void print_metrics_table(std::ostream& out,
                         const std::vector<std::pair<std::string, nlohmann::json>>& columns);

// NAME=VALUE items of a repeatable flag (--param, --sampler-param) as a JSON object; values
// that parse as JSON (numbers, true/false) keep that type, others are strings.
nlohmann::json parse_name_values(const std::vector<std::string>& items, const std::string& flag);

// Writes `j` to `path` atomically, pretty-printed.
void write_json_file(const std::string& path, const nlohmann::json& j);

}  // namespace fraudkit::cli
