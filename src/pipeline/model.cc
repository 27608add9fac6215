#include "fraudkit/model.h"

#include "fraudkit/error.h"

namespace fraudkit {

std::vector<double> Model::score(const Dataset& data, std::span<const uint32_t> rows,
                                 TransformStats* stats) const {
  if (!classifier) throw Error(ErrorKind::kInternal, "model has no classifier");
  const Eigen::MatrixXd X = preprocess.transform(data, rows, stats);
  const Eigen::VectorXd p = classifier->predict_proba(X);
  return std::vector<double>(p.data(), p.data() + p.size());
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
