// Dense autoencoder anomaly detector (autoencoder.h).
#include "models/autoencoder.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "common/random.h"
#include "fraudkit/error.h"

namespace fraudkit::models {

std::span<const ParamSpec<AutoencoderParams>> autoencoder_param_table() {
  constexpr double kNoBound = std::numeric_limits<double>::infinity();
  static const ParamSpec<AutoencoderParams> table[] = {
      {"hidden", &AutoencoderParams::hidden, -kNoBound, kNoBound, "hidden layer widths, comma-separated"},
      {"epochs", &AutoencoderParams::epochs, 1, 100000, "passes over the training rows"},
      {"batch_size", &AutoencoderParams::batch_size, 1, 1e7, "rows per Adam step"},
      {"learning_rate", &AutoencoderParams::learning_rate, 1e-9, 10, "Adam step size"},
      {"train_on", &AutoencoderParams::train_on, -kNoBound, kNoBound,
       "negatives (label-0 rows: learn what normal looks like) or all (ignore labels)"},
      {"seed", &AutoencoderParams::seed, 0, 2147483647, "seed for the initial weights and the batch order"},
  };
  return table;
}

std::vector<int> parse_widths(const std::string& text) {
  std::vector<int> out;
  std::stringstream s(text);
  std::string part;
  while (std::getline(s, part, ',')) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != part.size() || part.empty() || v < 1 || v > 100000)
      throw UsageError("autoencoder: hidden is '" + text + "'; expected positive layer widths such as 16,8,16");
    out.push_back(v);
  }
  if (out.empty()) throw UsageError("autoencoder: hidden is empty; expected widths such as 16,8,16");
  return out;
}

