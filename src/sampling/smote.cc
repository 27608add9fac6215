// SMOTE (imbalanced-learn 0.10 SMOTE) and the interpolation core the SMOTE family shares.
//
// Per class to grow (classes in order 0, 1): the class rows are searched for their k + 1
// nearest class rows, column 0 (the row itself) is dropped, and each new row interpolates
// between a seed drawn uniformly from the class and one of the seed's k neighbours drawn
// uniformly. Output: every input row in order, then the new rows of class 0, then of class 1.
#include <algorithm>
#include <string>

#include "fraudkit/error.h"
#include "sampling/over_common.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/smote_core.h"

namespace fraudkit::sampling {
namespace over {

std::vector<uint32_t> drop_first_column(const KnnResult& result) {
  const size_t k = static_cast<size_t>(result.k);
  const size_t n = result.queries();
  std::vector<uint32_t> out(n * (k - 1));
  for (size_t q = 0; q < n; ++q)
    std::copy(result.indices.begin() + static_cast<std::ptrdiff_t>(q * k + 1),
              result.indices.begin() + static_cast<std::ptrdiff_t>((q + 1) * k),
              out.begin() + static_cast<std::ptrdiff_t>(q * (k - 1)));
  return out;
}

namespace {

// One block of new rows. Kept free of allocation: one random stream, raw row pointers.
// `interpolated` = the columns to interpolate, nullptr = all of them (the others are copied
// from the seed).
void interpolate_block(const InterpolationSource& src, const std::vector<Eigen::Index>* interpolated,
                       int64_t begin, int64_t end, Rng& rng, RowMatrix& out, Eigen::Index first,
                       std::span<uint32_t> seed_of) {
  const RowMatrix& seeds = *src.seeds;
  const RowMatrix& targets = *src.targets;
  const Eigen::Index p = out.cols();
  const uint64_t k = static_cast<uint64_t>(src.k);
  const uint64_t draws = static_cast<uint64_t>(seeds.rows()) * k;
  const bool fixed = !src.fixed_seeds.empty();
  for (int64_t r = begin; r < end; ++r) {
    uint64_t seed = 0, cell = 0;
    if (fixed) {
      seed = src.fixed_seeds[static_cast<size_t>(r)];
      cell = seed * k + rng.below(k);
    } else {
      cell = rng.below(draws);  // seed * k + neighbour column, as imbalanced-learn draws it
      seed = cell / k;
    }
    const uint32_t target = src.neighbours[cell];
    double u = rng.uniform();
    if (!src.half_step.empty() && src.half_step[target]) u *= 0.5;
    const double* a = seeds.row(static_cast<Eigen::Index>(seed)).data();
    const double* b = targets.row(target).data();
    double* o = out.row(first + r).data();
    if (!interpolated) {
      for (Eigen::Index c = 0; c < p; ++c) o[c] = a[c] + u * (b[c] - a[c]);
    } else {
      std::copy(a, a + p, o);
      for (Eigen::Index c : *interpolated) o[c] = a[c] + u * (b[c] - a[c]);
    }
    if (!seed_of.empty()) seed_of[static_cast<size_t>(r)] = static_cast<uint32_t>(seed);
  }
}

}  // namespace

void interpolate(const InterpolationSource& src, int64_t count, uint64_t stream, int threads,
                 RowMatrix& out, Eigen::Index first, std::span<uint32_t> seed_of) {
  if (count <= 0) return;
  if (src.k < 1 || src.seeds->rows() == 0 ||
      src.neighbours.size() != static_cast<size_t>(src.seeds->rows()) * static_cast<size_t>(src.k) ||
      (!src.fixed_seeds.empty() && src.fixed_seeds.size() != static_cast<size_t>(count)) ||
      (!seed_of.empty() && seed_of.size() != static_cast<size_t>(count)) || first + count > out.rows())
    throw Error(ErrorKind::kInternal, "SMOTE interpolation: inconsistent sizes");
  std::vector<Eigen::Index> interpolated;
  if (!src.copy_columns.empty())
    for (Eigen::Index c = 0; c < out.cols(); ++c)
      if (!src.copy_columns[static_cast<size_t>(c)]) interpolated.push_back(c);
  const std::vector<Eigen::Index>* cols = src.copy_columns.empty() ? nullptr : &interpolated;

  const int64_t blocks = block_count(count);
#pragma omp parallel for schedule(static) num_threads(threads) if (blocks > 1)
  for (int64_t b = 0; b < blocks; ++b) {
    Rng rng(derive_seed(stream, 0, static_cast<uint64_t>(b)));
    const int64_t begin = b * kBlockRows, end = std::min(count, begin + kBlockRows);
    interpolate_block(src, cols, begin, end, rng, out, first, seed_of);
  }
}

}  // namespace over

namespace {

using over::SmoteParams;
constexpr const char* kName = "smote";

class Smote final : public over::SmoteFamilySampler {
 public:
  explicit Smote(SmoteParams p) : SmoteFamilySampler(kName, std::move(p)) {}

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = class_counts(input);
    require_two_classes(counts, kName);
    require_numeric(input, kName, "smotenc");
    const auto target = resolve_target(counts);
    require_finite(input, kName);

    ResampleResult result;
    result.kept = all_rows(static_cast<size_t>(input.X.rows()));
    const int64_t total = over::total_to_create(target);
    result.synthetic.resize(total, input.X.cols());
    result.synthetic_y.reserve(static_cast<size_t>(total));
    nlohmann::json classes = nlohmann::json::object();
    Eigen::Index next = 0;
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      ctx.report("smote: neighbours of class " + std::to_string(cls));
      const RowMatrix X_class = gather_rows(input.X, rows_of_class(input.y, cls));
      const NearestNeighbors index(X_class, over::knn_options(algorithm_, ctx));
      const std::vector<uint32_t> neighbours = over::drop_first_column(index.query_self(params_.k_neighbors + 1));
      ctx.report("smote: interpolating class " + std::to_string(cls));
      over::InterpolationSource src;
      src.seeds = src.targets = &X_class;
      src.neighbours = neighbours;
      src.k = params_.k_neighbors;
      over::interpolate(src, n, over::derive_seed(ctx.seed, 1, static_cast<uint64_t>(cls)), over::thread_count(ctx),
                        result.synthetic, next);
      next += n;
      result.synthetic_y.insert(result.synthetic_y.end(), static_cast<size_t>(n), static_cast<uint8_t>(cls));
      classes[std::to_string(cls)] = {{"seed_rows", X_class.rows()},
                                      {"created", n},
                                      {"knn_algorithm", to_string(index.algorithm())}};
    }
    result.report = count_report(input, result, target);
    result.report["k_neighbors"] = params_.k_neighbors;
    result.report["classes"] = classes;
    return result;
  }
};

}  // namespace

std::unique_ptr<Sampler> make_smote(const nlohmann::json& params) {
  return over::make_smote_family<Smote>(params, kName);
}

std::string smote_help() { return params_help(over::smote_param_table()); }

}  // namespace fraudkit::sampling
