// BorderlineSMOTE (imbalanced-learn 0.10 BorderlineSMOTE, kind borderline-1 / borderline-2).
//
// Per class to grow (0 then 1):
// 1. Danger rows: each class row's m_neighbors nearest rows among ALL rows (m + 1 searched,
//    column 0 dropped as imbalanced-learn does); a row is in danger when
//    m/2 <= (neighbours of another class) < m (imbalanced-learn's _in_danger_noise "danger").
//    No danger row: the class gets no new rows (imbalanced-learn silently does the same; the
//    report says so).
// 2. borderline-1: new rows interpolate from a danger row (uniform) toward one of its
//    k_neighbors nearest rows of its class, u in [0, 1) (the SMOTE core).
//    borderline-2: the k_neighbors nearest rows are searched among ALL rows; toward a neighbour
//    of the class u is in [0, 1), toward one of another class u is in [0, 0.5) (Han et al.
//    2005). This is the neighbour set imbalanced-learn uses from 0.11 (PR #1023, which fixed
//    0.10 indexing the majority rows with minority-neighbour positions) with the paper's step.
//    Exactly the requested number of rows is created (0.10 could create one fewer).
#include <string>

#include "fraudkit/error.h"
#include "sampling/over_common.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/smote_core.h"

namespace fraudkit::sampling {
namespace {

struct BorderlineParams {
  std::string sampling_strategy = "auto";  // see over::kStrategyHelp
  int k_neighbors = 5;                     // neighbours a new row may step toward
  int m_neighbors = 10;                    // neighbours (all classes) that decide "danger"
  std::string knn_algorithm = "auto";      // auto | brute | kd_tree
};

std::span<const ParamSpec<BorderlineParams>> borderline_table() {
  using P = BorderlineParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy, .help = over::kStrategyHelp},
      {"k_neighbors", &P::k_neighbors, 1, 1000000,
       "nearest rows a new row may be interpolated toward (borderline1: of the same class; borderline2: of any "
       "class, half steps toward other classes)"},
      {"m_neighbors", &P::m_neighbors, 1, 1000000,
       "nearest rows of any class that decide whether a row is in danger (m/2 <= other-class neighbours < m)"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm, .help = over::kAlgorithmHelp},
  };
  return table;
}

class BorderlineSmote final : public Sampler {
 public:
  BorderlineSmote(BorderlineParams p, int kind)
      : params_(std::move(p)),
        kind_(kind),
        name_(kind == 1 ? "borderline1" : "borderline2"),
        strategy_(over::parse_strategy(params_.sampling_strategy, name_)),
        algorithm_(over::parse_algorithm(params_.knn_algorithm, name_)) {}

