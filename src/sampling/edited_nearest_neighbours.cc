// EditedNearestNeighbours (imbalanced-learn 0.10). Every row of a targeted class asks for its
// n_neighbors + 1 nearest rows among all rows and drops column 0 (normally itself); "all"
// keeps the row when every remaining neighbour has its class, "mode" when the most common
// neighbour class is its class (ties -> class 0, as scipy.stats.mode). Only the targeted
// classes' rows are searched: with the default strategy that skips the minority entirely.
#include <algorithm>
#include <string>

#include "fraudkit/error.h"
#include "fraudkit/param_table.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/under_support.h"

namespace fraudkit::sampling {
namespace {

// Marks keep[row] = 0 for the rows in `rows` that their neighbours (columns 1..k-1 of r's row
// for it: the row of rows[q]'s group for a search by group, row q otherwise) disagree with.
void edit_rows(const KnnResult& r, const std::vector<uint32_t>* group_of, std::span<const uint32_t> rows,
               std::span<const uint8_t> y, KindSel kind, std::vector<uint8_t>& keep) {
  const int k = r.k;
  for (size_t q = 0; q < rows.size(); ++q) {
    const uint8_t cls = y[rows[q]];
    const size_t at = group_of ? (*group_of)[rows[q]] : q;
    int positives = 0;
    for (int j = 1; j < k; ++j) positives += y[r.index(at, j)];
    const int negatives = (k - 1) - positives;
    bool ok;
    if (kind == KindSel::kAll) ok = (cls == 1 ? negatives : positives) == 0;
    else ok = (positives > negatives ? 1 : 0) == cls;
    keep[rows[q]] = ok ? 1 : 0;
  }
}

}  // namespace

std::vector<uint32_t> enn_kept(const RowMatrix& X, std::span<const uint8_t> y, std::array<bool, 2> targeted,
                               int n_neighbors, KindSel kind, const KnnOptions& knn, std::string_view sampler,
                               KnnAlgorithm* used) {
  const size_t n = y.size();
  if (n_neighbors < 1) throw UsageError(std::string(sampler) + ": n_neighbors must be at least 1");
  require_pool(int64_t{n_neighbors} + 1, static_cast<int64_t>(n), true, "the data", sampler, "n_neighbors");
  std::vector<uint8_t> keep(n, 1);
  if (targeted[0] || targeted[1]) {
    // Only the neighbours' classes vote: no distances. When the targeted rows are most of the
    // data (the default strategy targets the majority), the self search is cheapest, and its
    // result is only 4 bytes per neighbour and per group of equal rows; a small targeted class
    // is searched in slices straight from X (no copy of its rows, no rows x k result). (Slicing a self-sized search
    // through the row-list query measured 35-60% slower on SMOTEENN/cover for 7 MB less peak.)
    KnnOptions indices_only = knn;
    indices_only.return_distances = false;
    const NearestNeighbors nn(X, indices_only);
    if (used) *used = nn.algorithm();
    const std::vector<uint32_t> rows =
        targeted[0] && targeted[1] ? all_rows(n) : rows_of_class(y, targeted[1] ? 1 : 0);
    if (rows.size() * 2 >= n) {
      edit_rows(nn.query_self_by_group(n_neighbors + 1), &nn.group_of(), rows, y, kind, keep);
    } else {
      for (size_t begin = 0; begin < rows.size(); begin += kQuerySlice) {
        const std::span<const uint32_t> slice =
            std::span<const uint32_t>(rows).subspan(begin, std::min(kQuerySlice, rows.size() - begin));
        edit_rows(nn.query(X, slice, n_neighbors + 1), nullptr, slice, y, kind, keep);
      }
    }
  }
  // imbalanced-learn concatenates class by class.
  std::vector<uint32_t> kept;
  kept.reserve(n);
  for (uint8_t cls = 0; cls < 2; ++cls)
    for (size_t i = 0; i < n; ++i)
      if (y[i] == cls && keep[i]) kept.push_back(static_cast<uint32_t>(i));
  return kept;
}

namespace {

constexpr const char* kName = "enn";

struct EnnParams {
  // Classes whose rows may be removed: auto (= not minority), all, majority, not minority,
  // not majority.
  std::string sampling_strategy = "auto";
  int n_neighbors = 3;                 // neighbours that vote (the row itself excluded)
  std::string kind_sel = "all";        // all | mode
  std::string knn_algorithm = "auto";  // auto | brute | kd_tree
};

std::span<const ParamSpec<EnnParams>> enn_table() {
  using P = EnnParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy,
       .help = "classes whose rows may be removed: auto (the majority), all, majority, not minority, "
               "not majority"},
      {"n_neighbors", &P::n_neighbors, 1, 1000000, "neighbours that vote on each row (itself excluded)"},
      {.name = "kind_sel", .member = &P::kind_sel,
       .help = "all: keep a row when all its neighbours share its class; mode: when most of them do"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm,
       .help = "neighbour search: auto, brute or kd_tree (same result, different speed)"},
  };
  return table;
}

class EditedNearestNeighbours final : public Sampler {
 public:
  explicit EditedNearestNeighbours(EnnParams p)
      : params_(std::move(p)),
        strategy_(parse_strategy_param(params_.sampling_strategy, kName)),
        kind_(parse_kind_sel(params_.kind_sel, kName)),
        algorithm_(parse_algorithm_param(params_.knn_algorithm, kName)) {}

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kCleanSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, enn_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = check_neighbour_input(input, kName);
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kCleanSampling);
    ctx.report("enn: neighbours of the targeted classes' rows");
    ResampleResult out;
    KnnAlgorithm used = algorithm_;
    out.kept = enn_kept(input.X, input.y, targeted_classes(target), params_.n_neighbors, kind_,
                        knn_options(algorithm_, ctx), kName, &used);
    out.synthetic.resize(0, input.X.cols());
    out.report = count_report(input, out, target);
    out.report["knn_algorithm"] = to_string(used);
    return out;
  }

 private:
  EnnParams params_;
  SamplingStrategy strategy_;
  KindSel kind_;
  KnnAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<Sampler> make_edited_nearest_neighbours(const nlohmann::json& params) {
  return std::make_unique<EditedNearestNeighbours>(params_from_json<EnnParams>(params, enn_table(), kName));
}

std::string edited_nearest_neighbours_help() { return params_help(enn_table()); }

}  // namespace fraudkit::sampling
