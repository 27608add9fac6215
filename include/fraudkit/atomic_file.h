#pragma once
// Files fraudkit writes appear whole or not at all: content goes to a temporary file beside
// the destination, is flushed and fsync'ed, then renamed over the destination. A crash or an
// exception before commit() leaves the destination untouched and removes the temporary.
#include <cstdio>
#include <string>
#include <string_view>

namespace fraudkit {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // throws IoError if the temp file cannot be created
  ~AtomicFile();                          // removes the temp file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);  // throws IoError on a short write
  void commit();                       // flush, fsync, rename; throws IoError

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// Convenience: the whole content at once.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace fraudkit
