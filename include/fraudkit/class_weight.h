#pragma once
// Class weights, as scikit-learn: "none", "balanced" (n / (2 * n_class), compute_class_weight)
// or explicit "0:W0,1:W1". Combined with per-row sample weights by multiplication, exactly as
// scikit-learn's estimators do.
#include <span>
#include <string>
#include <vector>

namespace fraudkit {

struct ClassWeight {
  enum class Mode { kNone, kBalanced, kExplicit } mode = Mode::kNone;
  double w0 = 1.0, w1 = 1.0;  // kExplicit

  // "none" | "balanced" | "0:W0,1:W1" (either order). Throws UsageError otherwise.
  static ClassWeight parse(const std::string& spec);
  std::string spec() const;
};

// Per-row weights: class weight of the row's label (balanced: from the label counts of `y`)
// times sample_weight[i] (empty = 1). Throws DataError on a negative or non-finite weight.
std::vector<double> row_weights(const ClassWeight& cw, std::span<const uint8_t> y,
                                std::span<const double> sample_weight);

}  // namespace fraudkit
