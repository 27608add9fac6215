#pragma once
// The one-hot columns of each categorical input folded back into one column of category codes,
// for models that split on sets of categories (gradient boosting with categorical=native).
// The preprocessing one-hot encodes categorical columns (sorted categories; a missing or unseen
// value is all zeros) and resamplers act on those columns, so the folding happens inside the
// model, on whatever rows reach it: a block's code is the position of its largest entry (the 1
// of a real row; an interpolated SMOTE row holds fractions), NaN (missing) when all are 0.
// Internal to the models (src/models); not part of the public API.
#include <span>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/preprocess.h"

namespace fraudkit::models {

class CategoryFolding {
 public:
  CategoryFolding() = default;
  // `blocks`: ascending, disjoint, inside `columns` input columns. Blocks wider than
  // max_categories stay one-hot (the model's bins hold at most that many categories).
  // Throws UsageError for blocks that do not fit those rules.
  CategoryFolding(int columns, std::span<const OneHotBlock> blocks, int max_categories);

  bool empty() const { return blocks_.empty(); }
  int input_columns() const { return columns_; }
  int output_columns() const { return static_cast<int>(categories_.size()); }
  // Per output column: 0 for a column passed through, k for a folded block of k categories.
  const std::vector<int>& categories() const { return categories_; }

  Eigen::MatrixXd fold(const Eigen::MatrixXd& X) const;
  // One row of input_columns() values into output_columns() values.
  void fold_row(const double* in, double* out) const;
  // Contributions per output column (and a last baseline column) as contributions per input
  // column: a folded column's goes to the row's largest column of the block (the first when
  // all are 0), the block's other columns get 0.
  Eigen::MatrixXd unfold_contributions(const Eigen::MatrixXd& folded, const Eigen::MatrixXd& X) const;

  nlohmann::json to_json() const;  // the folded blocks
  static CategoryFolding from_json(int columns, const nlohmann::json& blocks);

 private:
  // Position of the block's largest entry, -1 when all are 0 (or NaN).
  static int hot_column(const double* in, int width, size_t stride);

  int columns_ = 0;
  std::vector<OneHotBlock> blocks_;  // the folded ones
  std::vector<int> source_;          // per output column: its (first) input column
  std::vector<int> categories_;      // per output column: 0, or the folded block's width
};

}  // namespace fraudkit::models
