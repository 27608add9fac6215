#include "fraudkit/error.h"

namespace fraudkit {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return 2;
    case ErrorKind::kData: return 3;
    case ErrorKind::kArtifact: return 4;
    case ErrorKind::kIo: return 5;
    case ErrorKind::kInternal: return 70;
  }
  return 70;
}

}  // namespace fraudkit
