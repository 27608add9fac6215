#include "data/csv_source.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fraudkit/error.h"

namespace fraudkit::csv {

namespace {

// Closes a file descriptor on scope exit.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string io_message(const std::string& what, const std::string& path) {
  return "cannot " + what + " '" + path + "': " + std::strerror(errno);
}

}  // namespace

bool looks_gzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

LoadedText::~LoadedText() { unmap(); }

LoadedText::LoadedText(LoadedText&& other) noexcept
    : mapped_(other.mapped_), size_(other.size_), owned_(std::move(other.owned_)) {
  other.mapped_ = nullptr;
  other.size_ = 0;
}

LoadedText& LoadedText::operator=(LoadedText&& other) noexcept {
  if (this != &other) {
    unmap();
    mapped_ = other.mapped_;
    size_ = other.size_;
    owned_ = std::move(other.owned_);
    other.mapped_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

void LoadedText::unmap() {
  if (mapped_ != nullptr) ::munmap(const_cast<char*>(mapped_), size_);
  mapped_ = nullptr;
  size_ = 0;
}

namespace {

// Reads everything from `fd` (for pipes and other files whose size is not known up front).
std::string read_all(int fd, const std::string& path) {
  std::string bytes(size_t{1} << 16, '\0');
  size_t filled = 0;
  for (;;) {
    if (filled == bytes.size()) bytes.resize(bytes.size() * 2);
    const ssize_t got = ::read(fd, bytes.data() + filled, bytes.size() - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError(io_message("read", path));
    }
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

}  // namespace

LoadedText load_text(const std::string& path) {
  FdGuard guard{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (guard.fd < 0) throw IoError(io_message("open", path));
  struct stat st {};
  if (::fstat(guard.fd, &st) != 0) throw IoError(io_message("stat", path));
  if (S_ISDIR(st.st_mode)) throw IoError("cannot read '" + path + "': it is a directory");
  LoadedText text;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<size_t>(st.st_size);
    // MAP_POPULATE maps every page now, in one call, instead of one fault per 4 KiB later.
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, guard.fd, 0);
    if (mapped == MAP_FAILED) throw IoError(io_message("map", path));
    text.mapped_ = static_cast<const char*>(mapped);
    text.size_ = size;
  } else if (!S_ISREG(st.st_mode)) {
    text.owned_ = read_all(guard.fd, path);
  }
  if (looks_gzipped(text.view())) {
    std::string decompressed = gunzip(text.view(), path);
    text.unmap();
    text.owned_ = std::move(decompressed);
  }
  return text;
}

std::string gunzip(std::string_view compressed, const std::string& source_name) {
  z_stream zs{};
  // 15 + 32: maximum window, detect gzip or zlib headers automatically.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw IoError("zlib cannot be initialised");
  std::string out;
  out.resize(compressed.size() * 4 + 1024);
  size_t produced = 0;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  size_t remaining_in = compressed.size();
  int status = Z_OK;
  for (;;) {
    if (produced == out.size()) out.resize(out.size() * 2);
    // zlib counts in uInt; feed at most 1 GiB at a time so huge inputs cannot overflow it.
    constexpr size_t kStep = size_t{1} << 30;
    const size_t in_now = remaining_in < kStep ? remaining_in : kStep;
    const size_t out_room = out.size() - produced < kStep ? out.size() - produced : kStep;
    zs.avail_in = static_cast<uInt>(in_now);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(out_room);
    status = inflate(&zs, Z_NO_FLUSH);
    remaining_in -= in_now - zs.avail_in;
    produced += out_room - zs.avail_out;
    if (status == Z_STREAM_END) {
      // Concatenated gzip members (as `cat a.gz b.gz` makes) decompress to the concatenation.
      if (remaining_in == 0) break;
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    if (status == Z_OK) continue;
    if (status == Z_BUF_ERROR && zs.avail_out == 0) continue;  // just needs more room
    break;
  }
  const char* zmsg = zs.msg;
  inflateEnd(&zs);
  if (status != Z_STREAM_END) {
    std::string why = status == Z_BUF_ERROR ? "the stream is truncated"
                                            : (zmsg != nullptr ? zmsg : "corrupt data");
    throw DataError("'" + source_name + "' is not a valid gzip file: " + why);
  }
  out.resize(produced);
  return out;
}

}  // namespace fraudkit::csv
