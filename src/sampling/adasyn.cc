// ADASYN (imbalanced-learn 0.10 ADASYN).
//
// Per class to grow (0 then 1), asked for n new rows:
// 1. Each class row's n_neighbors nearest rows among ALL rows (n_neighbors + 1 searched, column 0
//    dropped); r_i = (neighbours of another class) / n_neighbors. All r_i = 0: DataError with
//    imbalanced-learn's wording.
// 2. r_i /= sum r (the sum as numpy computes it: pairwise summation), g_i = rint(r_i * n)
//    (round half to even, as numpy.rint). The class gets sum g_i rows, which can differ from n by
//    rounding — exactly as imbalanced-learn, which reports no error unless the sum is 0.
// 3. Row i seeds g_i new rows (in class-row order); each steps toward one of its n_neighbors
//    nearest class rows (n_neighbors + 1 searched among the class, column 0 dropped), drawn
//    uniformly, with u uniform in [0, 1) (the SMOTE core with fixed seeds).
#include <cmath>
#include <string>

#include "fraudkit/error.h"
#include "sampling/over_common.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/smote_core.h"

namespace fraudkit::sampling {
namespace {

constexpr const char* kName = "adasyn";

struct AdasynParams {
  std::string sampling_strategy = "auto";  // see over::kStrategyHelp
  int n_neighbors = 5;  // neighbours that weigh each row's difficulty and that it steps toward
  std::string knn_algorithm = "auto";  // auto | brute | kd_tree
};

std::span<const ParamSpec<AdasynParams>> adasyn_table() {
  using P = AdasynParams;
  static const ParamSpec<P> table[] = {
      {.name = "sampling_strategy", .member = &P::sampling_strategy, .help = over::kStrategyHelp},
      {"n_neighbors", &P::n_neighbors, 1, 1000000,
       "neighbours (all classes) whose share of other classes weighs how many rows a row seeds; also the "
       "same-class neighbours it steps toward"},
      {.name = "knn_algorithm", .member = &P::knn_algorithm, .help = over::kAlgorithmHelp},
  };
  return table;
}

// numpy's pairwise summation (add.reduce on a contiguous float64 array), so the weights and
// hence the rounded per-row counts match imbalanced-learn's.
double numpy_sum(const double* a, size_t n) {
  if (n < 8) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += a[i];
    return s;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + static_cast<size_t>(j)];
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += a[i];
    return s;
  }
  size_t half = n / 2;
  half -= half % 8;
  return numpy_sum(a, half) + numpy_sum(a + half, n - half);
}

