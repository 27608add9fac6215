#pragma once
// Pieces shared by the over-samplers (random, SMOTE family, ADASYN) on top of
// sampler_support.h: the SMOTE-family parameter table, parameter parsing with the sampler's name
// in the message, categorical-code checks and the seeded block streams that keep generation
// independent of the thread count.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "fraudkit/neighbors.h"
#include "fraudkit/param_table.h"
#include "fraudkit/run_context.h"
#include "fraudkit/sampler.h"

namespace fraudkit::sampling::over {

// Parameters of SMOTE, SMOTENC and SMOTEN (imbalanced-learn's names and defaults).
struct SmoteParams {
  // auto (= not majority), minority, not minority, not majority, all, a ratio
  // minority/majority in (0, 1], or per-class counts such as 0:5000,1:5000.
  std::string sampling_strategy = "auto";
  int k_neighbors = 5;                 // nearest same-class rows a new row may step toward
  std::string knn_algorithm = "auto";  // neighbour search: auto | brute | kd_tree
};
std::span<const ParamSpec<SmoteParams>> smote_param_table();

// What SMOTE, SMOTENC and SMOTEN share around their generation: the name, the parameters
// (parsed at construction so bad values fail early), their JSON, and the strategy resolved
// with the k_neighbors check.
class SmoteFamilySampler : public Sampler {
 public:
  SmoteFamilySampler(const char* name, SmoteParams params);
  std::string type_name() const override { return name_; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override;

 protected:
  // The resolved strategy; DataError when a class to grow has fewer than k_neighbors + 1 rows.
  std::map<int, int64_t> resolve_target(const std::array<int64_t, 2>& counts) const;

  const char* name_;
  SmoteParams params_;
  SamplingStrategy strategy_;
  KnnAlgorithm algorithm_;
};

// The factory of a SmoteFamilySampler subclass S (constructed from SmoteParams).
template <class S>
std::unique_ptr<Sampler> make_smote_family(const nlohmann::json& params, const char* name) {
  return std::make_unique<S>(params_from_json<SmoteParams>(params, smote_param_table(), name));
}

// The help line every over-sampler uses for sampling_strategy.
inline constexpr const char* kStrategyHelp =
    "which classes to grow: auto (= not majority: the minority up to the majority's size), minority, "
    "not minority, not majority, all, a ratio minority/majority in (0, 1], or counts such as 0:5000,1:5000";
inline constexpr const char* kAlgorithmHelp =
    "neighbour search: auto, brute or kd_tree (same neighbours, different speed)";

// Parse a parameter; errors are UsageErrors prefixed with the sampler's name.
SamplingStrategy parse_strategy(const std::string& text, std::string_view sampler);
KnnAlgorithm parse_algorithm(const std::string& text, std::string_view sampler);
KnnOptions knn_options(KnnAlgorithm algorithm, const RunContext& ctx);

// Rows to create over all classes of a resolved strategy.
int64_t total_to_create(const std::map<int, int64_t>& target);

// Categorical columns must hold dictionary codes 0, 1, 2, ...: DataError naming the first cell
// that is missing (suggesting imputation) or not a non-negative integer.
void require_codes(const ResampleInput& input, std::string_view sampler);
// Number of categorical columns of the input (0 when the mask is empty).
int count_categorical(const ResampleInput& input);

// The class with fewer rows, as imbalanced-learn's min(Counter(y)): on a tie, the class that
// appears first in y.
int minority_class(const ResampleInput& input, const std::array<int64_t, 2>& counts);

// ---- deterministic parallel generation -------------------------------------------------------
// Generated rows are cut into blocks of kBlockRows; block b draws from its own
// Rng(block_seed(stream, b)). The output therefore depends on the seed alone, never on the
// number of threads or on which thread ran which block.
inline constexpr int64_t kBlockRows = 2048;
// SplitMix64 mixing of (seed, purpose, index): independent streams per class, per purpose
// (interpolation, categorical votes, ...) and per block.
uint64_t derive_seed(uint64_t seed, uint64_t purpose, uint64_t index);
inline int64_t block_count(int64_t rows) { return (rows + kBlockRows - 1) / kBlockRows; }
// ctx.threads, or the OpenMP default when 0.
int thread_count(const RunContext& ctx);

}  // namespace fraudkit::sampling::over
