// fraudkit predict --model M --data F --out scores.csv [--id COL]
// One row out per row in, same order: [id,] score, decision (1 = flag for review)
// [, reason_k, contribution_k for k = 1..K with --explain K].
#include <charconv>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "fraudkit/artifact.h"
#include "fraudkit/atomic_file.h"

namespace fraudkit::cli {

namespace {
struct PredictFlags {
  std::string model, data, out, id;
  std::vector<std::string> drop;
  int explain = 0;  // reason codes per row
};

// CSV-quotes a pass-through id when it needs it.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
}  // namespace

CommandRunner register_predict(CLI::App& root) {
  auto f = std::make_shared<PredictFlags>();
  CLI::App* cmd = root.add_subcommand("predict", "score new rows with a saved model: probability and decision per row");
  cmd->add_option("--model", f->model, "model artifact written by train")->required();
  cmd->add_option("--data", f->data, "CSV with the training columns (a label column, if present, is ignored)")->required();
  cmd->add_option("--out", f->out, "output CSV: [id,]score,decision")->required();
  cmd->add_option("--id", f->id, "id column to copy to the output (never a feature)");
  cmd->add_option("--drop", f->drop, "columns to ignore (comma-separated)")->delimiter(',');
  cmd->add_option("--explain", f->explain,
                  "add the K features contributing most to each score: reason_1,contribution_1,... "
                  "(log-odds for logistic regression and gradient boosting, probability for random forest)")
      ->check(CLI::Range(1, 1000));

  return [f] {
    const Model model = load_model(f->model);
    // Columns are matched to the model by name, so extra columns (a label, notes) are ignored.
    CsvOptions o = model.csv_options(/*with_target=*/false);
    o.id_column = f->id;
    o.drop_columns = f->drop;
    const CsvData csv = read_csv(f->data, o);
    TransformStats stats;
    const std::vector<double> scores = model.score(csv.data, csv.data.all_rows(), &stats);
    std::vector<std::vector<Reason>> reasons;
    if (f->explain > 0) reasons = model.explain(csv.data, csv.data.all_rows(), f->explain);
    // Fewer features than asked: as many reason columns as there are features.
    const size_t reason_columns = reasons.empty() ? 0 : reasons.front().size();

    AtomicFile out(f->out);
    std::string buf = (f->id.empty() ? "" : csv_field(f->id) + ",") + "score,decision";
    for (size_t k = 1; k <= reason_columns; ++k)
      buf += ",reason_" + std::to_string(k) + ",contribution_" + std::to_string(k);
    buf += "\n";
    size_t flagged = 0;
    char num[32];
    for (size_t i = 0; i < scores.size(); ++i) {
      if (!f->id.empty()) buf += csv_field(csv.ids[i]) + ",";
      const auto r = std::to_chars(num, num + sizeof num, scores[i]);  // shortest round-trip
      buf.append(num, r.ptr);
      const bool flag = scores[i] >= model.threshold;
      flagged += flag;
      buf += flag ? ",1" : ",0";
      for (size_t k = 0; k < reason_columns; ++k) {
        buf += "," + csv_field(reasons[i][k].feature) + ",";
        const auto c = std::to_chars(num, num + sizeof num, reasons[i][k].contribution);
        buf.append(num, c.ptr);
      }
      buf += "\n";
      if (buf.size() > (1 << 20)) {
        out.write(buf);
        buf.clear();
      }
    }
    out.write(buf);
    out.commit();
    std::cout << "scored " << scores.size() << " rows, flagged " << flagged << " (threshold "
              << model.threshold << "), wrote " << f->out << "\n";
    if (stats.unseen_categories > 0)
      std::cout << "note: " << stats.unseen_categories << " cells had categories never seen in training\n";
    return 0;
  };
}

}  // namespace fraudkit::cli