  std::string type_name() const override { return name_; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, borderline_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = class_counts(input);
    require_two_classes(counts, name_);
    require_numeric(input, name_, "smotenc");
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kOverSampling);
    const int64_t rows = input.X.rows();
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      require_rows(params_.m_neighbors, rows, "m_neighbors");
      if (kind_ == 1)
        require_neighbours(params_.k_neighbors + 1, counts[static_cast<size_t>(cls)], cls, name_, "k_neighbors");
      else
        require_rows(params_.k_neighbors, rows, "k_neighbors");
    }
    require_finite(input, name_);

    const KnnOptions options = over::knn_options(algorithm_, ctx);
    ResampleResult result;
    result.kept = all_rows(static_cast<size_t>(rows));
    result.synthetic.resize(over::total_to_create(target), input.X.cols());
    nlohmann::json classes = nlohmann::json::object();
    Eigen::Index next = 0;
    std::unique_ptr<NearestNeighbors> all;  // index over all rows, built once
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      ctx.report(name_ + ": rows in danger, class " + std::to_string(cls));
      if (!all) all = std::make_unique<NearestNeighbors>(input.X, options);
      const RowMatrix X_class = gather_rows(input.X, rows_of_class(input.y, cls));
      const std::vector<uint32_t> danger = danger_rows(*all, X_class, input.y, cls);
      nlohmann::json info = {{"class_rows", X_class.rows()}, {"danger_rows", danger.size()}};
      if (danger.empty()) {
        info["created"] = 0;
        info["note"] = "no row of the class is in danger: no rows created (as imbalanced-learn)";
        classes[std::to_string(cls)] = info;
        continue;
      }
      const RowMatrix X_danger = gather_rows(X_class, danger);
      over::InterpolationSource src;
      src.seeds = &X_danger;
      src.k = params_.k_neighbors;
      std::vector<uint32_t> neighbours;
      std::vector<uint8_t> other_class;
      if (kind_ == 1) {
        const NearestNeighbors same(X_class, options);
        neighbours = over::drop_first_column(same.query(X_danger, params_.k_neighbors + 1));
        src.targets = &X_class;
      } else {
        neighbours = over::drop_first_column(all->query(X_danger, params_.k_neighbors + 1));
        src.targets = &input.X;
        other_class.resize(static_cast<size_t>(rows));
        for (size_t i = 0; i < other_class.size(); ++i) other_class[i] = input.y[i] != cls;
        src.half_step = other_class;
        int64_t toward_other = 0;
        for (uint32_t j : neighbours) toward_other += other_class[j];
        info["neighbours_of_other_class"] = toward_other;
      }
      src.neighbours = neighbours;
      ctx.report(name_ + ": interpolating class " + std::to_string(cls));
      over::interpolate(src, n, over::derive_seed(ctx.seed, 3, static_cast<uint64_t>(cls)), over::thread_count(ctx),
                        result.synthetic, next);
      next += n;
      result.synthetic_y.insert(result.synthetic_y.end(), static_cast<size_t>(n), static_cast<uint8_t>(cls));
      info["created"] = n;
      classes[std::to_string(cls)] = info;
    }
    result.synthetic.conservativeResize(next, input.X.cols());
    result.report = count_report(input, result, target);
    result.report["k_neighbors"] = params_.k_neighbors;
    result.report["m_neighbors"] = params_.m_neighbors;
    result.report["knn_algorithm"] = all ? to_string(all->algorithm()) : to_string(algorithm_);
    result.report["classes"] = classes;
    return result;
  }

 private:
  // A search over all rows for `neighbours` + 1 (the row itself) needs that many rows.
  void require_rows(int neighbours, int64_t rows, const char* parameter) const {
    if (neighbours + 1 > rows)
      throw DataError(name_ + ": " + parameter + " needs " + std::to_string(neighbours + 1) +
                      " rows (the neighbours plus the row itself) but the data has only " + std::to_string(rows) +
                      "; lower " + parameter + " to at most " + std::to_string(rows - 1));
  }

  // Positions (in X_class) of the rows in danger.
  std::vector<uint32_t> danger_rows(const NearestNeighbors& all, const RowMatrix& X_class,
                                    std::span<const uint8_t> y, int cls) const {
    const int m = params_.m_neighbors;
    const KnnResult nn = all.query(X_class, m + 1);
    std::vector<uint32_t> danger;
    for (size_t q = 0; q < nn.queries(); ++q) {
      int other = 0;
      for (int j = 1; j <= m; ++j) other += y[nn.index(q, j)] != cls;
      if (2 * other >= m && other < m) danger.push_back(static_cast<uint32_t>(q));
    }
    return danger;
  }

  BorderlineParams params_;
  int kind_;
  std::string name_;
  SamplingStrategy strategy_;
  KnnAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<Sampler> make_borderline1(const nlohmann::json& params) {
  return std::make_unique<BorderlineSmote>(params_from_json<BorderlineParams>(params, borderline_table(), "borderline1"), 1);
}
std::unique_ptr<Sampler> make_borderline2(const nlohmann::json& params) {
  return std::make_unique<BorderlineSmote>(params_from_json<BorderlineParams>(params, borderline_table(), "borderline2"), 2);
}

std::string borderline1_help() { return params_help(borderline_table()); }
std::string borderline2_help() { return params_help(borderline_table()); }

}  // namespace fraudkit::sampling
