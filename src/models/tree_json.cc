// Tree nodes to and from artifact JSON (tree_json.h).
#include "models/tree_json.h"

#include <cmath>
#include <limits>
#include <string>

#include "fraudkit/error.h"

namespace fraudkit::models {

nlohmann::json tree_to_json(const std::vector<TreeNode>& nodes) {
  nlohmann::json feature = nlohmann::json::array(), threshold = nlohmann::json::array(),
                 missing_left = nlohmann::json::array(), left = nlohmann::json::array(),
                 right = nlohmann::json::array(), value = nlohmann::json::array(), cover = nlohmann::json::array(),
                 rows = nlohmann::json::array();
  for (const TreeNode& n : nodes) {
    feature.push_back(n.feature);
    threshold.push_back(std::isfinite(n.threshold) ? nlohmann::json(n.threshold) : nlohmann::json(nullptr));
    missing_left.push_back(n.missing_left ? 1 : 0);
    left.push_back(n.left);
    right.push_back(n.right);
    value.push_back(n.value);
    cover.push_back(n.cover);
    rows.push_back(n.rows);
  }
  return {{"feature", feature}, {"threshold", threshold}, {"missing_left", missing_left}, {"left", left},
          {"right", right},     {"value", value},         {"cover", cover},
          {"rows", rows}};
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
    if (std::isnan(n.threshold) || !std::isfinite(n.value))
      throw ArtifactError("tree: node " + std::to_string(i) + " has a NaN threshold or a non-finite value");
  }
  return nodes;
}

}  // namespace fraudkit::models
