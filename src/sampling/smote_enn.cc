// SMOTEENN (imbalanced-learn 0.10): SMOTE with this sampler's sampling_strategy and
// k_neighbors, then EditedNearestNeighbours with sampling_strategy "all" (imbalanced-learn's
// default when enn=None) on SMOTE's whole output. n_neighbors and kind_sel reach the ENN step
// (imbalanced-learn takes them through a user-built enn=EditedNearestNeighbours(...)).
#include <string>

#include "fraudkit/param_table.h"
#include "sampling/sampler_factories.h"
#include "sampling/under_support.h"

namespace fraudkit::sampling {
namespace {

constexpr const char* kName = "smoteenn";

struct SmoteEnnParams {
  // SMOTE's strategy: auto (= not majority: the minority up to the majority's size), minority,
  // not majority, all, a ratio minority/majority in (0, 1], or counts.
  std::string sampling_strategy = "auto";
  int k_neighbors = 5;                 // SMOTE's interpolation neighbours
  int n_neighbors = 3;                 // ENN's voting neighbours
  std::string kind_sel = "all";        // ENN: all | mode
  std::string knn_algorithm = "auto";  // auto | brute | kd_tree (both steps)
};

std::span<const ParamSpec<SmoteEnnParams>> smote_enn_table() {
  using P = SmoteEnnParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy,
       .help = "SMOTE's target: auto (minority up to the majority size), minority, not majority, all, "
               "a ratio minority/majority in (0, 1], or counts such as 0:5000,1:5000"},
      {"k_neighbors", &P::k_neighbors, 1, 1000000, "SMOTE: nearest minority rows to interpolate toward"},
      {"n_neighbors", &P::n_neighbors, 1, 1000000, "ENN: neighbours that vote on each row (itself excluded)"},
      {.name = "kind_sel", .member = &P::kind_sel,
       .help = "ENN: all = keep a row when all its neighbours share its class; mode = when most do"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm,
       .help = "neighbour search for both steps: auto, brute or kd_tree (same result, different speed)"},
  };
  return table;
}

class SmoteEnn final : public Sampler {
 public:
  explicit SmoteEnn(SmoteEnnParams p)
      : params_(std::move(p)),
        kind_(parse_kind_sel(params_.kind_sel, kName)),
        algorithm_(parse_algorithm_param(params_.knn_algorithm, kName)) {
    parse_strategy_param(params_.sampling_strategy, kName);  // fail at construction, not at fit
  }

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, smote_enn_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const nlohmann::json smote = {{"sampling_strategy", params_.sampling_strategy},
                                  {"k_neighbors", params_.k_neighbors},
                                  {"knn_algorithm", params_.knn_algorithm}};
    const KnnOptions knn = knn_options(algorithm_, ctx);
    return smote_then_clean(input, ctx, kName, smote, [&](const RowMatrix& X, std::span<const uint8_t> y) {
      return enn_kept(X, y, {true, true}, params_.n_neighbors, kind_, knn, kName);
    });
  }

 private:
  SmoteEnnParams params_;
  KindSel kind_;
  KnnAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<Sampler> make_smote_enn(const nlohmann::json& params) {
  return std::make_unique<SmoteEnn>(params_from_json<SmoteEnnParams>(params, smote_enn_table(), kName));
}

std::string smote_enn_help() { return params_help(smote_enn_table()); }

}  // namespace fraudkit::sampling
