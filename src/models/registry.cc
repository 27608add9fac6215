// The one place where classifiers are registered by their stable type name.
#include <functional>

#include "fraudkit/classifier.h"
#include "fraudkit/error.h"
#include "models/autoencoder_classifier.h"
#include "models/boosting_classifier.h"
#include "models/forest_classifier.h"
#include "models/isolation_classifier.h"
#include "models/lof_classifier.h"
#include "models/logistic_classifier.h"

namespace fraudkit {

namespace {

struct Entry {
  const char* name;
  const char* description;
  std::function<std::string()> params_help;
  std::function<std::unique_ptr<Classifier>(const nlohmann::json&)> make;
  std::function<std::unique_ptr<Classifier>(const nlohmann::json&, const nlohmann::json&)> load;
};

// Parameters read back from an artifact: a bad value there is a damaged file, not a usage error.
template <class P>
P saved_params(const nlohmann::json& params, std::span<const ParamSpec<P>> table, const std::string& component) {
  try {
    return params_from_json<P>(params, table, component);
  } catch (const UsageError& e) {
    throw ArtifactError(std::string("saved model parameters are invalid: ") + e.what());
  }
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = {
      {"logistic_regression", "L2-regularised logistic regression (Newton solver)",
       [] { return params_help(logistic_param_table()); },
       [](const nlohmann::json& params) -> std::unique_ptr<Classifier> {
         return std::make_unique<LogisticClassifier>(LogisticRegression(
             params_from_json<LogisticParams>(params, logistic_param_table(), "logistic_regression")));
       },
       [](const nlohmann::json& params, const nlohmann::json& state) -> std::unique_ptr<Classifier> {
         return std::make_unique<LogisticClassifier>(LogisticRegression::from_json(params, state));
       }},
      {"gradient_boosting", "histogram gradient-boosted trees, binary log-loss (XGBoost hist, lossguide)",
       [] { return params_help(models::boosting_param_table()); },
       [](const nlohmann::json& params) -> std::unique_ptr<Classifier> {
         return std::make_unique<BoostingClassifier>(
             params_from_json<models::BoostingParams>(params, models::boosting_param_table(), "gradient_boosting"));
       },
       [](const nlohmann::json& params, const nlohmann::json& state) -> std::unique_ptr<Classifier> {
         return BoostingClassifier::from_json(
             saved_params<models::BoostingParams>(params, models::boosting_param_table(), "gradient_boosting"), state);
       }},
      {"random_forest", "random forest of Gini trees on histogram splits (scikit-learn RandomForestClassifier)",
       [] { return params_help(models::forest_param_table()); },
       [](const nlohmann::json& params) -> std::unique_ptr<Classifier> {
         return std::make_unique<ForestClassifier>(
             params_from_json<models::ForestParams>(params, models::forest_param_table(), "random_forest"));
       },
       [](const nlohmann::json& params, const nlohmann::json& state) -> std::unique_ptr<Classifier> {
         return std::make_unique<ForestClassifier>(
             saved_params<models::ForestParams>(params, models::forest_param_table(), "random_forest"),
             models::RandomForest::from_json(state));
       }},
      {"isolation_forest", "isolation forest anomaly score, unsupervised (scikit-learn IsolationForest)",
       [] { return params_help(models::isolation_param_table()); },
       [](const nlohmann::json& params) -> std::unique_ptr<Classifier> {
         return std::make_unique<IsolationClassifier>(
             params_from_json<models::IsolationParams>(params, models::isolation_param_table(), "isolation_forest"));
       },
       [](const nlohmann::json& params, const nlohmann::json& state) -> std::unique_ptr<Classifier> {
         return std::make_unique<IsolationClassifier>(
             saved_params<models::IsolationParams>(params, models::isolation_param_table(), "isolation_forest"),
             models::IsolationForest::from_json(state));
       }},
      {"local_outlier_factor", "local outlier factor, novelty mode, unsupervised (scikit-learn LocalOutlierFactor)",
       [] { return params_help(models::lof_param_table()); },
       [](const nlohmann::json& params) -> std::unique_ptr<Classifier> {
         return std::make_unique<LofClassifier>(
             params_from_json<models::LofParams>(params, models::lof_param_table(), "local_outlier_factor"));
       },
       [](const nlohmann::json& params, const nlohmann::json& state) -> std::unique_ptr<Classifier> {
         return std::make_unique<LofClassifier>(
             saved_params<models::LofParams>(params, models::lof_param_table(), "local_outlier_factor"),
             models::LocalOutlierFactor::from_json(state));
       }},
      {"autoencoder", "dense autoencoder, reconstruction error as the anomaly score (16-8-16, Adam)",
       [] { return params_help(models::autoencoder_param_table()); },
       [](const nlohmann::json& params) -> std::unique_ptr<Classifier> {
         return std::make_unique<AutoencoderClassifier>(
             params_from_json<models::AutoencoderParams>(params, models::autoencoder_param_table(), "autoencoder"));
       },
       [](const nlohmann::json& params, const nlohmann::json& state) -> std::unique_ptr<Classifier> {
         return std::make_unique<AutoencoderClassifier>(
             saved_params<models::AutoencoderParams>(params, models::autoencoder_param_table(), "autoencoder"),
             models::Autoencoder::from_json(state));
       }},
  };
  return table;
}

std::string known_names() {
  std::string s;
  for (const Entry& e : entries()) s += std::string(s.empty() ? "" : ", ") + e.name;
  return s;
}

const Entry* find(const std::string& name) {
  for (const Entry& e : entries())
    if (name == e.name) return &e;
  return nullptr;
}

}  // namespace

std::unique_ptr<Classifier> make_classifier(const std::string& name, const nlohmann::json& params) {
  const Entry* e = find(name);
  if (!e) throw UsageError("unknown model '" + name + "'; known models: " + known_names());
  return e->make(params.is_null() ? nlohmann::json::object() : params);
}

std::unique_ptr<Classifier> load_classifier(const std::string& name, const nlohmann::json& params,
                                            const nlohmann::json& state) {
  const Entry* e = find(name);
  if (!e) throw ArtifactError("the model file uses model type '" + name +
                              "', which this fraudkit does not know; known: " + known_names());
  return e->load(params, state);
}

std::vector<ClassifierInfo> registered_classifiers() {
  std::vector<ClassifierInfo> out;
  for (const Entry& e : entries()) out.push_back({e.name, e.description, e.params_help()});
  return out;
}

}  // namespace fraudkit
