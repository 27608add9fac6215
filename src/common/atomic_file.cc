#include "fraudkit/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "fraudkit/error.h"

namespace fraudkit {

namespace {
std::string errno_text() { return std::strerror(errno); }
}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  // mkstemp gives a unique name in the destination's directory, so rename() stays atomic.
  std::string pattern = path_ + ".tmp.XXXXXX";
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw IoError("cannot create a temporary file beside '" + path_ + "': " + errno_text());
  temp_path_ = pattern;
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    ::close(fd);
    ::unlink(temp_path_.c_str());
    throw IoError("cannot open '" + temp_path_ + "' for writing: " + errno_text());
  }
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    throw IoError("cannot write to '" + path_ + "': " + errno_text());
}

void AtomicFile::commit() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0)
    throw IoError("cannot flush '" + path_ + "': " + errno_text());
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) throw IoError("cannot close '" + path_ + "': " + errno_text());
  // mkstemp creates 0600; give the result the usual permissions a plain open would.
  ::chmod(temp_path_.c_str(), 0644);
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
    throw IoError("cannot rename '" + temp_path_ + "' to '" + path_ + "': " + errno_text());
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view content) {
  AtomicFile f(path);
  f.write(content);
  f.commit();
}

}  // namespace fraudkit
