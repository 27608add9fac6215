#pragma once
// Loading a CSV file's bytes into memory, decompressing gzip transparently. The reader works
// on the whole text at once: it lets record boundaries be found in one pass and the records
// be parsed by several threads.
#include <string>

namespace fraudkit::csv {

// Whole content of `path`, gunzipped when it starts with the gzip magic bytes (whatever its
// name). Throws IoError when the file cannot be opened or read, DataError when the gzip
// stream is corrupt or truncated.
std::string load_text(const std::string& path);

// Decompresses a complete gzip (or zlib) byte string, including concatenated gzip members.
// `source_name` is used in error messages.
std::string gunzip(const std::string& compressed, const std::string& source_name);

// True when `bytes` begins with the gzip magic number 1f 8b.
bool looks_gzipped(const std::string& bytes);

}  // namespace fraudkit::csv
