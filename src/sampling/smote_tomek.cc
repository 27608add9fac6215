// SMOTETomek (imbalanced-learn 0.10): SMOTE with this sampler's sampling_strategy and
// k_neighbors, then TomekLinks with sampling_strategy "all" (imbalanced-learn's default when
// tomek=None) on SMOTE's whole output: both members of every link go.
#include <string>

#include "fraudkit/param_table.h"
#include "sampling/sampler_factories.h"
#include "sampling/under_support.h"

namespace fraudkit::sampling {
namespace {

constexpr const char* kName = "smotetomek";

struct SmoteTomekParams : SmoteStepParams {};

std::span<const ParamSpec<SmoteTomekParams>> smote_tomek_table() {
  using P = SmoteTomekParams;
  static const ParamSpec<P> table[] = {
      smote_step_strategy_spec<P>(),
      smote_step_k_neighbors_spec<P>(),
      smote_step_algorithm_spec<P>(),
  };
  return table;
}

class SmoteTomek final : public SmoteThenCleanSampler<SmoteTomekParams> {
 public:
  explicit SmoteTomek(SmoteTomekParams p) : SmoteThenCleanSampler(kName, std::move(p), smote_tomek_table()) {}

 private:
  std::vector<uint32_t> clean(const RowMatrix& X, std::span<const uint8_t> y, const KnnOptions& knn) const override {
    return tomek_kept(X, y, {true, true}, knn, kName);
  }
};

}  // namespace

std::unique_ptr<Sampler> make_smote_tomek(const nlohmann::json& params) {
  return std::make_unique<SmoteTomek>(params_from_json<SmoteTomekParams>(params, smote_tomek_table(), kName));
}

std::string smote_tomek_help() { return params_help(smote_tomek_table()); }

}  // namespace fraudkit::sampling
