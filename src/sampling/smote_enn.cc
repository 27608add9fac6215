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

struct SmoteEnnParams : SmoteStepParams {
  int n_neighbors = 3;           // ENN's voting neighbours
  std::string kind_sel = "all";  // ENN: all | mode
};

std::span<const ParamSpec<SmoteEnnParams>> smote_enn_table() {
  using P = SmoteEnnParams;
  static const ParamSpec<P> table[] = {
      smote_step_strategy_spec<P>(),
      smote_step_k_neighbors_spec<P>(),
      {"n_neighbors", &P::n_neighbors, 1, 1000000, "ENN: neighbours that vote on each row (itself excluded)"},
      {.name = "kind_sel", .member = &P::kind_sel,
       .help = "ENN: all = keep a row when all its neighbours share its class; mode = when most do"},
      smote_step_algorithm_spec<P>(),
  };
  return table;
}

class SmoteEnn final : public SmoteThenCleanSampler<SmoteEnnParams> {
 public:
  explicit SmoteEnn(SmoteEnnParams p)
      : SmoteThenCleanSampler(kName, std::move(p), smote_enn_table()), kind_(parse_kind_sel(params_.kind_sel, kName)) {}

 private:
  std::vector<uint32_t> clean(const RowMatrix& X, std::span<const uint8_t> y, const KnnOptions& knn) const override {
    return enn_kept(X, y, {true, true}, params_.n_neighbors, kind_, knn, kName);
  }

  KindSel kind_;
};

}  // namespace

std::unique_ptr<Sampler> make_smote_enn(const nlohmann::json& params) {
  return std::make_unique<SmoteEnn>(params_from_json<SmoteEnnParams>(params, smote_enn_table(), kName));
}

std::string smote_enn_help() { return params_help(smote_enn_table()); }

}  // namespace fraudkit::sampling
