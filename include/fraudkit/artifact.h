#pragma once
// The model artifact: one file holding the input schema, fitted preprocessing, the classifier
// (type name, hyperparameters, learned state), the frozen threshold and policy, and training
// metadata. Format (docs/artifact.md):
//   line 1  FRAUDKIT-MODEL
//   line 2  header JSON: {"format_version":1,"payload_bytes":N,"payload_crc32":"xxxxxxxx",...}
//   rest    payload JSON, exactly N bytes
// Written atomically (temp + rename). Loading checks the magic, the version, the length and the
// CRC-32 and reports each failure as an ArtifactError. Doubles are stored as shortest
// round-trip text, so a loaded model scores bit-identically to the one that was saved.
#include <string>

#include "fraudkit/model.h"

namespace fraudkit {

inline constexpr int kArtifactFormatVersion = 1;

void save_model(const Model& model, const std::string& path);
Model load_model(const std::string& path);

// In-memory forms (used by tests and, later, by the server's hot reload).
std::string serialize_model(const Model& model);
Model deserialize_model(const std::string& bytes, const std::string& source_name);

}  // namespace fraudkit
