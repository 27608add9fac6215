// Cross-validation of whole pipelines: fold by fold against scikit-learn on the same rows, the
// audit trail proving no held-out row reaches a transformer, sampler or classifier, and the
// classic leakage demonstration (SMOTE before the split inflates AP).
#include "fraudkit/cross_validation.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "fraudkit/csv.h"
#include "fraudkit/error.h"
#include "fraudkit/pipeline_spec.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using testing::dataset_path;
using testing::run_python_json;
using testing::source_dir;
using testing::TempDir;

struct AuditEvent {
  std::string step;
  std::vector<uint32_t> rows;
  std::vector<double> first_column;  // column 0 of the matrix the step received
};

// Records every audit event of a run.
struct Recorder {
  std::vector<AuditEvent> events;
  RunContext context(uint64_t seed) {
    RunContext ctx;
    ctx.seed = seed;
    ctx.fit_audit = [this](std::string_view step, std::span<const uint32_t> rows, const Eigen::MatrixXd* X) {
      AuditEvent e{std::string(step), {rows.begin(), rows.end()}, {}};
      if (X) e.first_column.assign(X->col(0).data(), X->col(0).data() + X->rows());
      events.push_back(std::move(e));
    };
    return ctx;
  }
  std::vector<const AuditEvent*> of(const std::string& step) const {
    std::vector<const AuditEvent*> out;
    for (const auto& e : events)
      if (e.step == step) out.push_back(&e);
    return out;
  }
};

Dataset load(const std::string& name) {
  CsvOptions o;
  o.target = "label";
  return read_csv(dataset_path(name).string(), o).data;
}

// The data with a first column holding each row's own index, so a matrix shows which data
// rows it was built from (no scaling in these pipelines keeps the values exact).
Dataset with_row_ids(Dataset d) {
  Column id;
  id.schema.name = "row_id";
  for (size_t r = 0; r < d.rows(); ++r) id.values.push_back(static_cast<double>(r));
  d.columns.insert(d.columns.begin(), std::move(id));
  return d;
}

TEST(CrossValidation, MatchesScikitLearnFoldByFoldOnTheSameRows) {
  for (const std::string name : {"thyroid.csv", "cardio.csv"}) {
    SCOPED_TRACE(name);
    const Dataset data = load(name);
    TrainOptions o;
    apply_pipeline_spec("scale,logreg", o);
    CvOptions cv;
    cv.folds = 4;
    Recorder rec;
    const nlohmann::json r = cross_validate(data, o, cv, rec.context(3));
    const auto fits = rec.of("classifier"), tests = rec.of("test");
    ASSERT_EQ(fits.size(), 4u);
    ASSERT_EQ(tests.size(), 4u);
    nlohmann::json folds = nlohmann::json::array();
    for (size_t f = 0; f < 4; ++f) folds.push_back({{"fit", fits[f]->rows}, {"test", tests[f]->rows}});
    TempDir tmp;
    std::ofstream(tmp / "folds.json") << folds.dump();
    const nlohmann::json oracle =
        run_python_json(source_dir() / "tests/oracle/cv_oracle.py",
                        "--data " + dataset_path(name).string() + " --folds " + (tmp / "folds.json").string());
    for (size_t f = 0; f < 4; ++f) {
      EXPECT_NEAR(r["folds"][f]["average_precision"].get<double>(),
                  oracle["folds"][f]["average_precision"].get<double>(), 1e-4) << "fold " << f;
      EXPECT_NEAR(r["folds"][f]["roc_auc"].get<double>(), oracle["folds"][f]["roc_auc"].get<double>(), 1e-4);
    }
    for (const char* m : {"average_precision", "roc_auc"}) {
      EXPECT_NEAR(r["summary"][m]["mean"].get<double>(), oracle[m]["mean"].get<double>(), 1e-4) << m;
      EXPECT_NEAR(r["summary"][m]["std"].get<double>(), oracle[m]["std"].get<double>(), 1e-4) << m;
    }
  }
}

