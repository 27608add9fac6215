#pragma once
// Text -> code dictionary for categorical columns, codes in order of first appearance.
// Lookups take a string_view (heterogeneous lookup), so a field already seen costs a hash
// and a compare, never an allocation.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fraudkit::csv {

// Cache-line aligned: chunk dictionaries are allocated side by side and written by different
// threads, which must not share a line.
class alignas(64) Dictionary {
 public:
  int32_t code_of(std::string_view text) {
    // Columns repeat values in runs (a 0/1 target is mostly 0): check the last one first.
    if (last_code_ >= 0 && text == texts_[static_cast<size_t>(last_code_)]) return last_code_;
    auto it = index_.find(text);
    if (it != index_.end()) return last_code_ = it->second;
    const auto code = static_cast<int32_t>(texts_.size());
    texts_.emplace_back(text);
    index_.emplace(texts_.back(), code);
    return last_code_ = code;
  }
  const std::vector<std::string>& texts() const { return texts_; }
  size_t size() const { return texts_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> index_;
  std::vector<std::string> texts_;
  int32_t last_code_ = -1;
};

}  // namespace fraudkit::csv
