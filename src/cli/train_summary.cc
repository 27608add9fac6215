#include "cli/train_summary.h"

#include <iomanip>
#include <ostream>

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

}  // namespace fraudkit::cli
