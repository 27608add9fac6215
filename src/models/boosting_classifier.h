#pragma once
// Adapts GradientBoosting to the Classifier interface (registry name "gradient_boosting").
// With categorical=native, each categorical input's one-hot columns are folded into one column
// of category codes (category_folding.h) before fitting and scoring, and the trees split on
// sets of categories; explanations are spread back onto the one-hot columns.
// Threads: OpenMP's setting (OMP_NUM_THREADS, --threads); the model does not depend on it.
#include <omp.h>

#include <memory>
#include <vector>

#include "fraudkit/classifier.h"
#include "fraudkit/error.h"
#include "models/category_folding.h"
#include "models/gradient_boosting.h"
#include "models/tree_shap.h"

namespace fraudkit {

class BoostingClassifier final : public Classifier {
 public:
  explicit BoostingClassifier(models::BoostingParams params) : params_(std::move(params)) {}
  // A fitted model from an artifact: the boosting's state plus, when it folded categories, the
  // folded blocks ("one_hot_blocks").
  static std::unique_ptr<BoostingClassifier> from_json(models::BoostingParams params, const nlohmann::json& state) {
    auto c = std::make_unique<BoostingClassifier>(std::move(params));
    c->model_ = models::GradientBoosting::from_json(state);
    c->folding_ = state.contains("one_hot_blocks")
                      ? models::CategoryFolding::from_json(state.at("input_features").get<int>(), state.at("one_hot_blocks"))
                      : models::CategoryFolding(c->model_.features(), {}, 0);
    if (c->folding_.output_columns() != c->model_.features())
      throw ArtifactError("gradient boosting: the saved one-hot blocks fold to " +
                          std::to_string(c->folding_.output_columns()) + " features, the trees use " +
                          std::to_string(c->model_.features()));
    return c;
  }

  std::string type_name() const override { return "gradient_boosting"; }
  void set_one_hot_blocks(std::span<const OneHotBlock> blocks) override { blocks_.assign(blocks.begin(), blocks.end()); }
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double> row_weights) override {
    const bool native = params_.categorical == "native";
    folding_ = models::CategoryFolding(static_cast<int>(X.cols()), native ? blocks_ : std::vector<OneHotBlock>{},
                                       params_.max_bins);
    if (folding_.empty()) model_.fit(X, y, row_weights, params_, threads());
    else model_.fit(folding_.fold(X), y, row_weights, params_, threads(), folding_.categories());
  }
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const override {
    return folding_.empty() ? model_.predict_proba(X, threads()) : model_.predict_proba(folding_.fold(X), threads());
  }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(params_, models::boosting_param_table());
  }
  nlohmann::json state_to_json() const override {
    nlohmann::json state = model_.state_to_json();
    if (!folding_.empty()) {
      state["input_features"] = folding_.input_columns();
      state["one_hot_blocks"] = folding_.to_json();
    }
    return state;
  }
  nlohmann::json fit_report() const override {
    nlohmann::json r = {{"trees", model_.trees().size()},
                        {"base_margin", model_.base_margin()},
                        {"training_logloss", model_.training_loss()},
                        {"categorical_features", folding_.to_json().size()}};
    if (!model_.validation_score().empty()) {
      r["early_stopping"] = {{"metric", params_.early_stopping_metric},
                             {"rounds_grown", model_.validation_score().size()},
                             {"best_rounds", model_.trees().size()},
                             {"best_score", model_.validation_score()[model_.trees().size() - 1]}};
    }
    return r;
  }
  Eigen::MatrixXd contributions(const Eigen::MatrixXd& X) const override {
    const auto explain = [&](const Eigen::MatrixXd& F) -> Eigen::MatrixXd {
      if (F.cols() != model_.features()) return model_.decision_function(F);  // throws the column-count error
      return models::ensemble_contributions(model_.trees(), F, model_.base_margin(), model_.learning_rate(), threads());
    };
    return folding_.empty() ? explain(X) : folding_.unfold_contributions(explain(folding_.fold(X)), X);
  }
  std::string contribution_scale() const override { return "log-odds"; }
  const models::GradientBoosting& model() const { return model_; }

 private:
  static int threads() { return omp_in_parallel() ? 1 : omp_get_max_threads(); }

  models::BoostingParams params_;
  std::vector<OneHotBlock> blocks_;   // from the pipeline, before fit
  models::CategoryFolding folding_;   // what fit folded (empty: nothing)
  models::GradientBoosting model_;
};

}  // namespace fraudkit
