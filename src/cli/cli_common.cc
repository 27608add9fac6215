#include "cli/cli_common.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "fraudkit/atomic_file.h"
#include "fraudkit/error.h"
#include "fraudkit/threshold.h"

namespace fraudkit::cli {

void DataFlags::add_to(CLI::App* app, bool target_required) {
  app->add_option("--data", path, "CSV file (.csv or .csv.gz), header row required")->required();
  auto* t = app->add_option("--target", target, "name of the 0/1 label column");
  if (target_required) t->required();
  app->add_option("--positive", positive,
                  "text of the positive class when labels are not 0/1 or true/false");
  app->add_option("--categorical", categorical, "columns to read as categorical (comma-separated)")
      ->delimiter(',');
  app->add_option("--sample-weight", sample_weight,
                  "numeric column of per-row weights (e.g. transaction value)");
  app->add_option("--id", id, "id column: passed through, never a feature");
  app->add_option("--drop", drop, "columns to ignore (comma-separated)")->delimiter(',');
}

CsvOptions DataFlags::csv_options() const {
  CsvOptions o;
  o.target = target;
  o.positive = positive;
  o.weight_column = sample_weight;
  o.id_column = id;
  o.drop_columns = drop;
  for (const std::string& c : categorical) o.declared_types[c] = ColumnType::kCategorical;
  return o;
}

void ReportFlags::add_to(CLI::App* app) {
  app->add_option("--beta", beta, "beta of the F-beta score reported beside F1")->capture_default_str();
  app->add_option("--cost", cost, "cost matrix for the expected cost: C_FP:C_FN[:C_TP:C_TN]")
      ->capture_default_str();
  app->add_option("--k", k, "review capacity for precision@k / recall@k (default: positives)");
}

CostMatrix ReportFlags::cost_matrix() const {
  // One parser and one validity rule for cost matrices: the cost threshold policy's.
  try {
    return ThresholdPolicy::parse("cost:" + cost).cost;
  } catch (const UsageError& e) {
    throw UsageError("--cost '" + cost + "': expected C_FP:C_FN or C_FP:C_FN:C_TP:C_TN (" + e.what() + ")");
  }
}

namespace {
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }
bool progress_open = false;
}  // namespace

RunContext make_context(uint64_t seed) {
  RunContext ctx;
  ctx.seed = seed;
  if (stderr_is_terminal()) {
    ctx.progress = [](std::string_view stage) {
      std::fprintf(stderr, "\r\033[K  ... %.*s", static_cast<int>(stage.size()), stage.data());
      std::fflush(stderr);
      progress_open = true;
    };
  }
  return ctx;
}

void end_progress() {
  if (progress_open) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    progress_open = false;
  }
}

namespace {

std::string number(const nlohmann::json& v, int digits = 4) {
  if (v.is_null()) return "n/a";
  if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<int64_t>());
  const double d = v.get<double>();
  if (std::isnan(d)) return "n/a";
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << d;
  return s.str();
}

}  // namespace

void print_metrics_table(std::ostream& out,
                         const std::vector<std::pair<std::string, nlohmann::json>>& columns) {
  struct Row {
    std::string label;
    std::function<std::string(const nlohmann::json&)> cell;
  };
  const auto field = [](const char* key, int digits = 4) {
    return [key, digits](const nlohmann::json& m) { return number(m.value(key, nlohmann::json()), digits); };
  };
  const auto confusion = [](const char* key) {
    return [key](const nlohmann::json& m) { return number(m.at("confusion").at(key)); };
  };
  const std::vector<Row> rows = {
      {"rows (positives)", [](const nlohmann::json& m) {
         return number(m.at("n")) + " (" + number(m.at("positives")) + ")";
       }},
      {"PR-AUC (average precision)", field("average_precision")},
      {"ROC-AUC", field("roc_auc")},
      {"threshold (flag if score >=)", field("threshold", 6)},
      {"precision", field("precision")},
      {"recall", field("recall")},
      {"F1", field("f1")},
      {"F-beta", [](const nlohmann::json& m) {
         return number(m.at("f_beta")) + " (beta " + number(m.at("beta"), 1) + ")";
       }},
      {"MCC", field("mcc")},
      {"balanced accuracy", field("balanced_accuracy")},
      {"TP / FP", [&](const nlohmann::json& m) { return confusion("tp")(m) + " / " + confusion("fp")(m); }},
      {"FN / TN", [&](const nlohmann::json& m) { return confusion("fn")(m) + " / " + confusion("tn")(m); }},
      {"expected cost (total)", field("expected_cost", 2)},
      {"precision@k (k)", [](const nlohmann::json& m) {
         return number(m.at("precision_at_k")) + " (" + number(m.at("k")) + ")";
       }},
      {"log-loss", field("log_loss")},
      {"Brier score", field("brier")},
  };
  size_t label_width = 0;
  for (const Row& r : rows) label_width = std::max(label_width, r.label.size());
  size_t col_width = 16;
  for (const auto& c : columns) col_width = std::max(col_width, c.first.size() + 3);
  for (const auto& c : columns)
    for (const Row& r : rows) col_width = std::max(col_width, r.cell(c.second).size() + 3);
  out << std::left << std::setw(static_cast<int>(label_width + 2)) << "";
  for (const auto& c : columns) out << std::right << std::setw(static_cast<int>(col_width)) << c.first;
  out << "\n";
  for (const Row& r : rows) {
    out << std::left << std::setw(static_cast<int>(label_width + 2)) << r.label;
    for (const auto& c : columns) out << std::right << std::setw(static_cast<int>(col_width)) << r.cell(c.second);
    out << "\n";
  }
}

void write_json_file(const std::string& path, const nlohmann::json& j) {
  write_file_atomically(path, j.dump(2) + "\n");
}

nlohmann::json parse_name_values(const std::vector<std::string>& items, const std::string& flag) {
  nlohmann::json j = nlohmann::json::object();
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(flag + " '" + item + "': expected NAME=VALUE, e.g. " + flag + " C=0.5");
    const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    try {
      j[name] = nlohmann::json::parse(value);
    } catch (const nlohmann::json::exception&) {
      j[name] = value;  // text parameters
    }
  }
  return j;
}

}  // namespace fraudkit::cli
