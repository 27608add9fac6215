// fraudkit cv --data F --target T --pipeline "scale,smote,logreg" [--folds 5] [--repeats 1]
// Stratified (repeated) k-fold cross-validation of a whole pipeline; the sampler and every
// transformer are fitted inside each training part, the threshold is tuned on a slice of it.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "fraudkit/cross_validation.h"
#include "fraudkit/error.h"
#include "fraudkit/pipeline_spec.h"
#include "fraudkit/sampler.h"

namespace fraudkit::cli {

namespace {

struct CvFlags {
  DataFlags data;
  ReportFlags report;
  std::string pipeline = "scale,logreg";
  std::vector<std::string> params, sampler_params;
  std::string class_weight;
  std::string threshold = "f1";
  CvOptions cv;
  uint64_t seed = 42;
  bool show_leak = false, json = false;
  std::string report_path;
};

std::string fixed(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string num(const nlohmann::json& v, int digits = 4) { return v.is_number() ? fixed(v.get<double>(), digits) : "n/a"; }

void print_cv(std::ostream& out, const nlohmann::json& r, const std::string& title) {
  const double beta = r["options"]["beta"].get<double>();
  const std::string fb = "F" + fixed(beta, beta == static_cast<int>(beta) ? 0 : 2);
  out << title << "\n";
  out << std::left << std::setw(8) << "repeat" << std::setw(6) << "fold" << std::right << std::setw(9) << "test"
      << std::setw(8) << "pos" << std::setw(10) << "AP" << std::setw(10) << "ROC-AUC" << std::setw(10) << "MCC"
      << std::setw(10) << fb << std::setw(12) << "threshold" << "\n";
  for (const auto& f : r["folds"])
    out << std::left << std::setw(8) << f["repeat"].get<int>() + 1 << std::setw(6) << f["fold"].get<int>() + 1
        << std::right << std::setw(9) << f["test_rows"].get<int64_t>() << std::setw(8)
        << f["test_positives"].get<int64_t>() << std::setw(10) << num(f["average_precision"]) << std::setw(10)
        << num(f["roc_auc"]) << std::setw(10) << num(f["mcc"]) << std::setw(10) << num(f["f_beta"])
        << std::setw(12) << num(f["threshold"], 6) << "\n";
  const auto& s = r["summary"];
  auto ms = [&](const char* k) {
    if (!s.contains(k)) return std::string("n/a");
    return fixed(s[k]["mean"].get<double>()) + " ± " + fixed(s[k]["std"].get<double>());
  };
  out << "mean ± std over " << r["folds"].size() << " folds: AP " << ms("average_precision") << ", ROC-AUC "
      << ms("roc_auc") << ", MCC " << ms("mcc") << ", " << fb << " " << ms("f_beta") << "\n";
}

}  // namespace

CommandRunner register_cv(CLI::App& root) {
  auto f = std::make_shared<CvFlags>();
  CLI::App* cmd = root.add_subcommand(
      "cv", "stratified k-fold cross-validation of a pipeline, resampling inside each training part only");
  f->data.add_to(cmd, /*target_required=*/true);
  cmd->add_option("--pipeline", f->pipeline,
                  "steps, comma-separated: transformers (impute, onehot, scale, indicator), at most one "
                  "sampler (smote, adasyn, tomek, ...), then the classifier (logreg, logreg_balanced, ...)")
      ->capture_default_str();
  cmd->add_option("--param", f->params, "classifier parameter NAME=VALUE (repeatable)");
  cmd->add_option("--sampler-param", f->sampler_params, "sampler parameter NAME=VALUE (repeatable)");
  cmd->add_option("--class-weight", f->class_weight, "none | balanced | 0:W0,1:W1 (overrides logreg_balanced)");
  cmd->add_option("--threshold", f->threshold,
                  "threshold policy tuned on each training part's held-out slice: f1 | fbeta:B | "
                  "cost:C_FP:C_FN | capacity:K/N | precision:P | recall:R")
      ->capture_default_str();
  cmd->add_option("--folds", f->cv.folds, "k of the stratified k-fold")->capture_default_str();
  cmd->add_option("--repeats", f->cv.repeats, "repetitions with fresh shuffles")->capture_default_str();
  cmd->add_option("--inner-folds", f->cv.inner_folds,
                  "the threshold is tuned on 1/N of each training part")
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "seed of the fold shuffles, the sampler and the model")->capture_default_str();
  cmd->add_flag("--show-leak", f->show_leak,
                "also run the leaky way (sampler applied to all rows before the folds) and print both");
  f->report.add_to(cmd);
  cmd->add_option("--report", f->report_path, "write the JSON result to this file");
  cmd->add_flag("--json", f->json, "print the JSON result instead of the tables");

  return [f] {
    TrainOptions o;
    apply_pipeline_spec(f->pipeline, o);
    o.model_params = parse_name_values(f->params, "--param");
    o.sampler_params = parse_name_values(f->sampler_params, "--sampler-param");
    if (!f->class_weight.empty()) o.class_weight = ClassWeight::parse(f->class_weight);
    o.policy = ThresholdPolicy::parse(f->threshold);
    o.report_beta = o.policy.kind == ThresholdPolicyKind::kFbeta ? o.policy.beta : f->report.beta;
    o.cost = f->report.cost_matrix();
    o.review_k = f->report.k;
    make_classifier(o.model, o.model_params);
    if (!o.sampler.empty()) make_sampler(o.sampler, o.sampler_params);
    if (f->show_leak && o.sampler.empty())
      throw UsageError("--show-leak needs a sampler in --pipeline, e.g. scale,smote,logreg");
    if (f->cv.folds < 2 || f->cv.repeats < 1 || f->cv.inner_folds < 2)
      throw UsageError("--folds and --inner-folds must be at least 2, --repeats at least 1");

    RunContext ctx = make_context(f->seed);
    ctx.report("reading " + f->data.path);
    const CsvData csv = read_csv(f->data.path, f->data.csv_options());
    nlohmann::json result = f->show_leak ? leakage_demonstration(csv.data, o, f->cv, ctx)
                                         : cross_validate(csv.data, o, f->cv, ctx);
    end_progress();
    result["pipeline_text"] = describe_pipeline(o);
    if (!f->report_path.empty()) write_json_file(f->report_path, result);
    if (f->json) {
      std::cout << result.dump() << "\n";
      return 0;
    }
    std::cout << "pipeline: " << describe_pipeline(o) << ", class weight " << o.class_weight.spec()
              << ", threshold policy " << o.policy.spec() << "\n";
    if (!f->show_leak) {
      print_cv(std::cout, result, "cross-validation (sampler and transformers fitted inside each training part)");
      return 0;
    }
    print_cv(std::cout, result["honest"], "HONEST: " + o.sampler + " inside the pipeline, fitted on each training part");
    std::cout << "\n";
    print_cv(std::cout, result["leaky"],
             "LEAKY (do not report): " + o.sampler + " applied to all " + std::to_string(csv.data.rows()) +
                 " rows before splitting (" + std::to_string(result["leaky_rows"].get<size_t>()) + " rows after)");
    std::cout << "\nleakage inflates mean AP by " << fixed(result["average_precision_gap"].get<double>())
              << ": test folds of the leaky run contain synthetic rows interpolated from training rows.\n";
    return 0;
  };
}

}  // namespace fraudkit::cli
