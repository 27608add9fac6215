// fraudkit train --data F --target T [--class-weight ...] [--threshold POLICY] --out model.fkm
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/train_summary.h"
#include "fraudkit/artifact.h"
#include "fraudkit/error.h"
#include "fraudkit/model_selection.h"
#include "fraudkit/sampler.h"
#include "fraudkit/training.h"

namespace fraudkit::cli {

namespace {

struct TrainFlags {
  DataFlags data;
  ReportFlags report;
  std::string model = "logistic_regression";
  std::string models;               // model selection: candidate list, e.g. logreg,gbdt,rf
  std::vector<std::string> params;  // NAME=VALUE model hyperparameters (LABEL.NAME with --models)
  std::string sampler;              // optional resampler fitted inside the training split
  std::vector<std::string> sampler_params;
  std::string class_weight = "none";
  std::string threshold = "f1";
  std::string split = "0.6,0.2,0.2";
  uint64_t seed = 42;
  bool no_scale = false, missing_indicator = false, json = false;
  std::string out, report_path;
};

SplitRatios parse_split(const std::string& text) {
  std::vector<double> v;
  std::stringstream s(text);
  std::string part;
  while (std::getline(s, part, ',')) {
    try {
      v.push_back(std::stod(part));
    } catch (const std::exception&) {
      v.clear();
      break;
    }
  }
  if (v.size() != 3)
    throw UsageError("--split '" + text + "': expected three fractions TRAIN,VALIDATION,TEST, e.g. 0.6,0.2,0.2");
  return {v[0], v[1], v[2]};
}

}  // namespace

CommandRunner register_train(CLI::App& root) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd = root.add_subcommand(
      "train", "split, fit on train, tune the threshold on validation, score test once, save the model");
  f->data.add_to(cmd, /*target_required=*/true);
  std::string models_help = "model type; known:";
  for (const ClassifierInfo& c : registered_classifiers())
    models_help += "\n  " + c.name + ": " + c.description + "\n" + c.params_help;
  CLI::Option* model = cmd->add_option("--model", f->model, models_help)->capture_default_str();
  std::string candidates_help =
      "train several candidates, rank them by validation AP (ties: F-beta), ship the best; comma-separated:";
  for (const auto& [label, what] : candidate_aliases()) candidates_help += "\n  " + label + ": " + what;
  candidates_help += "\n  or any --model name";
  cmd->add_option("--models", f->models, candidates_help)->excludes(model);
  cmd->add_option("--param", f->params,
                  "model hyperparameter NAME=VALUE (repeatable), e.g. --param C=0.5; with --models "
                  "LABEL.NAME=VALUE, e.g. --param gbdt.rounds=300");
  std::string samplers_help = "resampler applied to the training split only (never to validation or test); known:";
  for (const SamplerInfo& x : registered_samplers()) samplers_help += "\n  " + x.name + ": " + x.description;
  cmd->add_option("--sampler", f->sampler, samplers_help);
  cmd->add_option("--sampler-param", f->sampler_params,
                  "sampler parameter NAME=VALUE (repeatable), e.g. --sampler-param k_neighbors=3");
  cmd->add_option("--class-weight", f->class_weight, "none | balanced | 0:W0,1:W1")->capture_default_str();
  cmd->add_option("--threshold", f->threshold,
                  "threshold policy tuned on validation: f1 | fbeta:B | cost:C_FP:C_FN | capacity:K/N | "
                  "precision:P | recall:R")
      ->capture_default_str();
  cmd->add_option("--split", f->split, "train,validation,test fractions (stratified)")->capture_default_str();
  cmd->add_option("--seed", f->seed, "random seed of the split and the model")->capture_default_str();
  cmd->add_flag("--no-scale", f->no_scale, "do not standardise numeric columns");
  cmd->add_flag("--missing-indicator", f->missing_indicator, "add a 0/1 column per numeric column with missing values");
  f->report.add_to(cmd);
  cmd->add_option("--out", f->out, "model artifact to write (e.g. model.fkm)")->required();
  cmd->add_option("--report", f->report_path, "JSON report path (default: <out>.report.json)");
  cmd->add_flag("--json", f->json, "print the JSON report on stdout instead of the table");

  return [f] {
    TrainOptions o;
    o.split = parse_split(f->split);
    o.model = f->model;
    o.model_params = parse_name_values(f->params, "--param");
    o.sampler = f->sampler;
    o.sampler_params = parse_name_values(f->sampler_params, "--sampler-param");
    o.class_weight = ClassWeight::parse(f->class_weight);
    o.policy = ThresholdPolicy::parse(f->threshold);
    o.preprocess.scale = !f->no_scale;
    o.preprocess.missing_indicator = f->missing_indicator;
    o.report_beta = o.policy.kind == ThresholdPolicyKind::kFbeta ? o.policy.beta : f->report.beta;
    o.cost = f->report.cost_matrix();
    o.review_k = f->report.k;
    // Validate the model names and parameters before reading a possibly large file.
    std::vector<Candidate> candidates;
    if (!f->models.empty()) {
      o.model_params = nlohmann::json::object();
      candidates = parse_candidates(f->models, o, parse_name_values(f->params, "--param"));
    } else {
      make_classifier(o.model, o.model_params);
      if (!o.sampler.empty()) make_sampler(o.sampler, o.sampler_params);
    }

    RunContext ctx = make_context(f->seed);
    ctx.report("reading " + f->data.path);
    const CsvData csv = read_csv(f->data.path, f->data.csv_options());
    TrainOutcome result = candidates.empty() ? train_model(csv.data, o, ctx) : select_model(csv.data, candidates, ctx);
    end_progress();

    const std::string report_path = f->report_path.empty() ? f->out + ".report.json" : f->report_path;
    save_model(result.model, f->out);
    write_json_file(report_path, result.report);
    if (f->json) {
      std::cout << result.report.dump() << "\n";
    } else {
      if (result.report.contains("selection")) print_selection_table(std::cout, result.report.at("selection"));
      print_train_summary(std::cout, result.report);
      std::cout << "\nmodel written to " << f->out << ", report to " << report_path << "\n";
    }
    return 0;
  };
}

}  // namespace fraudkit::cli
