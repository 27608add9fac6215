#pragma once
// Adapts Autoencoder to the Classifier interface (registry name "autoencoder"). Labels are
// used only to pick the rows to learn from (train_on=negatives); row weights are not used.
#include "fraudkit/classifier.h"
#include "models/autoencoder.h"

namespace fraudkit {

class AutoencoderClassifier final : public Classifier {
 public:
  explicit AutoencoderClassifier(models::AutoencoderParams params) : params_(std::move(params)) {}
  AutoencoderClassifier(models::AutoencoderParams params, models::Autoencoder model)
      : params_(std::move(params)), model_(std::move(model)) {}

  std::string type_name() const override { return "autoencoder"; }
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, std::span<const double>) override {
    model_.fit(X, y, params_);
  }
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& X) const override { return model_.score(X); }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(params_, models::autoencoder_param_table());
  }
  nlohmann::json state_to_json() const override { return model_.state_to_json(); }
  nlohmann::json fit_report() const override {
    return {{"training_rows", model_.training_rows()},
            {"epoch_loss", model_.epoch_loss()},
            {"score", "e / (1 + e), e = mean squared reconstruction error of the standardised row"},
            {"note", params_.train_on == "negatives" ? "fitted on the label-0 training rows; row weights not used"
                                                     : "unsupervised: labels and row weights not used"}};
  }

 private:
  models::AutoencoderParams params_;
  models::Autoencoder model_;
};

}  // namespace fraudkit
