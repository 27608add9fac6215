#include "fraudkit/preprocess.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "fraudkit/error.h"
#include "preprocess/column_stats.h"

namespace fraudkit {

namespace {

constexpr std::array<ParamSpec<PreprocessParams>, 2> kParamTable{{
    {"scale", &PreprocessParams::scale, 0, 1, "standardise numeric columns (mean 0, std 1)"},
    {"missing_indicator", &PreprocessParams::missing_indicator, 0, 1,
     "add a 0/1 column per numeric column that had missing values in training"},
}};

const Column& find_input_column(const Dataset& data, const Preprocessor::ColumnState& state) {
  const int index = data.find_column(state.name);
  const std::string where = data.source.empty() ? "the input data" : "'" + data.source + "'";
  if (index < 0)
    throw DataError("column '" + state.name + "' used by the model is missing from " + where);
  const Column& col = data.columns[static_cast<size_t>(index)];
  if (col.type() != state.type)
    throw DataError("column '" + state.name + "' in " + where + " is " + to_string(col.type()) +
                    " but the model was trained with it " + to_string(state.type));
  return col;
}

}  // namespace

std::span<const ParamSpec<PreprocessParams>> preprocess_param_table() { return kParamTable; }

nlohmann::json TransformStats::to_json() const {
  return {{"rows", rows},
          {"imputed_numeric", imputed_numeric},
          {"unseen_categories", unseen_categories},
          {"missing_categorical", missing_categorical}};
}

void Preprocessor::fit(const Dataset& data, std::span<const uint32_t> rows) {
  if (data.columns.empty()) throw DataError("cannot fit preprocessing: the data has no feature columns");
  columns_.clear();
  for (const Column& col : data.columns) {
    ColumnState st;
    st.name = col.name();
    st.type = col.type();
    if (col.is_numeric()) {
      const NumericColumnStats stats = numeric_column_stats(col.values, rows);
      st.median = stats.median;
      st.mean = params_.scale ? stats.mean : 0.0;
      st.scale = params_.scale ? stats.scale : 1.0;
      st.indicator = params_.missing_indicator && stats.missing > 0;
    } else {
      std::vector<char> seen(col.schema.categories.size(), 0);
      for (uint32_t r : rows)
        if (col.codes[r] != kMissingCode) seen[static_cast<size_t>(col.codes[r])] = 1;
      for (size_t c = 0; c < seen.size(); ++c)
        if (seen[c]) st.categories.push_back(col.schema.categories[c]);
      std::sort(st.categories.begin(), st.categories.end());
    }
    columns_.push_back(std::move(st));
  }
}

size_t Preprocessor::output_width() const {
  size_t width = 0;
  for (const ColumnState& c : columns_)
    width += (c.type == ColumnType::kNumeric ? 1 : c.categories.size()) + (c.indicator ? 1 : 0);
  return width;
}

std::vector<ColumnOutput> Preprocessor::column_outputs() const {
  std::vector<ColumnOutput> outputs;
  int at = 0;  // the indicators come after every input column's output
  for (const ColumnState& c : columns_) {
    const bool categorical = c.type == ColumnType::kCategorical;
    const int width = categorical ? static_cast<int>(c.categories.size()) : 1;
    outputs.push_back({at, width, categorical});
    at += width;
  }
  return outputs;
}

std::vector<OneHotBlock> Preprocessor::one_hot_blocks() const {
  std::vector<OneHotBlock> blocks;
  for (const ColumnOutput& c : column_outputs())
    if (c.categorical) blocks.push_back({c.first, c.width});
  return blocks;
}

std::vector<std::string> Preprocessor::output_names() const {
  std::vector<std::string> names, indicators;
  for (const ColumnState& c : columns_) {
    if (c.type == ColumnType::kNumeric) names.push_back(c.name);
    else
      for (const std::string& cat : c.categories) names.push_back(c.name + "=" + cat);
    if (c.indicator) indicators.push_back(c.name + "_missing");
  }
  names.insert(names.end(), indicators.begin(), indicators.end());
  return names;
}

std::vector<ColumnSchema> Preprocessor::input_schema() const {
  std::vector<ColumnSchema> schema;
  for (const ColumnState& c : columns_) schema.push_back({c.name, c.type, c.categories});
  return schema;
}

Eigen::MatrixXd Preprocessor::transform(const Dataset& data, std::span<const uint32_t> rows,
                                        TransformStats* stats) const {
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, static_cast<Eigen::Index>(output_width()));
  TransformStats local;
  local.rows = n;
  Eigen::Index out = 0;
  // Indicator columns come after every encoded column, as scikit-learn's add_indicator.
  Eigen::Index indicator_out = static_cast<Eigen::Index>(output_width());
  for (const ColumnState& c : columns_) indicator_out -= c.indicator ? 1 : 0;

