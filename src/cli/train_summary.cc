#include "cli/train_summary.h"

#include <iomanip>
#include <ostream>
#include <sstream>

#include "cli/cli_common.h"

namespace fraudkit::cli {

namespace {
std::string part(const nlohmann::json& p) {
  std::ostringstream s;
  s << p.at("rows").get<int64_t>() << " rows, " << p.at("positives").get<int64_t>() << " positive ("
    << std::fixed << std::setprecision(2) << 100.0 * p.at("prevalence").get<double>() << "%)";
  return s.str();
}
}  // namespace

void print_train_summary(std::ostream& out, const nlohmann::json& r) {
  const auto& d = r.at("data");
  out << "data         " << (d.at("source").get<std::string>().empty() ? "<generated>" : d.at("source").get<std::string>())
      << ": " << part(d.at("all")) << ", " << d.at("features") << " feature columns\n"
      << "  train      " << part(d.at("train")) << "  (fit here)\n"
      << "  validation " << part(d.at("validation")) << "  (threshold tuned here)\n"
      << "  test       " << part(d.at("test")) << "  (scored once)\n";
  const auto& m = r.at("model");
  const auto& fit = m.at("fit_report");
  out << "model        " << m.at("type").get<std::string>() << ", class_weight "
      << m.at("class_weight").get<std::string>() << ", fit in " << std::fixed << std::setprecision(3)
      << m.at("fit_seconds").get<double>() << " s";
  if (fit.contains("iterations"))
    out << " (" << fit.value("solver", std::string("solver")) << ", " << fit.at("iterations") << " iterations, "
        << (fit.value("converged", false) ? "converged" : "NOT converged") << ")";
  out << "\n";
  const auto& t = r.at("threshold");
  out << "threshold    " << std::setprecision(6) << t.at("threshold").get<double>() << " chosen by policy '"
      << t.at("policy").get<std::string>() << "' on validation";
  if (!t.value("feasible", true)) out << " (target NOT reachable: fallback)";
  out << "\n";
  if (t.contains("note") && !t.at("note").get<std::string>().empty())
    out << "             " << t.at("note").get<std::string>() << "\n";
  if (t.contains("bayes_threshold"))
    out << "             Bayes threshold C_FP/(C_FP+C_FN) = " << t.at("bayes_threshold").get<double>()
        << " (valid only for calibrated probabilities)\n";
  const auto& pv = r.at("preprocess").at("test");
  if (pv.at("unseen_categories").get<int64_t>() > 0)
    out << "note         " << pv.at("unseen_categories") << " test cells had categories never seen in training "
        << "(encoded as all zeros)\n";
  out << "\n";
  print_metrics_table(out, {{"validation", r.at("validation")}, {"test (frozen threshold)", r.at("test")}});
}

void print_selection_table(std::ostream& out, const nlohmann::json& selection) {
  const nlohmann::json& rows = selection.at("candidates");
  const auto number = [](const nlohmann::json& v, int digits) {
    std::ostringstream s;
    if (v.is_null()) s << "-";
    else s << std::fixed << std::setprecision(digits) << v.get<double>();
    return s.str();
  };
  const double beta = rows.empty() ? 1.0 : rows.front().at("validation").at("beta").get<double>();
  std::ostringstream fbeta;
  fbeta << "F" << beta;
  out << "model selection: " << rows.size() << " candidates, ranked by " << selection.at("ranked_by").get<std::string>()
      << "\n";
  out << std::left << std::setw(5) << "rank" << std::setw(18) << "candidate" << std::right << std::setw(9) << "val AP"
      << std::setw(9) << "ROC-AUC" << std::setw(8) << "MCC" << std::setw(8) << fbeta.str() << std::setw(11)
      << "threshold" << std::setw(9) << "fit s" << std::setw(10) << "us/row" << std::setw(10) << "test AP" << "\n";
  for (const nlohmann::json& r : rows) {
    const nlohmann::json& v = r.at("validation");
    out << std::left << std::setw(5) << r.at("rank").get<int>() << std::setw(18) << r.at("label").get<std::string>()
        << std::right << std::setw(9) << number(v.at("average_precision"), 4) << std::setw(9)
        << number(v.at("roc_auc"), 4) << std::setw(8) << number(v.at("mcc"), 4) << std::setw(8)
        << number(v.at("f_beta"), 4) << std::setw(11) << number(r.at("threshold"), 6) << std::setw(9)
        << number(r.at("fit_seconds"), 3) << std::setw(10) << number(r.at("scoring_us_per_row"), 3) << std::setw(10)
        << number(r.at("test_not_used_for_the_choice").at("average_precision"), 4)
        << (r.at("label") == selection.at("winner") ? "  <- shipped" : "") << "\n";
  }
  out << "(test AP is shown for information: the test part was scored once per candidate and not used to choose)\n\n";
}

}  // namespace fraudkit::cli