namespace {

Eigen::MatrixXd relu(const Eigen::MatrixXd& Z) { return Z.cwiseMax(0.0); }

// Eigen's own OpenMP matrix products choose their blocking by thread count, which can change
// the order of additions; the network's products run on one thread so its numbers do not.
class EigenSingleThread {
 public:
  EigenSingleThread() : saved_(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
  ~EigenSingleThread() { Eigen::setNbThreads(saved_); }
  EigenSingleThread(const EigenSingleThread&) = delete;
  EigenSingleThread& operator=(const EigenSingleThread&) = delete;

 private:
  int saved_;
};

}  // namespace

Eigen::MatrixXd DenseNet::forward(const Eigen::MatrixXd& X) const {
  Eigen::MatrixXd A = X;
  for (size_t l = 0; l < weights.size(); ++l) {
    Eigen::MatrixXd Z = A * weights[l];
    Z.rowwise() += biases[l];
    A = l + 1 < weights.size() ? relu(Z) : Z;  // linear output
  }
  return A;
}

double DenseNet::loss_and_gradients(const Eigen::MatrixXd& X, std::vector<Eigen::MatrixXd>& weight_gradients,
                                    std::vector<Eigen::RowVectorXd>& bias_gradients) const {
  const size_t layers = weights.size();
  std::vector<Eigen::MatrixXd> activations{X}, pre;
  for (size_t l = 0; l < layers; ++l) {
    Eigen::MatrixXd Z = activations.back() * weights[l];
    Z.rowwise() += biases[l];
    pre.push_back(Z);
    activations.push_back(l + 1 < layers ? relu(Z) : Z);
  }
  const double count = static_cast<double>(X.rows() * X.cols());
  const Eigen::MatrixXd residual = activations.back() - X;
  const double loss = residual.squaredNorm() / count;
  Eigen::MatrixXd delta = 2.0 * residual / count;  // d loss / d output
  weight_gradients.resize(layers);
  bias_gradients.resize(layers);
  for (size_t l = layers; l-- > 0;) {
    if (l + 1 < layers) delta = delta.cwiseProduct((pre[l].array() > 0).cast<double>().matrix());  // ReLU'
    weight_gradients[l] = activations[l].transpose() * delta;
    bias_gradients[l] = delta.colwise().sum();
    if (l > 0) delta = delta * weights[l].transpose();
  }
  return loss;
}

void Autoencoder::fit(const Eigen::MatrixXd& X, std::span<const uint8_t> y, const AutoencoderParams& params) {
  check_params(params, autoencoder_param_table(), "autoencoder");
  const EigenSingleThread single_thread;
  const std::vector<int> hidden = parse_widths(params.hidden);
  if (params.train_on != "negatives" && params.train_on != "all")
    throw UsageError("autoencoder: train_on is '" + params.train_on + "'; expected negatives or all");
  const bool negatives = params.train_on == "negatives";
  if (negatives && y.size() != static_cast<size_t>(X.rows()))
    throw UsageError("autoencoder: train_on=negatives needs one label per row");
  std::vector<Eigen::Index> rows;
  for (Eigen::Index r = 0; r < X.rows(); ++r)
    if (!negatives || y[static_cast<size_t>(r)] == 0) rows.push_back(r);
  if (rows.size() < 2) throw DataError("autoencoder: needs at least 2 training rows, got " + std::to_string(rows.size()));
  for (Eigen::Index c = 0; c < X.cols(); ++c)
    for (const Eigen::Index r : rows)
      if (!std::isfinite(X(r, c)))
        throw DataError("autoencoder: column " + std::to_string(c) + ", row " + std::to_string(r) +
                        " is not finite; impute missing values first (the preprocessing does by default)");
  training_rows_ = rows.size();

  // Standardise with the training rows' mean and standard deviation (1 for constant columns).
  Eigen::MatrixXd T(static_cast<Eigen::Index>(rows.size()), X.cols());
  for (size_t i = 0; i < rows.size(); ++i) T.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
  mean_ = T.colwise().mean();
  scale_ = ((T.rowwise() - mean_).array().square().colwise().mean()).sqrt().matrix();
  for (Eigen::Index c = 0; c < scale_.size(); ++c)
    if (!(scale_[c] > 0)) scale_[c] = 1;
  T = (T.rowwise() - mean_).array().rowwise() / scale_.array();

  // Glorot-uniform weights, zero biases, from the seeded stream.
  Rng rng(static_cast<uint64_t>(params.seed));
  std::vector<int> widths{static_cast<int>(X.cols())};
  widths.insert(widths.end(), hidden.begin(), hidden.end());
  widths.push_back(static_cast<int>(X.cols()));
  net_ = {};
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const double limit = std::sqrt(6.0 / (widths[l] + widths[l + 1]));
    Eigen::MatrixXd W(widths[l], widths[l + 1]);
    for (Eigen::Index j = 0; j < W.cols(); ++j)
      for (Eigen::Index i = 0; i < W.rows(); ++i) W(i, j) = (2 * rng.uniform() - 1) * limit;
    net_.weights.push_back(W);
    net_.biases.push_back(Eigen::RowVectorXd::Zero(widths[l + 1]));
  }

  // Adam (Kingma and Ba): beta1 0.9, beta2 0.999, epsilon 1e-8.
  std::vector<Eigen::MatrixXd> mw, vw, gw;
  std::vector<Eigen::RowVectorXd> mb, vb, gb;
  for (size_t l = 0; l < net_.weights.size(); ++l) {
    mw.push_back(Eigen::MatrixXd::Zero(net_.weights[l].rows(), net_.weights[l].cols()));
    vw.push_back(mw.back());
    mb.push_back(Eigen::RowVectorXd::Zero(net_.biases[l].size()));
    vb.push_back(mb.back());
  }
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  int64_t step = 0;
  std::vector<Eigen::Index> order(static_cast<size_t>(T.rows()));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Eigen::Index>(i);
  epoch_loss_.clear();
  const auto batch = static_cast<size_t>(params.batch_size);
  Eigen::MatrixXd B;
  for (int epoch = 0; epoch < params.epochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    double total = 0;
    for (size_t start = 0; start < order.size(); start += batch) {
      const size_t count = std::min(batch, order.size() - start);
      B.resize(static_cast<Eigen::Index>(count), T.cols());
      for (size_t i = 0; i < count; ++i) B.row(static_cast<Eigen::Index>(i)) = T.row(order[start + i]);
      total += net_.loss_and_gradients(B, gw, gb) * static_cast<double>(count);
      ++step;
      const double c1 = 1 - std::pow(b1, static_cast<double>(step)), c2 = 1 - std::pow(b2, static_cast<double>(step));
      for (size_t l = 0; l < net_.weights.size(); ++l) {
        mw[l] = b1 * mw[l] + (1 - b1) * gw[l];
        vw[l] = b2 * vw[l] + (1 - b2) * gw[l].cwiseAbs2();
        net_.weights[l].array() -= params.learning_rate * (mw[l].array() / c1) / ((vw[l].array() / c2).sqrt() + eps);
        mb[l] = b1 * mb[l] + (1 - b1) * gb[l];
        vb[l] = b2 * vb[l] + (1 - b2) * gb[l].cwiseAbs2();
        net_.biases[l].array() -= params.learning_rate * (mb[l].array() / c1) / ((vb[l].array() / c2).sqrt() + eps);
      }
    }
    epoch_loss_.push_back(total / static_cast<double>(order.size()));
  }
}

