// TomekLinks (imbalanced-learn 0.10). Two rows of different classes form a Tomek link when each
// is the other's nearest neighbour. imbalanced-learn finds "the nearest neighbour" as column 1
// of kneighbors(X, 2) over all rows, self included; we do exactly that, so with exact
// duplicates column 1 can be the row itself (then it has no link). Our neighbour engine breaks
// distance ties by row index, scikit-learn's trees in their own order; docs/samplers_under.md
// gives the measured consequences.
#include <string>

#include "fraudkit/error.h"
#include "fraudkit/param_table.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/under_support.h"

namespace fraudkit::sampling {

std::vector<uint32_t> tomek_kept(const RowMatrix& X, std::span<const uint8_t> y,
                                 std::array<bool, 2> targeted, const KnnOptions& knn,
                                 std::string_view sampler, int64_t* removed, KnnAlgorithm* used) {
  const size_t n = y.size();
  require_pool(2, static_cast<int64_t>(n), true, "the data", sampler, "n_neighbors");
  KnnOptions indices_only = knn;  // a link needs only who is whose nearest neighbour
  indices_only.return_distances = false;
  const NearestNeighbors nn(X, indices_only);
  if (used) *used = nn.algorithm();
  // Equal rows have equal neighbours: one result row per group of them.
  const KnnResult r = nn.query_self_by_group(2);
  const std::vector<uint32_t>& group_of = nn.group_of();
  std::vector<uint32_t> kept;
  kept.reserve(n);
  int64_t links = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t j = r.index(group_of[i], 1);
    const bool link = targeted[y[i]] && y[j] != y[i] && r.index(group_of[j], 1) == i;
    if (link) ++links;
    else kept.push_back(static_cast<uint32_t>(i));
  }
  if (removed) *removed = links;
  return kept;
}

namespace {

constexpr const char* kName = "tomek";

struct TomekParams {
  // Classes whose link members are removed: auto (= not minority, i.e. the majority), all,
  // majority, not minority, not majority. Ratios and counts do not apply to cleaning.
  std::string sampling_strategy = "auto";
  std::string knn_algorithm = "auto";  // auto | brute | kd_tree
};

std::span<const ParamSpec<TomekParams>> tomek_table() {
  using P = TomekParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy,
       .help = "classes whose Tomek-link members are removed: auto (the majority), all, majority, "
               "not minority, not majority"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm,
       .help = "neighbour search: auto, brute or kd_tree (same result, different speed)"},
  };
  return table;
}

class TomekLinks final : public Sampler {
 public:
  explicit TomekLinks(TomekParams p)
      : params_(std::move(p)),
        strategy_(parse_strategy_param(params_.sampling_strategy, kName)),
        algorithm_(parse_algorithm_param(params_.knn_algorithm, kName)) {}

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kCleanSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, tomek_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = check_neighbour_input(input, kName);
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kCleanSampling);
    ctx.report("tomek: nearest neighbour of every row");
    ResampleResult out;
    int64_t removed = 0;
    KnnAlgorithm used = algorithm_;
    out.kept = tomek_kept(input.X, input.y, targeted_classes(target), knn_options(algorithm_, ctx), kName,
                          &removed, &used);
    out.synthetic.resize(0, input.X.cols());
    out.report = count_report(input, out, target);
    out.report["link_members_removed"] = removed;
    out.report["knn_algorithm"] = to_string(used);
    return out;
  }

 private:
  TomekParams params_;
  SamplingStrategy strategy_;
  KnnAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<Sampler> make_tomek_links(const nlohmann::json& params) {
  return std::make_unique<TomekLinks>(params_from_json<TomekParams>(params, tomek_table(), kName));
}

std::string tomek_links_help() { return params_help(tomek_table()); }

}  // namespace fraudkit::sampling
