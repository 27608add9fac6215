#pragma once
// One exception hierarchy for everything a user can get wrong. Each error carries a message a
// user can act on (file, line, column, field, expected vs got). The CLI maps the kind to a
// documented exit code (see docs/cli.md); the server will map it to a 4xx JSON body.
#include <stdexcept>
#include <string>

namespace fraudkit {

enum class ErrorKind {
  kUsage,     // bad flag or parameter value                      -> exit 2
  kData,      // malformed or unusable input data                 -> exit 3
  kArtifact,  // missing, truncated, corrupt or unknown model file -> exit 4
  kIo,        // cannot open, read or write a file                 -> exit 5
  kInternal,  // a bug: an invariant fraudkit itself broke         -> exit 70
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

struct UsageError : Error {
  explicit UsageError(const std::string& m) : Error(ErrorKind::kUsage, m) {}
};
struct DataError : Error {
  explicit DataError(const std::string& m) : Error(ErrorKind::kData, m) {}
};
struct ArtifactError : Error {
  explicit ArtifactError(const std::string& m) : Error(ErrorKind::kArtifact, m) {}
};
struct IoError : Error {
  explicit IoError(const std::string& m) : Error(ErrorKind::kIo, m) {}
};

// Process exit code for an error kind (documented in docs/cli.md).
int exit_code_for(ErrorKind kind);

}  // namespace fraudkit
