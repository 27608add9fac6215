#pragma once
// Dense autoencoder anomaly detector: inputs standardised (mean and standard deviation of the
// training rows), encoded and decoded through hidden layers (default 16-8-16, ReLU; linear
// output), trained with Adam on mean squared reconstruction error. A row's score is its mean
// squared reconstruction error e mapped to e / (1 + e): in [0, 1), higher = more anomalous.
// It learns what normal rows look like: train_on "negatives" (default) fits on the label-0
// rows only, the usual set-up when labels exist; "all" ignores labels (unsupervised).
// Row weights are not used. Everything runs on one thread in a fixed order (Eigen's own
// threads included), so the model is the same whatever the thread count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "fraudkit/param_table.h"

namespace fraudkit::models {

struct AutoencoderParams {
  std::string hidden = "16,8,16";     // hidden layer widths, comma-separated
  int epochs = 30;
  int batch_size = 256;
  double learning_rate = 1e-3;        // Adam's step size
  std::string train_on = "negatives"; // negatives or all
  int seed = 0;
};
std::span<const ParamSpec<AutoencoderParams>> autoencoder_param_table();

// One dense network's weights: layer l maps width[l] to width[l + 1] (weights[l] is
// width[l] x width[l + 1], biases[l] has width[l + 1] entries).
struct DenseNet {
  std::vector<Eigen::MatrixXd> weights;
  std::vector<Eigen::RowVectorXd> biases;
  // Forward pass of standardised rows: the output (reconstruction).
  Eigen::MatrixXd forward(const Eigen::MatrixXd& X) const;
  // Mean squared error of the reconstruction of X (rows x width[0]) and its gradients with
  // respect to every weight and bias (same shapes). Exposed for the gradient check test.
  double loss_and_gradients(const Eigen::MatrixXd& X, std::vector<Eigen::MatrixXd>& weight_gradients,
                            std::vector<Eigen::RowVectorXd>& bias_gradients) const;
};

class Autoencoder {
 public:
  void fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, const AutoencoderParams& params);
  // Mean squared reconstruction error per row (standardised units).
  Eigen::VectorXd reconstruction_error(const Eigen::MatrixXd& X) const;
  Eigen::VectorXd score(const Eigen::MatrixXd& X) const;
  // Training loss after each epoch.
  const std::vector<double>& epoch_loss() const { return epoch_loss_; }
  size_t training_rows() const { return training_rows_; }

  nlohmann::json state_to_json() const;
  static Autoencoder from_json(const nlohmann::json& state);

 private:
  Eigen::RowVectorXd mean_, scale_;
  DenseNet net_;
  std::vector<double> epoch_loss_;
  size_t training_rows_ = 0;
};

// "16,8,16" -> {16, 8, 16}; UsageError for anything else than positive integers.
std::vector<int> parse_widths(const std::string& text);

}  // namespace fraudkit::models
