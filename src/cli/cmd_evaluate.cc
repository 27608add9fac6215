// fraudkit evaluate --model M --data F [--json]: metrics of a saved model at its frozen threshold.
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "fraudkit/artifact.h"
#include "fraudkit/training.h"

namespace fraudkit::cli {

namespace {
struct EvaluateFlags {
  std::string model, data, id;
  std::vector<std::string> drop;
  ReportFlags report;
  bool json = false;
};
}  // namespace

CommandRunner register_evaluate(CLI::App& root) {
  auto f = std::make_shared<EvaluateFlags>();
  CLI::App* cmd = root.add_subcommand("evaluate", "metrics of a saved model on labelled data, at its frozen threshold");
  cmd->add_option("--model", f->model, "model artifact written by train")->required();
  cmd->add_option("--data", f->data, "labelled CSV with the training columns and label column")->required();
  cmd->add_option("--id", f->id, "id column to ignore");
  cmd->add_option("--drop", f->drop, "columns to ignore (comma-separated)")->delimiter(',');
  f->report.add_to(cmd);
  cmd->add_flag("--json", f->json, "print one JSON object instead of a table");

  return [f] {
    MetricOptions m;  // flags first: a bad flag fails before any file is read
    m.beta = f->report.beta;
    m.cost = f->report.cost_matrix();
    m.k = f->report.k;
    const Model model = load_model(f->model);
    CsvOptions o = model.csv_options(/*with_target=*/true);
    o.id_column = f->id;
    o.drop_columns = f->drop;
    const CsvData csv = read_csv(f->data, o);
    const nlohmann::json result = evaluate_model(model, csv.data, m);
    if (f->json) {
      std::cout << result.dump() << "\n";
    } else {
      std::cout << "model " << f->model << " (policy '" << model.policy.spec() << "', threshold "
                << model.threshold << ") on " << f->data << "\n\n";
      print_metrics_table(std::cout, {{"evaluation", result}});
      const auto& pre = result.at("preprocess");
      if (pre.at("unseen_categories").get<int64_t>() > 0)
        std::cout << "\nnote: " << pre.at("unseen_categories") << " cells had categories never seen in training\n";
    }
    return 0;
  };
}

}  // namespace fraudkit::cli
