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

struct SmoteTomekParams {
  // SMOTE's strategy: auto (= not majority: the minority up to the majority's size), minority,
  // not majority, all, a ratio minority/majority in (0, 1], or counts.
  std::string sampling_strategy = "auto";
  int k_neighbors = 5;                 // SMOTE's interpolation neighbours
  std::string knn_algorithm = "auto";  // auto | brute | kd_tree (both steps)
};

std::span<const ParamSpec<SmoteTomekParams>> smote_tomek_table() {
  using P = SmoteTomekParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy,
       .help = "SMOTE's target: auto (minority up to the majority size), minority, not majority, all, "
               "a ratio minority/majority in (0, 1], or counts such as 0:5000,1:5000"},
      {"k_neighbors", &P::k_neighbors, 1, 1000000, "SMOTE: nearest minority rows to interpolate toward"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm,
       .help = "neighbour search for both steps: auto, brute or kd_tree (same result, different speed)"},
  };
  return table;
}

class SmoteTomek final : public Sampler {
 public:
  explicit SmoteTomek(SmoteTomekParams p)
      : params_(std::move(p)), algorithm_(parse_algorithm_param(params_.knn_algorithm, kName)) {
    parse_strategy_param(params_.sampling_strategy, kName);  // fail at construction, not at fit
  }

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, smote_tomek_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const nlohmann::json smote = {{"sampling_strategy", params_.sampling_strategy},
                                  {"k_neighbors", params_.k_neighbors},
                                  {"knn_algorithm", params_.knn_algorithm}};
    const KnnOptions knn = knn_options(algorithm_, ctx);
    return smote_then_clean(input, ctx, kName, smote, [&](const RowMatrix& X, std::span<const uint8_t> y) {
      return tomek_kept(X, y, {true, true}, knn, kName);
    });
  }

 private:
  SmoteTomekParams params_;
  KnnAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<Sampler> make_smote_tomek(const nlohmann::json& params) {
  return std::make_unique<SmoteTomek>(params_from_json<SmoteTomekParams>(params, smote_tomek_table(), kName));
}

std::string smote_tomek_help() { return params_help(smote_tomek_table()); }

}  // namespace fraudkit::sampling