class Adasyn final : public Sampler {
 public:
  explicit Adasyn(AdasynParams p)
      : params_(std::move(p)),
        strategy_(over::parse_strategy(params_.sampling_strategy, kName)),
        algorithm_(over::parse_algorithm(params_.knn_algorithm, kName)) {}

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override { return fraudkit::params_to_json(params_, adasyn_table()); }

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = class_counts(input);
    require_two_classes(counts, kName);
    require_numeric(input, kName, "smotenc");
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kOverSampling);
    const int k = params_.n_neighbors;
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      if (k + 1 > input.X.rows())
        throw DataError(std::string(kName) + ": n_neighbors needs " + std::to_string(k + 1) +
                        " rows (the neighbours plus the row itself) but the data has only " +
                        std::to_string(input.X.rows()) + "; lower n_neighbors");
      require_neighbours(k + 1, counts[static_cast<size_t>(cls)], cls, kName, "n_neighbors");
    }
    require_finite(input, kName);

    const KnnOptions options = over::knn_options(algorithm_, ctx);
    ResampleResult result;
    result.kept = all_rows(static_cast<size_t>(input.X.rows()));
    std::unique_ptr<NearestNeighbors> all;
    struct Plan {
      int cls;
      RowMatrix X_class;
      std::vector<uint32_t> seeds;  // per new row, its seed (a class-row position)
    };
    std::vector<Plan> plans;
    nlohmann::json classes = nlohmann::json::object();
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      ctx.report("adasyn: weighing class " + std::to_string(cls));
      if (!all) all = std::make_unique<NearestNeighbors>(input.X, options);
      Plan plan{cls, gather_rows(input.X, rows_of_class(input.y, cls)), {}};
      const std::vector<int64_t> per_row = rows_per_seed(*all, plan.X_class, input.y, cls, n);
      for (size_t i = 0; i < per_row.size(); ++i) plan.seeds.insert(plan.seeds.end(), static_cast<size_t>(per_row[i]), static_cast<uint32_t>(i));
      classes[std::to_string(cls)] = {{"requested", n}, {"created", plan.seeds.size()}};
      plans.push_back(std::move(plan));
    }
    int64_t total = 0;
    for (const Plan& p : plans) total += static_cast<int64_t>(p.seeds.size());
    result.synthetic.resize(total, input.X.cols());
    Eigen::Index next = 0;
    for (const Plan& plan : plans) {
      ctx.report("adasyn: interpolating class " + std::to_string(plan.cls));
      const NearestNeighbors same(plan.X_class, options);
      const std::vector<uint32_t> neighbours = over::drop_first_column(same.query_self(k + 1));
      over::InterpolationSource src;
      src.seeds = src.targets = &plan.X_class;
      src.neighbours = neighbours;
      src.k = k;
      src.fixed_seeds = plan.seeds;
      const auto n = static_cast<int64_t>(plan.seeds.size());
      over::interpolate(src, n, over::derive_seed(ctx.seed, 4, static_cast<uint64_t>(plan.cls)),
                        over::thread_count(ctx), result.synthetic, next);
      next += n;
      result.synthetic_y.insert(result.synthetic_y.end(), static_cast<size_t>(n), static_cast<uint8_t>(plan.cls));
    }
    result.report = count_report(input, result, target);
    result.report["n_neighbors"] = k;
    result.report["knn_algorithm"] = all ? to_string(all->algorithm()) : to_string(algorithm_);
    result.report["classes"] = classes;
    return result;
  }

 private:
  // imbalanced-learn's g_i: rows each class row seeds.
  std::vector<int64_t> rows_per_seed(const NearestNeighbors& all, const RowMatrix& X_class,
                                     std::span<const uint8_t> y, int cls, int64_t n) const {
    const int k = params_.n_neighbors;
    const KnnResult nn = all.query(X_class, k + 1);
    std::vector<double> ratio(nn.queries());
    for (size_t q = 0; q < nn.queries(); ++q) {
      int other = 0;
      for (int j = 1; j <= k; ++j) other += y[nn.index(q, j)] != cls;
      ratio[q] = static_cast<double>(other) / k;
    }
    const double sum = numpy_sum(ratio.data(), ratio.size());
    if (sum == 0)
      throw DataError(std::string(kName) + ": Not any neigbours belong to the majority class. This case will induce "
                      "a NaN case with a division by zero. ADASYN is not suited for this specific dataset. Use SMOTE "
                      "instead. (None of the " + std::to_string(k) + " nearest neighbours of any class-" +
                      std::to_string(cls) + " row is of another class.)");
    std::vector<int64_t> per_row(ratio.size());
    int64_t created = 0;
    for (size_t q = 0; q < ratio.size(); ++q) {
      per_row[q] = static_cast<int64_t>(std::nearbyint(ratio[q] / sum * static_cast<double>(n)));
      created += per_row[q];
    }
    if (created == 0)
      throw DataError(std::string(kName) + ": No samples will be generated with the provided ratio settings. (" +
                      std::to_string(n) + " rows requested for class " + std::to_string(cls) +
                      " round to 0 per row; ask for more rows.)");
    return per_row;
  }

  AdasynParams params_;
  SamplingStrategy strategy_;
  KnnAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<Sampler> make_adasyn(const nlohmann::json& params) {
  return std::make_unique<Adasyn>(params_from_json<AdasynParams>(params, adasyn_table(), kName));
}

std::string adasyn_help() { return params_help(adasyn_table()); }

}  // namespace fraudkit::sampling
