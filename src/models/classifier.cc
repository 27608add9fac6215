// Defaults of the Classifier interface (classifier.h).
#include "fraudkit/classifier.h"

#include "fraudkit/error.h"

namespace fraudkit {

Eigen::MatrixXd Classifier::contributions(const Eigen::MatrixXd&) const {
  throw UsageError("model '" + type_name() +
                   "' does not explain its scores; explanations exist for logistic_regression, gradient_boosting "
                   "and random_forest");
}

}  // namespace fraudkit
