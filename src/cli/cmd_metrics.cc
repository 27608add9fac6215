// fraudkit metrics --scores F --label COL --score COL [--threshold T] [--json]
// Every metric for scores produced anywhere, with the same definitions as train/evaluate.
#include <cmath>
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "fraudkit/error.h"

namespace fraudkit::cli {

namespace {
struct MetricsFlags {
  std::string scores, label = "label", score = "score";
  double threshold = 0.5;
  bool json = false;
  ReportFlags report;
};
}  // namespace

CommandRunner register_metrics(CLI::App& root) {
  auto f = std::make_shared<MetricsFlags>();
  CLI::App* cmd = root.add_subcommand("metrics", "evaluate any model's scores: PR-AUC, ROC-AUC, MCC, F-beta, cost, ...");
  cmd->add_option("--scores", f->scores, "CSV with a 0/1 label column and a score column")->required();
  cmd->add_option("--label", f->label, "label column")->capture_default_str();
  cmd->add_option("--score", f->score, "score column (higher = more suspicious)")->capture_default_str();
  cmd->add_option("--threshold", f->threshold, "flag rows with score >= threshold")->capture_default_str();
  cmd->add_flag("--json", f->json, "print one JSON object instead of a table");
  f->report.add_to(cmd);

  return [f] {
    MetricOptions m;  // flags first: a bad flag fails before any file is read
    m.threshold = f->threshold;
    m.beta = f->report.beta;
    m.cost = f->report.cost_matrix();
    m.k = f->report.k;
    CsvOptions o;
    o.target = f->label;
    o.allow_single_class = true;
    o.declared_types[f->score] = ColumnType::kNumeric;
    const CsvData csv = read_csv(f->scores, o);
    const int col = csv.data.find_column(f->score);
    if (col < 0) throw DataError("'" + f->scores + "' has no score column '" + f->score + "'");
    const std::vector<double>& s = csv.data.columns[static_cast<size_t>(col)].values;
    for (size_t i = 0; i < s.size(); ++i)
      if (std::isnan(s[i]))
        throw DataError("'" + f->scores + "' line " + std::to_string(i + 2) + ", column '" + f->score +
                        "': missing score; every row needs a number");
    const nlohmann::json result = all_metrics(csv.data.target, s, m);
    if (f->json) {
      std::cout << result.dump() << "\n";
    } else {
      print_metrics_table(std::cout, {{f->score, result}});
      std::cout << "\n" << classification_report_text(Confusion{
          result["confusion"]["tp"].get<int64_t>(), result["confusion"]["fp"].get<int64_t>(),
          result["confusion"]["tn"].get<int64_t>(), result["confusion"]["fn"].get<int64_t>()});
    }
    return 0;
  };
}

}  // namespace fraudkit::cli
