#include "fraudkit/dataset.h"

#include <cstdio>
#include <cstring>
#include <numeric>

namespace fraudkit {

const char* to_string(ColumnType type) {
  return type == ColumnType::kNumeric ? "numeric" : "categorical";
}

int Dataset::find_column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name() == name) return static_cast<int>(i);
  return -1;
}

std::vector<ColumnSchema> Dataset::schema() const {
  std::vector<ColumnSchema> out;
  out.reserve(columns.size());
  for (const Column& c : columns) out.push_back(c.schema);
  return out;
}

RowSet Dataset::all_rows() const {
  RowSet rows(this->rows());
  std::iota(rows.begin(), rows.end(), 0u);
  return rows;
}

size_t Dataset::count_positives(std::span<const uint32_t> rows) const {
  size_t n = 0;
  for (uint32_t r : rows) n += target[r];
  return n;
}

size_t Dataset::count_positives() const {
  size_t n = 0;
  for (uint8_t t : target) n += t;
  return n;
}

Dataset Dataset::take(std::span<const uint32_t> rows) const {
  Dataset out;
  out.target_name = target_name;
  out.positive_label = positive_label;
  out.negative_label = negative_label;
  out.source = source;
  out.columns.reserve(columns.size());
  for (const Column& c : columns) {
    Column nc;
    nc.schema = c.schema;
    if (c.is_numeric()) {
      nc.values.reserve(rows.size());
      for (uint32_t r : rows) nc.values.push_back(c.values[r]);
    } else {
      nc.codes.reserve(rows.size());
      for (uint32_t r : rows) nc.codes.push_back(c.codes[r]);
    }
    out.columns.push_back(std::move(nc));
  }
  if (has_target()) {
    out.target.reserve(rows.size());
    for (uint32_t r : rows) out.target.push_back(target[r]);
  }
  if (has_weights()) {
    out.weights.reserve(rows.size());
    for (uint32_t r : rows) out.weights.push_back(weights[r]);
  }
  return out;
}

namespace {
struct Fnv1a {
  uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 1099511628211ull;
    }
  }
  void text(const std::string& s) { bytes(s.data(), s.size() + 1); }  // include the NUL
};
}  // namespace

std::string Dataset::fingerprint() const {
  Fnv1a f;
  for (const Column& c : columns) {
    f.text(c.name());
    f.text(to_string(c.type()));
    for (const std::string& cat : c.schema.categories) f.text(cat);
    if (c.is_numeric())
      f.bytes(c.values.data(), c.values.size() * sizeof(double));
    else
      f.bytes(c.codes.data(), c.codes.size() * sizeof(int32_t));
  }
  f.bytes(target.data(), target.size());
  f.bytes(weights.data(), weights.size() * sizeof(double));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(f.h));
  return buf;
}

}  // namespace fraudkit
