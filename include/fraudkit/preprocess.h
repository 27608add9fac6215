#pragma once
// Preprocessing composed from the schema and fitted on training rows only:
//   numeric column  -> median imputation of missing values (optional 0/1 missing indicator)
//                      -> standard scaling (mean 0, population std 1; constant columns: scale 1)
//   categorical col -> one-hot over the categories seen at fit (sorted, as scikit-learn's
//                      OneHotEncoder); unseen or missing values -> all zeros, counted.
// Output columns: input columns in order (numeric: one, categorical: one per category), then
// the missing indicators. This is scikit-learn's ColumnTransformer([SimpleImputer(median) ->
// StandardScaler on numeric, OneHotEncoder(handle_unknown="ignore") on categorical]).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/dataset.h"
#include "fraudkit/param_table.h"

namespace fraudkit {

struct PreprocessParams {
  bool scale = true;               // standardise numeric columns
  bool missing_indicator = false;  // add a 0/1 column per numeric column with missing train values
};
std::span<const ParamSpec<PreprocessParams>> preprocess_param_table();

// What transform() met that fit never saw; reported so silent data problems become visible.
struct TransformStats {
  int64_t rows = 0;
  int64_t imputed_numeric = 0;        // numeric cells that were missing and got the median
  int64_t unseen_categories = 0;      // categorical cells with a value not seen at fit
  int64_t missing_categorical = 0;    // categorical cells that were missing
  nlohmann::json to_json() const;
};

// A categorical input column's place in the output: `width` one-hot columns from `first`.
struct OneHotBlock {
  int first = 0;
  int width = 0;
  bool operator==(const OneHotBlock&) const = default;
};

// An input column's place in the output: one column from `first` for a numeric column, its
// one-hot block for a categorical one.
struct ColumnOutput {
  int first = 0;
  int width = 1;
  bool categorical = false;
};

class Preprocessor {
 public:
  Preprocessor() = default;
  explicit Preprocessor(PreprocessParams params) : params_(params) {}

  // Learns medians, means, scales and category lists from `rows` of `data` only.
  // Throws DataError for a dataset without feature columns.
  void fit(const Dataset& data, std::span<const uint32_t> rows);
  // rows x output_width() matrix. Columns are matched to the fitted ones by NAME, so a file
  // with reordered or extra columns works; a missing or wrongly-typed column is a DataError.
  Eigen::MatrixXd transform(const Dataset& data, std::span<const uint32_t> rows,
                            TransformStats* stats = nullptr) const;

  size_t input_width() const { return columns_.size(); }
  size_t output_width() const;
  std::vector<std::string> output_names() const;
  // Where each input column's output is, in column order; the missing indicators come after
  // all of them.
  std::vector<ColumnOutput> column_outputs() const;
  // Where each categorical column's one-hot columns are, in column order.
  std::vector<OneHotBlock> one_hot_blocks() const;
  // The schema the model expects as input (names, types, categories seen at fit).
  std::vector<ColumnSchema> input_schema() const;
  const PreprocessParams& params() const { return params_; }

  nlohmann::json state_to_json() const;
  static Preprocessor from_json(const nlohmann::json& params, const nlohmann::json& state);

  // Fitted state of one input column.
  struct ColumnState {
    std::string name;
    ColumnType type = ColumnType::kNumeric;
    double median = 0, mean = 0, scale = 1;  // numeric
    bool indicator = false;                  // numeric: emits a missing-indicator column
    std::vector<std::string> categories;     // categorical: sorted categories seen at fit
  };
  const std::vector<ColumnState>& columns() const { return columns_; }

 private:
  PreprocessParams params_;
  std::vector<ColumnState> columns_;
};

}  // namespace fraudkit
