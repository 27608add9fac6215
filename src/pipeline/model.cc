#include "fraudkit/model.h"

#include <algorithm>
#include <cmath>

#include "fraudkit/error.h"

namespace fraudkit {

std::vector<double> Model::score(const Dataset& data, std::span<const uint32_t> rows,
                                 TransformStats* stats) const {
  if (!classifier) throw Error(ErrorKind::kInternal, "model has no classifier");
  const Eigen::MatrixXd X = preprocess.transform(data, rows, stats);
  const Eigen::VectorXd p = classifier->predict_proba(X);
  return std::vector<double>(p.data(), p.data() + p.size());
}

std::vector<std::vector<Reason>> Model::explain(const Dataset& data, std::span<const uint32_t> rows, int top_k) const {
  if (!classifier) throw Error(ErrorKind::kInternal, "model has no classifier");
  if (top_k < 1) throw UsageError("explanations need at least one reason per row, got " + std::to_string(top_k));
  const Eigen::MatrixXd X = preprocess.transform(data, rows);
  const Eigen::MatrixXd c = classifier->contributions(X);
  const std::vector<std::string> names = preprocess.output_names();
  std::vector<std::vector<Reason>> out(static_cast<size_t>(X.rows()));
  std::vector<size_t> order(names.size());
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    for (size_t f = 0; f < order.size(); ++f) order[f] = f;
    const auto k = std::min(order.size(), static_cast<size_t>(top_k));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), [&](size_t a, size_t b) {
      const double x = std::abs(c(r, static_cast<Eigen::Index>(a))), y = std::abs(c(r, static_cast<Eigen::Index>(b)));
      return x != y ? x > y : a < b;
    });
    for (size_t i = 0; i < k; ++i)
      out[static_cast<size_t>(r)].push_back({names[order[i]], c(r, static_cast<Eigen::Index>(order[i]))});
  }
  return out;
}

CsvOptions Model::csv_options(bool with_target) const {
  CsvOptions o;
  for (const ColumnSchema& c : preprocess.input_schema()) o.declared_types[c.name] = c.type;
  o.declared_types_from_model = true;
  if (with_target) {
    o.target = target_name;
    // Labels that are not 0/1 or true/false were mapped with the training positive label.
    o.positive = builtin_label_meaning(positive_label) == 1 ? "" : positive_label;
    o.allow_single_class = true;
  }
  return o;
}

}  // namespace fraudkit
