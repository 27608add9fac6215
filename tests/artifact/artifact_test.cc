#include "fraudkit/artifact.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "fraudkit/error.h"
#include "fraudkit/generate.h"
#include "fraudkit/training.h"
#include "test_support.h"

namespace fraudkit {
namespace {

using testing::TempDir;

struct Trained {
  Dataset data;
  TrainOutcome outcome;
};

const Trained& trained() {
  static const Trained t = [] {
    Trained r;
    r.data = make_transactions(TransactionParams{.rows = 4000, .fraud_rate = 0.05, .seed = 3});
    TrainOptions o;
    o.class_weight = ClassWeight::parse("balanced");
    o.policy = ThresholdPolicy::parse("fbeta:2");
    r.outcome = train_model(r.data, o, RunContext{});
    return r;
  }();
  return t;
}

std::string error_of(const std::string& bytes) {
  try {
    deserialize_model(bytes, "m.fkm");
  } catch (const ArtifactError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Artifact, LoadedModelScoresBitIdentically) {
  const Trained& t = trained();
  TempDir tmp;
  const std::string path = (tmp / "m.fkm").string();
  save_model(t.outcome.model, path);
  const Model loaded = load_model(path);
  const std::vector<double> a = t.outcome.model.score(t.data, t.data.all_rows());
  const std::vector<double> b = loaded.score(t.data, t.data.all_rows());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "row " << i;  // exact bits
  EXPECT_EQ(loaded.threshold, t.outcome.model.threshold);
  EXPECT_EQ(loaded.policy.spec(), "fbeta:2");
  EXPECT_EQ(loaded.target_name, "is_fraud");
  EXPECT_EQ(loaded.metadata.at("data").at("fingerprint"), t.data.fingerprint());
}

TEST(Artifact, TruncatedFileIsAClearError) {
  const std::string bytes = serialize_model(trained().outcome.model);
  EXPECT_NE(error_of(bytes.substr(0, bytes.size() - 10)).find("truncated"), std::string::npos);
  EXPECT_NE(error_of(bytes.substr(0, 20)).find("truncated"), std::string::npos);
}

TEST(Artifact, FlippedByteFailsTheChecksum) {
  std::string bytes = serialize_model(trained().outcome.model);
  bytes[bytes.size() - 100] ^= 0x01;
  EXPECT_NE(error_of(bytes).find("checksum"), std::string::npos);
}

TEST(Artifact, UnknownFormatVersionIsRefusedWithTheVersions) {
  std::string bytes = serialize_model(trained().outcome.model);
  const std::string key = "\"format_version\":1";
  const size_t at = bytes.find(key);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, key.size(), "\"format_version\":9");
  const std::string msg = error_of(bytes);
  EXPECT_NE(msg.find("format version 9"), std::string::npos) << msg;
  EXPECT_NE(msg.find("upgrade"), std::string::npos) << msg;
}

TEST(Artifact, NotAModelFile) {
  EXPECT_NE(error_of("amount,hour\n1,2\n").find("not a fraudkit model"), std::string::npos);
  EXPECT_NE(error_of("").find("not a fraudkit model"), std::string::npos);
}

TEST(Artifact, UnknownClassifierTypeListsTheKnownOnes) {
  // Rebuild a valid file (right length and checksum) whose payload names an unknown model.
  const std::string bytes = serialize_model(trained().outcome.model);
  const size_t header_end = bytes.find('\n', bytes.find('\n') + 1);
  nlohmann::json payload = nlohmann::json::parse(bytes.substr(header_end + 1));
  payload["classifier"]["type"] = "quantum_forest";
  const std::string body = payload.dump();
  nlohmann::json header = nlohmann::json::parse(bytes.substr(bytes.find('\n') + 1, header_end - bytes.find('\n') - 1));
  header["payload_bytes"] = body.size();
  // A wrong checksum would mask the type error: recompute it with zlib directly.
  header["payload_crc32"] = testing::crc32_hex(body);
  const std::string forged = "FRAUDKIT-MODEL\n" + header.dump() + "\n" + body;
  const std::string msg = error_of(forged);
  EXPECT_NE(msg.find("quantum_forest"), std::string::npos) << msg;
  EXPECT_NE(msg.find("logistic_regression"), std::string::npos) << msg;
}

TEST(Artifact, FailedSaveLeavesNoFileAndKeepsTheOldOne) {
  TempDir tmp;
  const std::string path = (tmp / "m.fkm").string();
  save_model(trained().outcome.model, path);
  const std::string before = testing::read_file(path);
  Model empty;  // no classifier: serialisation fails before anything is written
  EXPECT_THROW(save_model(empty, path), Error);
  EXPECT_EQ(testing::read_file(path), before);
  EXPECT_THROW(save_model(trained().outcome.model, (tmp / "no/such/dir/m.fkm").string()), IoError);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary left behind
}

TEST(Artifact, MissingFileIsAnIoError) { EXPECT_THROW(load_model("/nonexistent/m.fkm"), IoError); }

}  // namespace
}  // namespace fraudkit
