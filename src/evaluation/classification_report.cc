// scikit-learn's classification_report(y_true, y_pred, labels=[0, 1], zero_division=0) for a
// binary confusion matrix: per-class rows for "0" and "1", then accuracy (or "micro avg"),
// macro and weighted averages; as a dict (output_dict=True) or its text table (digits=2).
#include <cstdio>
#include <string>

#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit {

namespace {

struct Row {
  std::string name;
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;
};

double ratio_or_zero(double num, double den) { return den == 0 ? 0.0 : num / den; }

// F1 from the rounded precision and recall, exactly as scikit-learn combines them.
double f1_of(double p, double r) {
  const double denominator = p + r;
  return 2 * p * r / (denominator == 0.0 ? 1.0 : denominator);
}

Row class_row(const char* name, int64_t hit, int64_t false_alarm, int64_t miss) {
  Row row{name};
  row.precision = ratio_or_zero(static_cast<double>(hit), static_cast<double>(hit + false_alarm));
  row.recall = ratio_or_zero(static_cast<double>(hit), static_cast<double>(hit + miss));
  row.f1 = f1_of(row.precision, row.recall);
  row.support = hit + miss;
  return row;
}

struct Report {
  Row negative, positive, micro, macro, weighted;
  bool float_supports = false;  // see support_text
  // scikit-learn labels the micro average "accuracy" only when the requested labels [0, 1]
  // are exactly the labels present in y_true and y_pred; otherwise it prints "micro avg".
  bool micro_is_accuracy = true;
};

Report make_report(const Confusion& c) {
  if (c.total() == 0) throw UsageError("classification_report: the confusion matrix is empty");
  if (c.tp < 0 || c.fp < 0 || c.tn < 0 || c.fn < 0)
    throw UsageError("classification_report: negative count in the confusion matrix");
  Report r;
  // Class 0 is "positive" for its own row: its hits are TN, false alarms FN, misses FP.
  r.negative = class_row("0", c.tn, c.fn, c.fp);
  r.positive = class_row("1", c.tp, c.fp, c.fn);
  const int64_t n = c.total();
  const bool zero_present = c.tn + c.fp + c.fn > 0, one_present = c.tp + c.fn + c.fp > 0;
  r.micro_is_accuracy = zero_present && one_present;
  r.float_supports = c.tp + c.tn == 0;

  r.micro.name = r.micro_is_accuracy ? "accuracy" : "micro avg";
  r.micro.precision = r.micro.recall = static_cast<double>(c.tp + c.tn) / static_cast<double>(n);
  r.micro.f1 = f1_of(r.micro.precision, r.micro.recall);
  r.micro.support = n;

  r.macro.name = "macro avg";
  r.macro.precision = (r.negative.precision + r.positive.precision) / 2;
  r.macro.recall = (r.negative.recall + r.positive.recall) / 2;
  r.macro.f1 = (r.negative.f1 + r.positive.f1) / 2;
  r.macro.support = n;

  r.weighted.name = "weighted avg";
  const auto w0 = static_cast<double>(r.negative.support), w1 = static_cast<double>(r.positive.support);
  auto weigh = [&](double v0, double v1) { return (v0 * w0 + v1 * w1) / (w0 + w1); };
  r.weighted.precision = weigh(r.negative.precision, r.positive.precision);
  r.weighted.recall = weigh(r.negative.recall, r.positive.recall);
  r.weighted.f1 = weigh(r.negative.f1, r.positive.f1);
  r.weighted.support = n;
  return r;
}

nlohmann::json row_json(const Row& row) {
  return {{"precision", row.precision}, {"recall", row.recall}, {"f1-score", row.f1},
          {"support", row.support}};
}

// scikit-learn's supports are integers, except when no row is classified correctly: its
// confusion counting then falls back to float zeros and the table prints "2.0". The text
// mimics that so the two tables are identical; the JSON keeps integers.
std::string support_text(int64_t support, bool float_supports) {
  return std::to_string(support) + (float_supports ? ".0" : "");
}

std::string format_row(const Row& row, bool float_supports) {
  char line[160];
  std::snprintf(line, sizeof line, "%12s  %9.2f %9.2f %9.2f %9s\n", row.name.c_str(), row.precision,
                row.recall, row.f1, support_text(row.support, float_supports).c_str());
  return line;
}

}  // namespace

nlohmann::json classification_report(const Confusion& c) {
  const Report r = make_report(c);
  nlohmann::json j;
  j["0"] = row_json(r.negative);
  j["1"] = row_json(r.positive);
  if (r.micro_is_accuracy) j["accuracy"] = r.micro.precision;
  else j["micro avg"] = row_json(r.micro);
  j["macro avg"] = row_json(r.macro);
  j["weighted avg"] = row_json(r.weighted);
  return j;
}

std::string classification_report_text(const Confusion& c) {
  const Report r = make_report(c);
  // Column layout of scikit-learn's table: names right-aligned to the width of
  // "weighted avg" (12), then four 9-wide columns each preceded by one space.
  char header[128];
  std::snprintf(header, sizeof header, "%12s  %9s %9s %9s %9s\n\n", "", "precision", "recall",
                "f1-score", "support");
  std::string text = header;
  const bool f = r.float_supports;
  text += format_row(r.negative, f);
  text += format_row(r.positive, f);
  text += "\n";
  if (r.micro_is_accuracy) {
    char line[128];
    std::snprintf(line, sizeof line, "%12s  %9s %9s %9.2f %9s\n", "accuracy", "", "", r.micro.f1,
                  support_text(r.micro.support, f).c_str());
    text += line;
  } else {
    text += format_row(r.micro, f);
  }
  text += format_row(r.macro, f);
  text += format_row(r.weighted, f);
  return text;
}

}  // namespace fraudkit
