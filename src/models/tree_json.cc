// Tree nodes to and from artifact JSON (tree_json.h).
#include "models/tree_json.h"

#include <cmath>
#include <limits>
#include <string>

#include "fraudkit/error.h"

namespace fraudkit::models {
namespace {

// A categorical split's left categories as a list of codes; null for other nodes.
nlohmann::json left_category_codes(const TreeNode& n) {
  if (!n.categorical()) return nullptr;
  nlohmann::json codes = nlohmann::json::array();
  for (uint32_t c = 0; c < 64 * n.left_categories.size(); ++c)
    if (n.category_goes_left(c)) codes.push_back(c);
  return codes;
}

// The inverse: null leaves node i numeric, a list of codes 0..255 makes it categorical.
void set_left_categories(TreeNode& n, const nlohmann::json& codes, size_t i) {
  if (codes.is_null()) return;
  const auto bad = [&] {
    return ArtifactError("tree: node " + std::to_string(i) + " has left_categories " + codes.dump(-1).substr(0, 80) +
                         "; expected null or a list of category codes 0..255");
  };
  if (!codes.is_array() || n.feature < 0) throw bad();
  CategorySet set;
  for (const nlohmann::json& c : codes) {
    if (!c.is_number_unsigned() || c.get<uint64_t>() > 255) throw bad();
    set.insert(c.get<uint32_t>());
  }
  n.left_categories = set.words();
}

}  // namespace

nlohmann::json tree_to_json(const std::vector<TreeNode>& nodes) {
  nlohmann::json feature = nlohmann::json::array(), threshold = nlohmann::json::array(),
                 missing_left = nlohmann::json::array(), left = nlohmann::json::array(),
                 right = nlohmann::json::array(), value = nlohmann::json::array(), cover = nlohmann::json::array(),
                 rows = nlohmann::json::array(), categories = nlohmann::json::array();
  bool any_categorical = false;
  for (const TreeNode& n : nodes) {
    any_categorical |= n.categorical();
    categories.push_back(left_category_codes(n));
    feature.push_back(n.feature);
    threshold.push_back(std::isfinite(n.threshold) ? nlohmann::json(n.threshold) : nlohmann::json(nullptr));
    missing_left.push_back(n.missing_left ? 1 : 0);
    left.push_back(n.left);
    right.push_back(n.right);
    value.push_back(n.value);
    cover.push_back(n.cover);
    rows.push_back(n.rows);
  }
  nlohmann::json j = {{"feature", feature}, {"threshold", threshold}, {"missing_left", missing_left},
                      {"left", left},       {"right", right},         {"value", value},
                      {"cover", cover},     {"rows", rows}};
  if (any_categorical) j["left_categories"] = std::move(categories);  // only trees that use them
  return j;
}

std::vector<TreeNode> tree_from_json(const nlohmann::json& j) {
  const char* names[] = {"feature", "threshold", "missing_left", "left", "right", "value", "cover"};
  size_t count = 0;
  for (const char* name : names) {
    if (!j.contains(name) || !j.at(name).is_array())
      throw ArtifactError(std::string("tree: the saved tree has no '") + name + "' array");
    if (name == names[0]) count = j.at(name).size();
    if (j.at(name).size() != count)
      throw ArtifactError(std::string("tree: the saved '") + name + "' array has " + std::to_string(j.at(name).size()) +
                      " entries; expected " + std::to_string(count));
  }
  // Training row counts per node (they guide the scoring layout) were added after the first
  // artifacts; without them the layout falls back to the cover.
  const bool has_rows = j.contains("rows") && j.at("rows").is_array() && j.at("rows").size() == count;
  const bool has_categories = j.contains("left_categories");
  if (has_categories && (!j.at("left_categories").is_array() || j.at("left_categories").size() != count))
    throw ArtifactError("tree: the saved 'left_categories' is not an array of " + std::to_string(count) + " entries");
  std::vector<TreeNode> nodes(count);
  for (size_t i = 0; i < count; ++i) {
    TreeNode& n = nodes[i];
    n.feature = j["feature"][i].get<int>();
    const nlohmann::json& t = j["threshold"][i];
    n.threshold = t.is_null() ? std::numeric_limits<double>::infinity() : t.get<double>();
    n.missing_left = j["missing_left"][i].get<int>() != 0;
    n.left = j["left"][i].get<int>();
    n.right = j["right"][i].get<int>();
    n.value = j["value"][i].get<double>();
    n.cover = j["cover"][i].get<double>();
    if (has_rows) n.rows = j["rows"][i].get<uint32_t>();
    if (has_categories) set_left_categories(n, j["left_categories"][i], i);
    if (std::isnan(n.threshold) || !std::isfinite(n.value))
      throw ArtifactError("tree: node " + std::to_string(i) + " has a NaN threshold or a non-finite value");
  }
  return nodes;
}

}  // namespace fraudkit::models
