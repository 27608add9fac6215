#pragma once
// Pieces shared by the under-samplers (random, Tomek links, ENN, NearMiss) and the combined
// samplers (SMOTEENN, SMOTETomek): input checks for neighbour-based samplers, the neighbour
// engine's options, and the two cleaning kernels the combined samplers reuse on SMOTE's output.
#include <array>
#include <functional>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fraudkit/neighbors.h"
#include "fraudkit/param_table.h"
#include "fraudkit/run_context.h"
#include "fraudkit/sampler.h"

namespace fraudkit::sampling {

// class_counts + require_two_classes + require_finite + require_numeric (suggesting one-hot
// encoding): the checks every neighbour-based under-sampler makes before any search.
std::array<int64_t, 2> check_neighbour_input(const ResampleInput& input, std::string_view sampler);

// DataError when a search for `needed` neighbours (the row itself included when
// `includes_self`) runs over a set of only `available` rows, named by `pool` ("the data",
// "class 1").
void require_pool(int64_t needed, int64_t available, bool includes_self, std::string_view pool,
                  std::string_view sampler, std::string_view parameter);

// Parses a strategy / algorithm / kind_sel parameter, prefixing errors with the sampler name.
SamplingStrategy parse_strategy_param(const std::string& text, std::string_view sampler);
KnnAlgorithm parse_algorithm_param(const std::string& text, std::string_view sampler);

KnnOptions knn_options(KnnAlgorithm algorithm, const RunContext& ctx);

// Rows per neighbour query when a sampler searches many rows: bounds what one query holds at
// once (its result and the engine's per-query bookkeeping). Each query also has a fixed cost,
// which mattered on a busy box (NearMiss-1 on cover, 283k queried rows, busy: 0.48-0.54 s with
// 131072, 0.53-0.85 s with 32768) but not on a quiet one, where 32768 is as fast (cover 0.21 s,
// http 0.11 s) and keeps NearMiss-1 within its memory allowance on http.csv (peak extra 18.2
// MB with 131072, 12.9 MB with 32768, allowance 13.2).
inline constexpr size_t kQuerySlice = 32768;

// Which classes a resolved strategy names (imbalanced-learn: `c in sampling_strategy_`).
std::array<bool, 2> targeted_classes(const std::map<int, int64_t>& target);

// imbalanced-learn's TomekLinks core: rows of targeted classes that form a Tomek link are
// removed; the rest are returned in input order. `removed` (optional) receives the number of
// link members removed, `used` the search algorithm. `sampler` names the caller in errors.
std::vector<uint32_t> tomek_kept(const RowMatrix& X, std::span<const uint8_t> y,
                                 std::array<bool, 2> targeted, const KnnOptions& knn,
                                 std::string_view sampler, int64_t* removed = nullptr,
                                 KnnAlgorithm* used = nullptr);

// imbalanced-learn's EditedNearestNeighbours core. kind_sel "all": a row of a targeted class
// survives when all its n_neighbors neighbours share its class; "mode": when the most common
// neighbour class (ties -> class 0, scipy's mode) is its class. Neighbours are columns
// 1..n_neighbors of a search for n_neighbors + 1 over all rows. Output: class 0's surviving
// rows then class 1's, each in input order (imbalanced-learn's order).
enum class KindSel { kAll, kMode };
KindSel parse_kind_sel(const std::string& text, std::string_view sampler);
std::vector<uint32_t> enn_kept(const RowMatrix& X, std::span<const uint8_t> y,
                               std::array<bool, 2> targeted, int n_neighbors, KindSel kind,
                               const KnnOptions& knn, std::string_view sampler,
                               KnnAlgorithm* used = nullptr);

// SMOTEENN / SMOTETomek: SMOTE (the registry's "smote" with `smote_params`) on the input, then
// `clean` on SMOTE's full output (its kept rows, then its synthetic rows). The cleaning's
// surviving rows that are SMOTE-kept rows map back to input rows (`kept`), the surviving
// synthetic rows go to `synthetic`, both in the cleaning's order. The report holds SMOTE's
// report under "smote" and the rows the cleaning removed per class.
using Cleaner = std::function<std::vector<uint32_t>(const RowMatrix& X, std::span<const uint8_t> y)>;
ResampleResult smote_then_clean(const ResampleInput& input, const RunContext& ctx, std::string_view sampler,
                                const nlohmann::json& smote_params, const Cleaner& clean);

// ---- SMOTEENN / SMOTETomek -------------------------------------------------------------------
// The SMOTE step's parameters; each combined sampler's parameter struct derives from this and
// adds its cleaning's.
struct SmoteStepParams {
  // SMOTE's strategy: auto (= not majority: the minority up to the majority's size), minority,
  // not majority, all, a ratio minority/majority in (0, 1], or counts.
  std::string sampling_strategy = "auto";
  int k_neighbors = 5;                 // SMOTE's interpolation neighbours
  std::string knn_algorithm = "auto";  // auto | brute | kd_tree (both steps)
};

// Their table rows, written once (a table lists strategy and k_neighbors first, the cleaning's
// parameters, then knn_algorithm).
template <class P>
ParamSpec<P> smote_step_strategy_spec() {
  return {.name = "sampling_strategy", .member = &P::sampling_strategy,
          .help = "SMOTE's target: auto (minority up to the majority size), minority, not majority, all, "
                  "a ratio minority/majority in (0, 1], or counts such as 0:5000,1:5000"};
}
template <class P>
ParamSpec<P> smote_step_k_neighbors_spec() {
  return {"k_neighbors", &P::k_neighbors, 1, 1000000, "SMOTE: nearest minority rows to interpolate toward"};
}
template <class P>
ParamSpec<P> smote_step_algorithm_spec() {
  return {.name = "knn_algorithm", .member = &P::knn_algorithm,
          .help = "neighbour search for both steps: auto, brute or kd_tree (same result, different speed)"};
}

// A combined sampler: parameters P (deriving from SmoteStepParams) described by `table`,
// SMOTE's parameters checked at construction, fit_resample = smote_then_clean with clean().
template <class P>
class SmoteThenCleanSampler : public Sampler {
 public:
  SmoteThenCleanSampler(const char* name, P params, std::span<const ParamSpec<P>> table)
      : name_(name), params_(std::move(params)), table_(table),
        algorithm_(parse_algorithm_param(params_.knn_algorithm, name)) {
    parse_strategy_param(params_.sampling_strategy, name);  // fail at construction, not at fit
  }

  std::string type_name() const override { return name_; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, table_); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const nlohmann::json smote = {{"sampling_strategy", params_.sampling_strategy},
                                  {"k_neighbors", params_.k_neighbors},
                                  {"knn_algorithm", params_.knn_algorithm}};
    const KnnOptions knn = knn_options(algorithm_, ctx);
    return smote_then_clean(input, ctx, name_, smote,
                            [&](const RowMatrix& X, std::span<const uint8_t> y) { return clean(X, y, knn); });
  }

 protected:
  // The cleaning step on SMOTE's output: the rows that stay (see Cleaner).
  virtual std::vector<uint32_t> clean(const RowMatrix& X, std::span<const uint8_t> y, const KnnOptions& knn) const = 0;

  const char* name_;
  P params_;
  std::span<const ParamSpec<P>> table_;
  KnnAlgorithm algorithm_;
};

}  // namespace fraudkit::sampling
