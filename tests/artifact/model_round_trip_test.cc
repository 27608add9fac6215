// For every registered classifier: a model trained through the training spine and saved in an
// artifact scores bit-identically once loaded, and its scores do not depend on the number of
// threads it was trained with. New models are covered by registering them (classifier.h).
#include <omp.h>

#include <gtest/gtest.h>

#include "fraudkit/artifact.h"
#include "fraudkit/classifier.h"
#include "fraudkit/generate.h"
#include "fraudkit/training.h"

namespace fraudkit {
namespace {

class EveryModel : public ::testing::TestWithParam<std::string> {};

const Dataset& data() {
  static const Dataset d = make_transactions(TransactionParams{.rows = 3000, .fraud_rate = 0.05, .seed = 11});
  return d;
}

TrainOutcome train_with_threads(const std::string& model, int threads) {
  TrainOptions o;
  o.model = model;
  o.class_weight = ClassWeight::parse("balanced");
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  TrainOutcome out = train_model(data(), o, RunContext{});
  omp_set_num_threads(before);
  return out;
}

TEST_P(EveryModel, SavedAndLoadedScoresAreBitIdentical) {
  const TrainOutcome t = train_with_threads(GetParam(), 2);
  const Model loaded = deserialize_model(serialize_model(t.model), "m.fkm");
  EXPECT_EQ(loaded.classifier->type_name(), GetParam());
  const std::vector<double> a = t.model.score(data(), data().all_rows());
  const std::vector<double> b = loaded.score(data(), data().all_rows());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "row " << i;
  for (const double s : a) ASSERT_TRUE(s >= 0 && s <= 1) << "scores are probabilities";
}

TEST_P(EveryModel, ScoresDoNotDependOnTheThreadCount) {
  const TrainOutcome one = train_with_threads(GetParam(), 1), two = train_with_threads(GetParam(), 2);
  const std::vector<double> a = one.model.score(data(), data().all_rows());
  const std::vector<double> b = two.model.score(data(), data().all_rows());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "row " << i;
}

std::vector<std::string> registered_names() {
  std::vector<std::string> names;
  for (const ClassifierInfo& c : registered_classifiers()) names.push_back(c.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryModel, ::testing::ValuesIn(registered_names()),
                         [](const ::testing::TestParamInfo<std::string>& model) { return model.param; });

TEST(BoostingArtifact, ADamagedTreeIsRefused) {
  TrainOptions o;
  o.model = "gradient_boosting";
  o.model_params = {{"rounds", 3}};
  const TrainOutcome t = train_model(data(), o, RunContext{});
  std::string bytes = serialize_model(t.model);
  // Point the first tree's root at itself: a cycle the loader must refuse, not follow.
  nlohmann::json payload = nlohmann::json::parse(bytes.substr(bytes.find('\n', bytes.find('\n') + 1) + 1));
  payload["classifier"]["state"]["trees"][0]["left"][0] = 0;
  try {
    (void)load_classifier("gradient_boosting", payload["classifier"]["params"], payload["classifier"]["state"]);
    FAIL() << "a cyclic tree was accepted";
  } catch (const ArtifactError& e) {
    EXPECT_NE(std::string(e.what()).find("node 0 has child 0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fraudkit