TEST(CrossValidation, HeldOutRowsNeverReachATransformerSamplerOrClassifier) {
  const Dataset data = with_row_ids(load("mammography.csv"));
  TrainOptions o;
  apply_pipeline_spec("smote,logreg", o);  // no scaling: column 0 stays the row id
  CvOptions cv;
  cv.folds = 3;
  cv.repeats = 2;
  Recorder rec;
  cross_validate(data, o, cv, rec.context(9));
  const auto pre = rec.of("preprocess"), smp = rec.of("sampler"), cls = rec.of("classifier"),
             thr = rec.of("threshold"), tst = rec.of("test");
  ASSERT_EQ(tst.size(), 6u);
  ASSERT_EQ(pre.size(), 6u);
  ASSERT_EQ(smp.size(), 6u);
  for (int repeat = 0; repeat < 2; ++repeat) {
    std::vector<int> times_tested(data.rows(), 0);
    for (int f = 0; f < 3; ++f) {
      const size_t i = static_cast<size_t>(repeat * 3 + f);
      const std::set<uint32_t> held(tst[i]->rows.begin(), tst[i]->rows.end());
      std::set<uint32_t> held_all = held;
      held_all.insert(thr[i]->rows.begin(), thr[i]->rows.end());
      for (uint32_t row : tst[i]->rows) ++times_tested[row];
      // Declared fit rows exclude the test part and the threshold slice...
      for (const AuditEvent* e : {pre[i], smp[i], cls[i]})
        for (uint32_t row : e->rows) ASSERT_EQ(held_all.count(row), 0u) << e->step << " row " << row;
      // ...and the sampler's matrix holds exactly those rows' data (column 0 = row id).
      std::vector<uint32_t> seen;
      for (double v : smp[i]->first_column) seen.push_back(static_cast<uint32_t>(v));
      EXPECT_EQ(seen, smp[i]->rows);
      // The classifier's matrix: kept rows are fit rows; synthetic rows lie between fit rows,
      // so no value equals a held-out row id except by coincidence of interpolation.
      size_t held_values = 0;
      for (double v : cls[i]->first_column)
        if (v == std::floor(v) && held_all.count(static_cast<uint32_t>(v))) ++held_values;
      EXPECT_LE(held_values, 2u);
      EXPECT_GT(cls[i]->first_column.size(), smp[i]->first_column.size());  // SMOTE added rows
      // The threshold slice comes from the training part, not the test part.
      for (uint32_t row : thr[i]->rows) EXPECT_EQ(held.count(row), 0u);
    }
    // Each repeat's test parts partition the data.
    EXPECT_TRUE(std::all_of(times_tested.begin(), times_tested.end(), [](int t) { return t == 1; }));
  }
  // Repeats reshuffle.
  EXPECT_NE(tst[0]->rows, tst[3]->rows);
}

TEST(CrossValidation, TestFoldsAreStratified) {
  const Dataset data = load("satimage-2.csv");  // 71 positives
  TrainOptions o;
  apply_pipeline_spec("scale,logreg", o);
  CvOptions cv;
  cv.folds = 5;
  Recorder rec;
  const nlohmann::json r = cross_validate(data, o, cv, rec.context(1));
  for (const auto& f : r["folds"]) {
    EXPECT_GE(f["test_positives"].get<int>(), 14);
    EXPECT_LE(f["test_positives"].get<int>(), 15);
  }
}

TEST(CrossValidation, SmoteBeforeTheSplitReportsAHigherApThanSmoteInsideThePipeline) {
  const Dataset data = load("mammography.csv");
  TrainOptions o;
  apply_pipeline_spec("scale,smote,logreg", o);
  CvOptions cv;
  cv.folds = 3;
  RunContext ctx;
  ctx.seed = 0;
  const nlohmann::json r = leakage_demonstration(data, o, cv, ctx);
  const double honest = r["honest"]["summary"]["average_precision"]["mean"].get<double>();
  const double leaky = r["leaky"]["summary"]["average_precision"]["mean"].get<double>();
  // Both stated; the leaky number is the inflated one. On mammography (2.3% positives) SMOTE
  // before the split puts ~50% synthetic-rich positives in every test fold.
  EXPECT_GT(leaky, honest + 0.1) << "honest " << honest << " leaky " << leaky;
  EXPECT_DOUBLE_EQ(r["average_precision_gap"].get<double>(), leaky - honest);
  EXPECT_GT(r["leaky_rows"].get<size_t>(), data.rows());
  EXPECT_NE(r["note"].get<std::string>().find("must not be reported"), std::string::npos);
}

TEST(CrossValidation, RejectsImpossibleOptions) {
  const Dataset data = load("smtp.csv");  // 30 positives
  TrainOptions o;
  RunContext ctx;
  CvOptions bad;
  bad.folds = 1;
  EXPECT_THROW(cross_validate(data, o, bad, ctx), UsageError);
  CvOptions too_many;
  too_many.folds = 40;  // more folds than positives
  EXPECT_THROW(cross_validate(data, o, too_many, ctx), DataError);
  EXPECT_THROW(leakage_demonstration(data, o, CvOptions{}, ctx), UsageError);  // no sampler
}

TEST(PipelineSpec, ParsesStepsInOrderAndRejectsWhatCannotBe) {
  TrainOptions o;
  apply_pipeline_spec("impute, scale, smote, logreg", o);
  EXPECT_TRUE(o.preprocess.scale);
  EXPECT_EQ(o.sampler, "smote");
  EXPECT_EQ(o.model, "logistic_regression");
  EXPECT_EQ(describe_pipeline(o), "impute,scale,onehot,smote,logistic_regression");
  TrainOptions b;
  apply_pipeline_spec("logreg_balanced", b);
  EXPECT_FALSE(b.preprocess.scale);
  EXPECT_TRUE(b.sampler.empty());
  EXPECT_EQ(b.class_weight.spec(), "balanced");
  for (const char* bad : {"scale", "scale,smote", "smote,adasyn,logreg", "logreg,scale", "scale,,logreg",
                          "scale,nosuch,logreg", "smote,scale,logreg", ""}) {
    TrainOptions t;
    EXPECT_THROW(apply_pipeline_spec(bad, t), UsageError) << bad;
  }
  try {
    TrainOptions t;
    apply_pipeline_spec("scale,smot,logreg", t);
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown step 'smot'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("borderline1"), std::string::npos);  // lists the known ones
  }
}

}  // namespace
}  // namespace fraudkit
