#pragma once
// Loading a CSV file's bytes into memory, decompressing gzip transparently. The reader works
// on the whole text at once: it lets record boundaries be found in one pass and the records
// be parsed by several threads.
#include <cstddef>
#include <string>
#include <string_view>

namespace fraudkit::csv {

// A file's text in memory: a plain file is mapped read-only (no copy, no zeroed buffer: the
// pages come straight from the page cache); a gzip file is decompressed into a string.
class LoadedText {
 public:
  LoadedText() = default;
  ~LoadedText();
  LoadedText(LoadedText&& other) noexcept;
  LoadedText& operator=(LoadedText&& other) noexcept;
  LoadedText(const LoadedText&) = delete;
  LoadedText& operator=(const LoadedText&) = delete;

  std::string_view view() const { return mapped_ ? std::string_view(mapped_, size_) : owned_; }

 private:
  friend LoadedText load_text(const std::string& path);
  void unmap();
  const char* mapped_ = nullptr;
  size_t size_ = 0;
  std::string owned_;
};

// Whole content of `path`, gunzipped when it starts with the gzip magic bytes (whatever its
// name). Throws IoError when the file cannot be opened or read, DataError when the gzip
// stream is corrupt or truncated.
LoadedText load_text(const std::string& path);

// Decompresses a complete gzip (or zlib) byte string, including concatenated gzip members.
// `source_name` is used in error messages.
std::string gunzip(std::string_view compressed, const std::string& source_name);

// True when `bytes` begins with the gzip magic number 1f 8b.
bool looks_gzipped(std::string_view bytes);

}  // namespace fraudkit::csv
