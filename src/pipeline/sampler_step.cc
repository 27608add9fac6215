#include "pipeline/sampler_step.h"

#include "fraudkit/error.h"

namespace fraudkit::pipeline_detail {
namespace {

// Every output column's source: the input columns' outputs (Preprocessor::column_outputs),
// then each missing indicator as a numeric column of its own.
std::vector<ColumnOutput> output_layout(const Preprocessor& p, Eigen::Index total_width) {
  std::vector<ColumnOutput> blocks = p.column_outputs();
  int at = blocks.empty() ? 0 : blocks.back().first + blocks.back().width;
  for (; at < total_width; ++at) blocks.push_back({at, 1, false});  // indicators
  return blocks;
}

bool needs_categorical(const Sampler& s) { return s.type_name() == "smotenc" || s.type_name() == "smoten"; }

}  // namespace

FitRows resample_fit_rows(const Preprocessor& preprocess, const Eigen::MatrixXd& X,
                          const std::vector<uint8_t>& y, const std::vector<double>& sample_weights,
                          const Sampler& sampler, const RunContext& ctx) {
  const bool fold = needs_categorical(sampler);
  const std::vector<ColumnOutput> layout = output_layout(preprocess, X.cols());
  const std::vector<std::string> out_names = preprocess.output_names();

  // The sampler's view: either X as is, or one code column per categorical block (the hot
  // column's position; all zeros = missing at fit -> code `width`, its own category).
  RowMatrix view;
  std::vector<uint8_t> categorical;
  std::vector<std::string> names;
  if (!fold) {
    view = X;
    names = out_names;
  } else {
    view.resize(X.rows(), static_cast<Eigen::Index>(layout.size()));
    for (size_t b = 0; b < layout.size(); ++b) {
      const ColumnOutput& blk = layout[b];
      categorical.push_back(blk.categorical ? 1 : 0);
      names.push_back(b < preprocess.columns().size() ? preprocess.columns()[b].name : out_names[static_cast<size_t>(blk.first)]);
      for (Eigen::Index r = 0; r < X.rows(); ++r) {
        if (!blk.categorical) {
          view(r, static_cast<Eigen::Index>(b)) = X(r, blk.first);
          continue;
        }
        Eigen::Index code = blk.width;
        for (Eigen::Index j = 0; j < blk.width; ++j)
          if (X(r, blk.first + j) != 0) code = j;
        view(r, static_cast<Eigen::Index>(b)) = static_cast<double>(code);
      }
    }
  }

  const ResampleInput input{view, y, categorical, names};
  const ResampleResult result = sampler.fit_resample(input, ctx);
  Resampled res = materialize(input, result);

  FitRows out;
  out.y = std::move(res.y);
  out.report = result.report;
  if (!sample_weights.empty()) {
    out.sample_weights.reserve(out.y.size());
    for (uint32_t k : result.kept) out.sample_weights.push_back(sample_weights[k]);
    out.sample_weights.resize(out.y.size(), 1.0);
  }
  if (!fold) {
    out.X = res.X;
    return out;
  }
  out.X = Eigen::MatrixXd::Zero(res.X.rows(), X.cols());
  for (size_t b = 0; b < layout.size(); ++b) {
    const ColumnOutput& blk = layout[b];
    const auto col = static_cast<Eigen::Index>(b);
    for (Eigen::Index r = 0; r < res.X.rows(); ++r) {
      if (!blk.categorical) {
        out.X(r, blk.first) = res.X(r, col);
        continue;
      }
      const double code = res.X(r, col);
      if (code >= 0 && code < static_cast<double>(blk.width)) out.X(r, blk.first + static_cast<Eigen::Index>(code)) = 1.0;
    }
  }
  return out;
}

}  // namespace fraudkit::pipeline_detail