Eigen::VectorXd Autoencoder::reconstruction_error(const Eigen::MatrixXd& X) const {
  if (X.cols() != mean_.size())
    throw UsageError("autoencoder: the data has " + std::to_string(X.cols()) + " columns, the model " +
                     std::to_string(mean_.size()));
  const EigenSingleThread single_thread;
  const Eigen::MatrixXd S = (X.rowwise() - mean_).array().rowwise() / scale_.array();
  return (net_.forward(S) - S).rowwise().squaredNorm() / static_cast<double>(X.cols());
}

Eigen::VectorXd Autoencoder::score(const Eigen::MatrixXd& X) const {
  Eigen::VectorXd e = reconstruction_error(X);
  for (Eigen::Index i = 0; i < e.size(); ++i) e[i] = std::isnan(e[i]) ? 1.0 : e[i] / (1 + e[i]);  // NaN input: most suspicious
  return e;
}

nlohmann::json Autoencoder::state_to_json() const {
  const auto vec = [](const auto& m) { return std::vector<double>(m.data(), m.data() + m.size()); };
  nlohmann::json layers = nlohmann::json::array();
  for (size_t l = 0; l < net_.weights.size(); ++l)
    layers.push_back({{"rows", net_.weights[l].rows()},
                      {"cols", net_.weights[l].cols()},
                      {"weights", vec(net_.weights[l])},  // column-major
                      {"biases", vec(net_.biases[l])}});
  return {{"mean", vec(mean_)}, {"scale", vec(scale_)}, {"layers", layers}, {"training_rows", training_rows_}};
}

Autoencoder Autoencoder::from_json(const nlohmann::json& state) {
  Autoencoder m;
  const auto mean = state.at("mean").get<std::vector<double>>(), scale = state.at("scale").get<std::vector<double>>();
  if (mean.empty() || mean.size() != scale.size()) throw ArtifactError("autoencoder: saved mean and scale differ in size");
  m.mean_ = Eigen::Map<const Eigen::RowVectorXd>(mean.data(), static_cast<Eigen::Index>(mean.size()));
  m.scale_ = Eigen::Map<const Eigen::RowVectorXd>(scale.data(), static_cast<Eigen::Index>(scale.size()));
  Eigen::Index width = m.mean_.size();
  for (const nlohmann::json& layer : state.at("layers")) {
    const auto rows = layer.at("rows").get<Eigen::Index>(), cols = layer.at("cols").get<Eigen::Index>();
    const auto w = layer.at("weights").get<std::vector<double>>(), b = layer.at("biases").get<std::vector<double>>();
    if (rows != width || cols < 1 || w.size() != static_cast<size_t>(rows * cols) || b.size() != static_cast<size_t>(cols))
      throw ArtifactError("autoencoder: a saved layer's shape does not follow the previous one");
    m.net_.weights.push_back(Eigen::Map<const Eigen::MatrixXd>(w.data(), rows, cols));
    m.net_.biases.push_back(Eigen::Map<const Eigen::RowVectorXd>(b.data(), cols));
    width = cols;
  }
  if (m.net_.weights.empty() || width != m.mean_.size())
    throw ArtifactError("autoencoder: the saved network does not map the inputs back to themselves");
  m.training_rows_ = state.value("training_rows", size_t{0});
  return m;
}

}  // namespace fraudkit::models
