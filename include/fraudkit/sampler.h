#pragma once
// Resamplers with imbalanced-learn 0.10 semantics: over-samplers (random, SMOTE family,
// ADASYN), under-samplers (random, Tomek links, ENN, NearMiss) and the two combinations.
// A sampler only ever sees the rows it is given (in a pipeline: the training part of a fold)
// and acts at fit time only; scoring never resamples.
//
// Output = the input rows listed in `kept` (in that order; random over-sampling and
// under-sampling with replacement repeat indices), followed by the `synthetic` rows. Same order
// as imbalanced-learn's fit_resample output.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fraudkit/neighbors.h"
#include "fraudkit/run_context.h"

namespace fraudkit {

// ---- sampling_strategy -------------------------------------------------------------------

// What the user asked for: "auto", "minority", "majority", "not minority", "not majority",
// "all", a float ratio in (0, 1] (minority / majority after resampling), or explicit per-class
// counts "0:1000,1:500" (also "{0: 1000, 1: 500}" or a JSON object).
struct SamplingStrategy {
  enum class Kind { kAuto, kMinority, kMajority, kNotMinority, kNotMajority, kAll, kRatio, kCounts };
  Kind kind = Kind::kAuto;
  double ratio = 0;                    // kRatio
  std::map<int, int64_t> counts;       // kCounts: class (0/1) -> requested count

  // Throws UsageError with the accepted spellings.
  static SamplingStrategy parse(std::string_view text);
  std::string to_string() const;
};

// How a sampler reads the strategy (imbalanced-learn's `_sampling_type`).
enum class SamplingType {
  kOverSampling,   // result: rows to ADD per class
  kUnderSampling,  // result: rows to KEEP per class
  kCleanSampling,  // result: the classes to clean (value 0 placeholder); ratio/counts refused
};

// imbalanced-learn's check_sampling_strategy for binary y: class -> number (see SamplingType).
// Classes absent from the map are left alone. class_counts = {negatives, positives}.
// Impossible requests throw DataError worded as imbalanced-learn's ValueError, e.g. a ratio
// that would require removing minority rows while over-sampling.
std::map<int, int64_t> resolve_sampling_strategy(const SamplingStrategy& strategy,
                                                 std::span<const int64_t, 2> class_counts,
                                                 SamplingType type);

// ---- samplers ----------------------------------------------------------------------------

struct ResampleInput {
  const RowMatrix& X;           // rows x features; categorical columns hold codes 0,1,2,...
  std::span<const uint8_t> y;   // 0/1, one per row
  // Per column: 1 = categorical code column. Empty = all numeric. Only SMOTENC / SMOTEN use
  // categorical columns; other neighbour-based samplers refuse them (suggesting SMOTENC);
  // random samplers copy them.
  std::vector<uint8_t> categorical;
  std::vector<std::string> feature_names;  // for error messages; may be empty
};

struct ResampleResult {
  std::vector<uint32_t> kept;       // input rows in the output, in output order
  RowMatrix synthetic;              // created rows (0 x features when none)
  std::vector<uint8_t> synthetic_y;
  nlohmann::json report = nlohmann::json::object();  // per-class counts in/out, details

  size_t rows_out() const { return kept.size() + synthetic_y.size(); }
};

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual std::string type_name() const = 0;   // registry name, e.g. "smote"
  virtual SamplingType sampling_type() const = 0;
  // ctx.seed plays imbalanced-learn's random_state; ctx.threads bounds neighbour searches.
  // Throws DataError for single-class data, NaN in features (neighbour-based samplers; the
  // message suggests imputation), k_neighbors >= rows of the class, impossible strategies.
  virtual ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const = 0;
  virtual nlohmann::json params_to_json() const = 0;
};

struct SamplerInfo {
  std::string name;          // registry name
  std::string description;   // one line, names the imbalanced-learn class it matches
  std::string params_help;
};

// Names: ros, smote, smotenc, smoten, borderline1, borderline2, adasyn, rus, tomek, enn,
// nearmiss1, nearmiss2, nearmiss3, smoteenn, smotetomek. Unknown name or parameter ->
// UsageError listing the known ones. Parameters use imbalanced-learn's names
// (sampling_strategy, k_neighbors, n_neighbors, m_neighbors, kind_sel, replacement, shrinkage,
// knn_algorithm, ...).
std::unique_ptr<Sampler> make_sampler(const std::string& name, const nlohmann::json& params);
std::vector<SamplerInfo> registered_samplers();

// The full output: kept rows then synthetic rows, with labels.
struct Resampled {
  RowMatrix X;
  std::vector<uint8_t> y;
};
Resampled materialize(const ResampleInput& input, const ResampleResult& result);

}  // namespace fraudkit
