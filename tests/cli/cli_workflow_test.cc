// The command-line workflow a user runs: generate -> train -> predict / evaluate / metrics,
// and the demo. Scores written by predict must equal the loaded model's in-process scores
// exactly, and `metrics` must agree with the project's peer oracle (scikit-learn).
#include <charconv>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "fraudkit/artifact.h"
#include "fraudkit/csv.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using testing::run_cli;
using testing::TempDir;

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

TEST(CliWorkflow, GenerateTrainPredictEvaluate) {
  TempDir tmp;
  ASSERT_EQ(run_cli("generate transactions --rows 8000 --fraud-rate 0.04 --seed 9 --out " + q(tmp / "tx.csv")).exit_code, 0);
  // Add an id column in front so predict can pass it through.
  {
    std::istringstream in(testing::read_file(tmp / "tx.csv"));
    std::string line, out;
    for (size_t i = 0; std::getline(in, line); ++i) out += (i == 0 ? "txn_id" : "T" + std::to_string(i)) + "," + line + "\n";
    testing::write_file(tmp / "tx_ids.csv", out);
  }
  const auto train = run_cli("train --data " + q(tmp / "tx_ids.csv") + " --target is_fraud --id txn_id " +
                             "--class-weight balanced --threshold recall:0.8 --out " + q(tmp / "m.fkm"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("PR-AUC"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(tmp / "m.fkm.report.json"));

  const auto pred = run_cli("predict --model " + q(tmp / "m.fkm") + " --data " + q(tmp / "tx_ids.csv") +
                            " --id txn_id --out " + q(tmp / "scores.csv"));
  ASSERT_EQ(pred.exit_code, 0) << pred.err;

  // In-process scores of the loaded artifact, row by row, must match the file exactly.
  const Model model = load_model((tmp / "m.fkm").string());
  CsvOptions o = model.csv_options(true);
  o.id_column = "txn_id";
  const CsvData data = read_csv((tmp / "tx_ids.csv").string(), o);
  const std::vector<double> expected = model.score(data.data, data.data.all_rows());
  std::istringstream in(testing::read_file(tmp / "scores.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "txn_id,score,decision");
  size_t i = 0;
  for (; std::getline(in, line); ++i) {
    ASSERT_LT(i, expected.size());
    const size_t c1 = line.find(','), c2 = line.rfind(',');
    EXPECT_EQ(line.substr(0, c1), "T" + std::to_string(i + 1));
    double s = 0;
    std::from_chars(line.data() + c1 + 1, line.data() + c2, s);
    ASSERT_EQ(s, expected[i]) << "row " << i;
    EXPECT_EQ(line.substr(c2 + 1), expected[i] >= model.threshold ? "1" : "0");
  }
  EXPECT_EQ(i, expected.size());

  const auto eval = run_cli("evaluate --model " + q(tmp / "m.fkm") + " --data " + q(tmp / "tx_ids.csv") +
                            " --id txn_id --json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto ej = nlohmann::json::parse(eval.out);
  EXPECT_EQ(ej.at("n").get<size_t>(), expected.size());
  EXPECT_EQ(ej.at("threshold").get<double>(), model.threshold);
}

// `fraudkit metrics` against ../shared/anchors/peer.py metrics (scikit-learn) on a real score
// vector: one feature of a shared dataset used as the score, ties included.
TEST(CliWorkflow, MetricsCommandMatchesThePeerOracle) {
  TempDir tmp;
  const CsvData d = read_csv(testing::dataset_path("mammography.csv").string(), CsvOptions{.target = "label"});
  std::string csv = "y_true,score\n";
  const auto& x = d.data.columns[3].values;
  char buf[40];
  for (size_t i = 0; i < x.size(); ++i) {
    // squash into (0,1) so log-loss and Brier are defined; keep ties by rounding the feature
    const double s = 1.0 / (1.0 + std::exp(-std::round(x[i] * 100) / 100));
    const auto r = std::to_chars(buf, buf + sizeof buf, s);
    csv += std::to_string(d.data.target[i]) + "," + std::string(buf, r.ptr) + "\n";
  }
  testing::write_file(tmp / "s.csv", csv);
  for (double threshold : {0.5, 0.62}) {
    const auto ours = run_cli("metrics --scores " + q(tmp / "s.csv") + " --label y_true --score score --json --threshold " +
                              std::to_string(threshold));
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    const auto a = nlohmann::json::parse(ours.out);
    const auto b = testing::run_python_json(testing::shared_dir() / "anchors/peer.py",
                                            "metrics --scores " + q(tmp / "s.csv") + " --threshold " + std::to_string(threshold));
    for (const char* key : {"average_precision", "roc_auc", "precision", "recall", "f1", "mcc",
                            "balanced_accuracy", "log_loss", "brier"})
      EXPECT_NEAR(a.at(key).get<double>(), b.at(key).get<double>(), 1e-9) << key << " at " << threshold;
    EXPECT_NEAR(a.at("f_beta").get<double>(), b.at("f2").get<double>(), 1e-9);
  }
}

// evaluate re-reads labels the way training read them, whatever spelling they had.
TEST(CliWorkflow, EvaluateReadsLabelsSpelledAsInTraining) {
  TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {"1.0", "0.0"}, {"True", "False"}, {"fraud", "legit"}};
  for (const auto& [pos, neg] : spellings) {
    std::string csv = "x,y\n";
    for (int i = 0; i < 200; ++i) csv += std::to_string(i % 10) + "," + (i % 10 >= 7 ? pos : neg) + "\n";
    testing::write_file(tmp / "d.csv", csv);
    const std::string positive = pos == "fraud" ? " --positive fraud" : "";
    const auto t = run_cli("train --data " + q(tmp / "d.csv") + " --target y" + positive + " --out " + q(tmp / "m.fkm"));
    ASSERT_EQ(t.exit_code, 0) << pos << ": " << t.err;
    const auto e = run_cli("evaluate --model " + q(tmp / "m.fkm") + " --data " + q(tmp / "d.csv") + " --json");
    ASSERT_EQ(e.exit_code, 0) << pos << ": " << e.err;
    EXPECT_EQ(nlohmann::json::parse(e.out).at("positives").get<int64_t>(), 60) << pos;
  }
}

TEST(CliWorkflow, SampleWeightColumnWeighsRowsAndIsNotAFeature) {
  TempDir tmp;
  std::string csv = "x,value,y\n";
  for (int i = 0; i < 300; ++i) csv += std::to_string(i % 10) + "," + std::to_string(1 + i % 3) + "," + (i % 10 >= 6 ? "1" : "0") + "\n";
  testing::write_file(tmp / "d.csv", csv);
  const auto t = run_cli("train --data " + q(tmp / "d.csv") + " --target y --sample-weight value --out " + q(tmp / "m.fkm"));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const Model m = load_model((tmp / "m.fkm").string());
  EXPECT_EQ(m.preprocess.output_names(), std::vector<std::string>{"x"});
  EXPECT_TRUE(m.metadata.at("data").at("sample_weights").get<bool>());
  testing::write_file(tmp / "neg.csv", "x,value,y\n1,-2,0\n2,1,1\n");
  const auto bad = run_cli("train --data " + q(tmp / "neg.csv") + " --target y --sample-weight value --out " + q(tmp / "n.fkm"));
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("line 2"), std::string::npos) << bad.err;
}

TEST(CliWorkflow, DemoRunsOnEmbeddedDataAndWritesItsFolder) {
  TempDir tmp;
  const auto r = run_cli("demo --rows 6000 --out-dir " + q(tmp / "demo"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("PR-AUC"), std::string::npos);
  EXPECT_NE(r.out.find("What the threshold means"), std::string::npos);
  for (const char* f : {"transactions.csv", "unweighted.fkm", "balanced.fkm", "unweighted.fkm.report.json",
                        "balanced.fkm.report.json", "summary.json"})
    EXPECT_TRUE(std::filesystem::exists(tmp / "demo" / f)) << f;
  const Model m = load_model((tmp / "demo" / "balanced.fkm").string());
  EXPECT_EQ(m.policy.spec(), "fbeta:2");
}

}  // namespace
}  // namespace fraudkit
