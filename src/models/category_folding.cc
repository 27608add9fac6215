// One-hot blocks folded into category-code columns (category_folding.h).
#include "models/category_folding.h"

#include <cmath>
#include <limits>
#include <string>

#include "fraudkit/error.h"

namespace fraudkit::models {

CategoryFolding::CategoryFolding(int columns, std::span<const OneHotBlock> blocks, int max_categories)
    : columns_(columns) {
  int at = 0;
  for (const OneHotBlock& b : blocks) {
    if (b.first < at || b.width < 1 || b.first + b.width > columns)
      throw UsageError("category folding: one-hot block at column " + std::to_string(b.first) + " of width " +
                       std::to_string(b.width) + " overlaps another or lies outside the " + std::to_string(columns) +
                       " columns");
    for (; at < b.first; ++at) source_.push_back(at), categories_.push_back(0);
    if (b.width > max_categories) {  // too many categories for the bins: stays one-hot
      for (; at < b.first + b.width; ++at) source_.push_back(at), categories_.push_back(0);
      continue;
    }
    blocks_.push_back(b);
    source_.push_back(b.first);
    categories_.push_back(b.width);
    at = b.first + b.width;
  }
  for (; at < columns; ++at) source_.push_back(at), categories_.push_back(0);
}

int CategoryFolding::hot_column(const double* in, int width, size_t stride) {
  int hot = -1;
  double largest = 0;
  for (int i = 0; i < width; ++i) {
    const double v = in[static_cast<size_t>(i) * stride];
    if (v > largest) largest = v, hot = i;
  }
  return hot;
}

void CategoryFolding::fold_row(const double* in, double* out) const {
  for (size_t o = 0; o < categories_.size(); ++o) {
    const double* x = in + source_[o];
    if (categories_[o] == 0) {
      out[o] = *x;
      continue;
    }
    const int hot = hot_column(x, categories_[o], 1);
    out[o] = hot < 0 ? std::numeric_limits<double>::quiet_NaN() : hot;
  }
}

Eigen::MatrixXd CategoryFolding::fold(const Eigen::MatrixXd& X) const {
  if (X.cols() != columns_)
    throw UsageError("category folding: the data has " + std::to_string(X.cols()) + " columns, the model " +
                     std::to_string(columns_));
  Eigen::MatrixXd out(X.rows(), output_columns());
  const auto stride = static_cast<size_t>(X.rows());
  for (Eigen::Index o = 0; o < out.cols(); ++o) {
    const int width = categories_[static_cast<size_t>(o)], first = source_[static_cast<size_t>(o)];
    if (width == 0) {
      out.col(o) = X.col(first);
      continue;
    }
    for (Eigen::Index r = 0; r < X.rows(); ++r) {
      const int hot = hot_column(&X(r, first), width, stride);
      out(r, o) = hot < 0 ? std::numeric_limits<double>::quiet_NaN() : hot;
    }
  }
  return out;
}

Eigen::MatrixXd CategoryFolding::unfold_contributions(const Eigen::MatrixXd& folded, const Eigen::MatrixXd& X) const {
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(X.rows(), columns_ + 1);
  const auto stride = static_cast<size_t>(X.rows());
  for (Eigen::Index o = 0; o < output_columns(); ++o) {
    const int width = categories_[static_cast<size_t>(o)], first = source_[static_cast<size_t>(o)];
    for (Eigen::Index r = 0; r < X.rows(); ++r) {
      const int hot = width == 0 ? 0 : hot_column(&X(r, first), width, stride);
      out(r, first + (hot < 0 ? 0 : hot)) = folded(r, o);
    }
  }
  out.col(columns_) = folded.col(output_columns());  // the baseline
  return out;
}

nlohmann::json CategoryFolding::to_json() const {
  nlohmann::json blocks = nlohmann::json::array();
  for (const OneHotBlock& b : blocks_) blocks.push_back({{"first", b.first}, {"width", b.width}});
  return blocks;
}

CategoryFolding CategoryFolding::from_json(int columns, const nlohmann::json& j) {
  if (!j.is_array()) throw ArtifactError("category folding: the saved one_hot_blocks is not an array");
  std::vector<OneHotBlock> blocks;
  for (const nlohmann::json& b : j) blocks.push_back({b.at("first").get<int>(), b.at("width").get<int>()});
  try {
    return CategoryFolding(columns, blocks, std::numeric_limits<int>::max());
  } catch (const UsageError& e) {
    throw ArtifactError(std::string("saved model: ") + e.what());
  }
}

}  // namespace fraudkit::models