  for (const ColumnState& st : columns_) {
    const Column& col = find_input_column(data, st);
    if (st.type == ColumnType::kNumeric) {
      const double inv = 1.0 / st.scale;
      for (Eigen::Index i = 0; i < n; ++i) {
        double v = col.values[rows[static_cast<size_t>(i)]];
        if (std::isnan(v)) {
          ++local.imputed_numeric;
          if (st.indicator) X(i, indicator_out) = 1.0;
          v = st.median;
        }
        X(i, out) = (v - st.mean) * inv;
      }
      ++out;
      if (st.indicator) ++indicator_out;
    } else {
      // Map this file's dictionary codes to the fitted one-hot positions by category text.
      std::unordered_map<std::string, Eigen::Index> position;
      for (size_t k = 0; k < st.categories.size(); ++k)
        position.emplace(st.categories[k], static_cast<Eigen::Index>(k));
      std::vector<Eigen::Index> code_to_pos(col.schema.categories.size(), -1);
      for (size_t code = 0; code < code_to_pos.size(); ++code) {
        auto it = position.find(col.schema.categories[code]);
        if (it != position.end()) code_to_pos[code] = it->second;
      }
      for (Eigen::Index i = 0; i < n; ++i) {
        const int32_t code = col.codes[rows[static_cast<size_t>(i)]];
        if (code == kMissingCode) {
          ++local.missing_categorical;
        } else if (code_to_pos[static_cast<size_t>(code)] < 0) {
          ++local.unseen_categories;
        } else {
          X(i, out + code_to_pos[static_cast<size_t>(code)]) = 1.0;
        }
      }
      out += static_cast<Eigen::Index>(st.categories.size());
    }
  }
  if (stats) *stats = local;
  return X;
}

nlohmann::json Preprocessor::state_to_json() const {
  nlohmann::json cols = nlohmann::json::array();
  for (const ColumnState& c : columns_) {
    nlohmann::json j = {{"name", c.name}, {"type", to_string(c.type)}};
    if (c.type == ColumnType::kNumeric) {
      j["median"] = c.median;
      j["mean"] = c.mean;
      j["scale"] = c.scale;
      j["indicator"] = c.indicator;
    } else {
      j["categories"] = c.categories;
    }
    cols.push_back(std::move(j));
  }
  return {{"columns", cols}};
}

Preprocessor Preprocessor::from_json(const nlohmann::json& params, const nlohmann::json& state) {
  Preprocessor p(params_from_json<PreprocessParams>(params, preprocess_param_table(), "preprocess"));
  for (const nlohmann::json& j : state.at("columns")) {
    ColumnState c;
    c.name = j.at("name").get<std::string>();
    const std::string type = j.at("type").get<std::string>();
    if (type == "numeric") {
      c.type = ColumnType::kNumeric;
      c.median = j.at("median").get<double>();
      c.mean = j.at("mean").get<double>();
      c.scale = j.at("scale").get<double>();
      c.indicator = j.at("indicator").get<bool>();
    } else if (type == "categorical") {
      c.type = ColumnType::kCategorical;
      c.categories = j.at("categories").get<std::vector<std::string>>();
    } else {
      throw ArtifactError("preprocess: unknown column type '" + type + "' for column '" + c.name + "'");
    }
    p.columns_.push_back(std::move(c));
  }
  return p;
}

}  // namespace fraudkit
