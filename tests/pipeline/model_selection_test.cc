// Model selection (`train --models`): every candidate trained alone through the training spine
// on the same split and seed is the oracle. The ranking must follow their validation APs, the
// shipped model must score exactly as the winner trained alone, and candidate names and
// parameters must be checked before any data is read.
#include "fraudkit/model_selection.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "fraudkit/artifact.h"
#include "fraudkit/error.h"
#include "fraudkit/generate.h"
#include "test_support.h"

namespace fraudkit {
namespace {

const Dataset& data() {
  static const Dataset d = make_transactions(TransactionParams{.rows = 6000, .fraud_rate = 0.04, .seed = 21});
  return d;
}

TEST(ModelSelection, RanksByValidationApAndShipsTheWinnerAsTrainedAlone) {
  TrainOptions base;
  base.policy = ThresholdPolicy::parse("fbeta:2");
  const std::vector<Candidate> candidates =
      parse_candidates("logreg,logreg_balanced,gbdt,rf,iforest", base, {{"gbdt.rounds", 40}, {"rf.trees", 30}});
  RunContext ctx;
  ctx.seed = 5;
  const TrainOutcome selected = select_model(data(), candidates, ctx);
  const nlohmann::json& rows = selected.report.at("selection").at("candidates");
  ASSERT_EQ(rows.size(), candidates.size());

  double previous = 2;
  for (const nlohmann::json& row : rows) {
    const auto c = std::find_if(candidates.begin(), candidates.end(),
                                [&](const Candidate& x) { return x.label == row.at("label"); });
    ASSERT_NE(c, candidates.end());
    const TrainOutcome alone = train_model(data(), c->options, ctx);  // the oracle: this candidate by itself
    const double ap = alone.report.at("validation").at("average_precision").get<double>();
    EXPECT_EQ(row.at("validation").at("average_precision").get<double>(), ap) << c->label;
    EXPECT_EQ(row.at("test_not_used_for_the_choice").at("average_precision").get<double>(),
              alone.report.at("test").at("average_precision").get<double>())
        << c->label;
    EXPECT_LE(ap, previous) << c->label << " is ranked below a candidate with a lower validation AP";
    previous = ap;
    if (row.at("rank") == 1) {
      EXPECT_EQ(selected.report.at("selection").at("winner"), c->label);
      EXPECT_EQ(selected.model.threshold, alone.model.threshold);
      const std::vector<double> a = selected.model.score(data(), data().all_rows());
      const std::vector<double> b = alone.model.score(data(), data().all_rows());
      for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "row " << i;
      // What ships is the winner, artifact included.
      const Model loaded = deserialize_model(serialize_model(selected.model), "m.fkm");
      EXPECT_EQ(loaded.classifier->type_name(), c->options.model);
      EXPECT_EQ(loaded.metadata.at("selection").at("winner"), c->label);
    }
  }
}

TEST(ModelSelection, ShortNamesSetTheModelWeightsAndSampler) {
  TrainOptions base;
  const std::vector<Candidate> c = parse_candidates("logreg_balanced,smote_logreg,gbdt,random_forest", base, {});
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].options.model, "logistic_regression");
  EXPECT_EQ(c[0].options.class_weight.spec(), "balanced");
  EXPECT_EQ(c[1].options.sampler, "smote");
  EXPECT_EQ(c[1].options.class_weight.spec(), "none");
  EXPECT_EQ(c[2].options.model, "gradient_boosting");
  EXPECT_EQ(c[3].options.model, "random_forest");  // a registry name stands for itself
  // The shared --sampler and --class-weight reach the candidates whose names set none.
  base.sampler = "ros";
  base.class_weight = ClassWeight::parse("balanced");
  const std::vector<Candidate> d = parse_candidates("logreg,gbdt,smote_logreg", base, {});
  EXPECT_EQ(d[0].options.class_weight.spec(), "none");
  EXPECT_EQ(d[0].options.sampler, "ros");
  EXPECT_EQ(d[1].options.class_weight.spec(), "balanced");
  EXPECT_EQ(d[1].options.sampler, "ros");
  EXPECT_EQ(d[2].options.sampler, "smote");
}

TEST(ModelSelection, BadListsAndParametersAreUsageErrors) {
  TrainOptions base;
  const auto message = [&](const std::string& list, const nlohmann::json& params) -> std::string {
    try {
      parse_candidates(list, base, params);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_NE(message("logreg,xgb", {}).find("unknown candidate 'xgb'; known: logreg"), std::string::npos);
  EXPECT_NE(message("gbdt,gbdt", {}).find("listed twice"), std::string::npos);
  EXPECT_NE(message("gbdt,,rf", {}).find("empty candidate"), std::string::npos);
  EXPECT_NE(message("gbdt", {{"rounds", 10}}).find("name the candidate first"), std::string::npos);
  EXPECT_NE(message("gbdt", {{"rf.trees", 10}}).find("name the candidate first"), std::string::npos);
  EXPECT_NE(message("gbdt", {{"gbdt.rounds", 0}}).find("rounds"), std::string::npos);
  EXPECT_NE(message("gbdt", {{"gbdt.depth", 3}}).find("unknown parameter 'depth'"), std::string::npos);
}

TEST(ModelSelection, CommandLinePrintsTheTableAndRejectsModelWithModels) {
  testing::TempDir tmp;
  const std::string csv = (tmp / "tx.csv").string();
  ASSERT_EQ(testing::run_cli("generate transactions --rows 5000 --fraud-rate 0.05 --seed 4 --out " + csv).exit_code, 0);
  const auto r = testing::run_cli("train --data " + csv + " --target is_fraud --categorical merchant_category --models "
                                  "logreg,gbdt --param gbdt.rounds=30 --out " + (tmp / "m.fkm").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("model selection: 2 candidates"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<- shipped"), std::string::npos) << r.out;
  const nlohmann::json report = nlohmann::json::parse(testing::read_file(tmp / "m.fkm.report.json"));
  EXPECT_EQ(report.at("selection").at("candidates").size(), 2u);
  const auto both = testing::run_cli("train --data " + csv + " --target is_fraud --model logistic_regression "
                                     "--models logreg,gbdt --out " + (tmp / "n.fkm").string());
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(tmp / "n.fkm"));
}

}  // namespace
}  // namespace fraudkit
