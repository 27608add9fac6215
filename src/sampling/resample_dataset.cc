#include "fraudkit/resample_dataset.h"

#include <cmath>

#include "fraudkit/error.h"

namespace fraudkit {

DatasetResampling resample_dataset(const Dataset& data, const RowSet& rows, const Sampler& sampler,
                                   const RunContext& ctx) {
  if (!data.has_target()) throw UsageError("resampling needs a labelled dataset (--target)");
  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto d = static_cast<Eigen::Index>(data.num_features());
  RowMatrix X(n, d);
  std::vector<uint8_t> y(rows.size());
  std::vector<uint8_t> categorical(data.num_features(), 0);
  std::vector<std::string> names;
  for (Eigen::Index c = 0; c < d; ++c) {
    const Column& col = data.columns[static_cast<size_t>(c)];
    names.push_back(col.name());
    categorical[static_cast<size_t>(c)] = col.is_numeric() ? 0 : 1;
    for (Eigen::Index i = 0; i < n; ++i) {
      const uint32_t r = rows[static_cast<size_t>(i)];
      X(i, c) = col.is_numeric() ? col.values[r] : static_cast<double>(col.codes[r]);
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) y[i] = data.target[rows[i]];

  const ResampleInput input{X, y, categorical, names};
  const ResampleResult result = sampler.fit_resample(input, ctx);

  DatasetResampling out;
  out.report = result.report;
  Dataset& o = out.data;
  o.target_name = data.target_name;
  o.positive_label = data.positive_label;
  o.negative_label = data.negative_label;
  o.source = data.source;
  const size_t n_out = result.rows_out();
  out.source_rows.reserve(n_out);
  for (uint32_t k : result.kept) out.source_rows.push_back(rows[k]);
  out.source_rows.resize(n_out, -1);
  o.target.reserve(n_out);
  for (uint32_t k : result.kept) o.target.push_back(y[k]);
  o.target.insert(o.target.end(), result.synthetic_y.begin(), result.synthetic_y.end());
  if (data.has_weights()) {
    for (uint32_t k : result.kept) o.weights.push_back(data.weights[rows[k]]);
    o.weights.resize(n_out, 1.0);
  }
  for (Eigen::Index c = 0; c < d; ++c) {
    const Column& col = data.columns[static_cast<size_t>(c)];
    Column oc;
    oc.schema = col.schema;
    auto value_at = [&](size_t i) {
      return i < result.kept.size() ? X(result.kept[i], c)
                                    : result.synthetic(static_cast<Eigen::Index>(i - result.kept.size()), c);
    };
    if (col.is_numeric()) {
      oc.values.resize(n_out);
      for (size_t i = 0; i < n_out; ++i) oc.values[i] = value_at(i);
    } else {
      oc.codes.resize(n_out);
      const auto n_categories = static_cast<double>(col.schema.categories.size());
      for (size_t i = 0; i < n_out; ++i) {
        const double v = value_at(i);
        if (!(v == std::floor(v) && v >= kMissingCode && v < n_categories))
          throw Error(ErrorKind::kInternal, "sampler " + sampler.type_name() + " produced category code " + std::to_string(v) +
                              " in categorical column '" + col.name() + "'");
        oc.codes[i] = static_cast<int32_t>(v);
      }
    }
    o.columns.push_back(std::move(oc));
  }
  return out;
}

}  // namespace fraudkit
