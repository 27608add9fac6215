#pragma once
// One tree's nodes as artifact JSON: parallel arrays (feature, threshold, missing_left, left,
// right, value, cover, rows) rather than one object per node, which keeps a 200-tree model's file
// and parse time small. An infinite threshold (a split above the last bin edge) is saved as
// null, since JSON has no infinity. Doubles round-trip exactly (shortest round-trip text).
// Trees with categorical splits add "left_categories": per node null, or the category codes
// that go left.
#include <vector>

#include <nlohmann/json.hpp>

#include "models/histogram_tree.h"

namespace fraudkit::models {

nlohmann::json tree_to_json(const std::vector<TreeNode>& nodes);
// Throws ArtifactError when the arrays are missing, of different lengths or of the wrong types.
std::vector<TreeNode> tree_from_json(const nlohmann::json& j);

}  // namespace fraudkit::models
