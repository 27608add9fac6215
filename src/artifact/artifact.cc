#include "fraudkit/artifact.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <zlib.h>

#include "fraudkit/atomic_file.h"
#include "fraudkit/error.h"
#include "fraudkit/version.h"

namespace fraudkit {

namespace {

constexpr const char* kMagic = "FRAUDKIT-MODEL";

std::string crc32_hex(const std::string& bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed in chunks so payloads above 4 GiB would still be correct.
  for (size_t off = 0; off < bytes.size(); off += (1u << 30)) {
    const size_t len = std::min<size_t>(bytes.size() - off, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + off), static_cast<uInt>(len));
  }
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(crc));
  return buf;
}

nlohmann::json payload_of(const Model& m) {
  if (!m.classifier) throw Error(ErrorKind::kInternal, "cannot save a model without a classifier");
  return {
      {"target", {{"name", m.target_name}, {"positive_label", m.positive_label},
                  {"negative_label", m.negative_label}}},
      {"preprocess", {{"type", "standard"},
                      {"params", params_to_json(m.preprocess.params(), preprocess_param_table())},
                      {"state", m.preprocess.state_to_json()}}},
      {"classifier", {{"type", m.classifier->type_name()},
                      {"params", m.classifier->params_to_json()},
                      {"state", m.classifier->state_to_json()}}},
      {"decision", {{"threshold", m.threshold}, {"policy", m.policy.to_json()}}},
      {"metadata", m.metadata},
      // Room for optional sections added by later versions (calibrator, explanations, ...):
      // readers ignore keys they do not know, so old files keep loading.
      {"extensions", nlohmann::json::object()},
  };
}

Model model_of(const nlohmann::json& p) {
  Model m;
  const auto& target = p.at("target");
  m.target_name = target.at("name").get<std::string>();
  m.positive_label = target.at("positive_label").get<std::string>();
  m.negative_label = target.at("negative_label").get<std::string>();
  const auto& pre = p.at("preprocess");
  m.preprocess = Preprocessor::from_json(pre.at("params"), pre.at("state"));
  const auto& cls = p.at("classifier");
  m.classifier = load_classifier(cls.at("type").get<std::string>(), cls.at("params"), cls.at("state"));
  const auto& decision = p.at("decision");
  m.threshold = decision.at("threshold").get<double>();
  m.policy = ThresholdPolicy::from_json(decision.at("policy"));
  m.metadata = p.value("metadata", nlohmann::json::object());
  return m;
}

}  // namespace

std::string serialize_model(const Model& model) {
  const std::string payload = payload_of(model).dump();
  const nlohmann::json header = {{"format_version", kArtifactFormatVersion},
                                 {"payload_bytes", payload.size()},
                                 {"payload_crc32", crc32_hex(payload)},
                                 {"writer", std::string("fraudkit ") + kVersion}};
  return std::string(kMagic) + "\n" + header.dump() + "\n" + payload;
}

Model deserialize_model(const std::string& bytes, const std::string& source) {
  const std::string where = "model file '" + source + "'";
  const size_t first = bytes.find('\n');
  if (first == std::string::npos || bytes.compare(0, first, kMagic) != 0)
    throw ArtifactError(where + " is not a fraudkit model (it does not start with " + kMagic + ")");
  const size_t second = bytes.find('\n', first + 1);
  if (second == std::string::npos)
    throw ArtifactError(where + " is truncated: the header line is incomplete");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(first + 1, second - first - 1));
  } catch (const nlohmann::json::exception&) {
    throw ArtifactError(where + " has a corrupted header line");
  }
  const int version = header.value("format_version", -1);
  if (version != kArtifactFormatVersion)
    throw ArtifactError(where + " has format version " + std::to_string(version) +
                        "; this fraudkit (" + kVersion + ") reads version " +
                        std::to_string(kArtifactFormatVersion) +
                        (version > kArtifactFormatVersion ? " — upgrade fraudkit to load it" : ""));
  const size_t expected = header.value("payload_bytes", size_t{0});
  const std::string payload = bytes.substr(second + 1);
  if (payload.size() < expected)
    throw ArtifactError(where + " is truncated: " + std::to_string(payload.size()) + " of " +
                        std::to_string(expected) + " payload bytes present");
  if (payload.size() > expected)
    throw ArtifactError(where + " is corrupted: " + std::to_string(payload.size() - expected) +
                        " unexpected bytes after the payload");
  if (crc32_hex(payload) != header.value("payload_crc32", std::string()))
    throw ArtifactError(where + " is corrupted: the payload checksum does not match");
  try {
    return model_of(nlohmann::json::parse(payload));
  } catch (const nlohmann::json::exception& e) {
    throw ArtifactError(where + " has a valid checksum but an unreadable payload: " + e.what());
  } catch (const UsageError& e) {
    throw ArtifactError(where + ": " + e.what());
  }
}

void save_model(const Model& model, const std::string& path) {
  write_file_atomically(path, serialize_model(model));
}

Model load_model(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IoError("cannot open model file '" + path + "'");
  std::ostringstream s;
  s << f.rdbuf();
  return deserialize_model(s.str(), path);
}

}  // namespace fraudkit
