// Autoencoder: back-propagated gradients equal finite differences of the loss (the oracle for
// the training maths), the training loss falls, rows that break the normal rows' structure
// score highest, and the errors.
#include "models/autoencoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/random.h"
#include "fraudkit/error.h"
#include "fraudkit/metrics.h"

namespace fraudkit::models {
namespace {

TEST(Autoencoder, GradientsEqualFiniteDifferences) {
  Rng rng(3);
  DenseNet net;
  const int widths[] = {4, 3, 2, 3, 4};
  for (int l = 0; l < 4; ++l) {
    Eigen::MatrixXd W(widths[l], widths[l + 1]);
    for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = rng.normal() * 0.7;
    Eigen::RowVectorXd b(widths[l + 1]);
    for (Eigen::Index i = 0; i < b.size(); ++i) b[i] = rng.normal() * 0.3;
    net.weights.push_back(W);
    net.biases.push_back(b);
  }
  Eigen::MatrixXd X(7, 4);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = rng.normal();
  std::vector<Eigen::MatrixXd> gw;
  std::vector<Eigen::RowVectorXd> gb;
  net.loss_and_gradients(X, gw, gb);
  std::vector<Eigen::MatrixXd> unused_w;
  std::vector<Eigen::RowVectorXd> unused_b;
  const double h = 1e-6;
  for (size_t l = 0; l < net.weights.size(); ++l) {
    for (Eigen::Index i = 0; i < net.weights[l].size(); ++i) {
      DenseNet plus = net, minus = net;
      plus.weights[l].data()[i] += h;
      minus.weights[l].data()[i] -= h;
      const double numeric =
          (plus.loss_and_gradients(X, unused_w, unused_b) - minus.loss_and_gradients(X, unused_w, unused_b)) / (2 * h);
      EXPECT_NEAR(gw[l].data()[i], numeric, 1e-6) << "layer " << l << " weight " << i;
    }
    for (Eigen::Index i = 0; i < net.biases[l].size(); ++i) {
      DenseNet plus = net, minus = net;
      plus.biases[l][i] += h;
      minus.biases[l][i] -= h;
      const double numeric =
          (plus.loss_and_gradients(X, unused_w, unused_b) - minus.loss_and_gradients(X, unused_w, unused_b)) / (2 * h);
      EXPECT_NEAR(gb[l][i], numeric, 1e-6) << "layer " << l << " bias " << i;
    }
  }
}

// Normal rows satisfy x2 = x0 + x1 and x3 = x0 - x1 (a 2-d structure in 4 columns); anomalies
// have the same marginal spread but break both relations.
TEST(Autoencoder, LearnsTheNormalRowsAndFlagsTheOthers) {
  Rng rng(11);
  const Eigen::Index n = 3000;
  Eigen::MatrixXd X(n, 4);
  std::vector<uint8_t> y(static_cast<size_t>(n), 0);
  for (Eigen::Index r = 0; r < n; ++r) {
    const double a = rng.normal(), b = rng.normal();
    const bool anomaly = r % 50 == 0;
    y[static_cast<size_t>(r)] = anomaly;
    X(r, 0) = a;
    X(r, 1) = b;
    X(r, 2) = anomaly ? rng.normal() * 1.4 : a + b;
    X(r, 3) = anomaly ? rng.normal() * 1.4 : a - b;
  }
  Autoencoder ae;
  ae.fit(X, y, {.hidden = "8,2,8", .epochs = 60, .batch_size = 64, .learning_rate = 3e-3});
  const std::vector<double>& loss = ae.epoch_loss();
  ASSERT_EQ(loss.size(), 60u);
  EXPECT_LT(loss.back(), 0.25 * loss.front());
  EXPECT_EQ(ae.training_rows(), static_cast<size_t>(n - n / 50));
  const Eigen::VectorXd s = ae.score(X);
  for (Eigen::Index r = 0; r < n; ++r) ASSERT_TRUE(s[r] >= 0 && s[r] < 1);
  EXPECT_GT(roc_auc(y, std::span<const double>(s.data(), static_cast<size_t>(n))), 0.95);
}

TEST(Autoencoder, BadInputIsAClearError) {
  Eigen::MatrixXd X = Eigen::MatrixXd::Random(20, 3);
  const std::vector<uint8_t> y(20, 0);
  Autoencoder ae;
  EXPECT_THROW(ae.fit(X, y, {.hidden = "16,,8"}), UsageError);
  EXPECT_THROW(ae.fit(X, y, {.hidden = "16,-2"}), UsageError);
  EXPECT_THROW(ae.fit(X, y, {.train_on = "positives"}), UsageError);
  EXPECT_THROW(ae.fit(X, std::vector<uint8_t>(20, 1), {}), DataError) << "no negatives to learn from";
  X(3, 2) = std::nan("");
  EXPECT_THROW(ae.fit(X, y, {}), DataError);
  X(3, 2) = 0;
  ae.fit(X, y, {.epochs = 2});
  EXPECT_THROW(ae.score(Eigen::MatrixXd(2, 5)), UsageError);
}

}  // namespace
}  // namespace fraudkit::models
