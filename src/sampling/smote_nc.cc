// SMOTENC (imbalanced-learn 0.10 SMOTENC) for mixed numeric and categorical columns.
//
// Distance: Euclidean over the numeric columns plus, per categorical column where two rows
// differ, median_std^2 / 2 added to the squared distance. imbalanced-learn one-hot encodes each
// categorical column with entries median_std / 2, so a mismatch differs in two entries:
// 2 (median_std / 2)^2. median_std = median over numeric columns of the column's standard
// deviation (ddof 0) over the rows of the minority class (the class with fewer rows; on a tie
// the one seen first). The neighbour engine applies that metric directly, without one-hot
// columns.
// New rows: numeric columns exactly as SMOTE (seed uniform among the class, one of its
// k_neighbors nearest class rows, u in [0, 1)); each categorical column takes the most frequent
// code among the seed's k_neighbors neighbours (the seed itself not included), ties broken
// uniformly at random, as imbalanced-learn does. Memory: the output, one seed index per new row
// and k codes of scratch — never rows x categories.
#include <algorithm>
#include <cmath>
#include <string>

#include "fraudkit/error.h"
#include "sampling/over_common.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"
#include "sampling/smote_core.h"

namespace fraudkit::sampling {
namespace {

using over::SmoteParams;
constexpr const char* kName = "smotenc";

// numpy.median of the values (mean of the two middle values for an even count).
double median(std::vector<double> v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

class SmoteNc final : public over::SmoteFamilySampler {
 public:
  explicit SmoteNc(SmoteParams p) : SmoteFamilySampler(kName, std::move(p)) {}

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = class_counts(input);
    require_two_classes(counts, kName);
    const int categorical = over::count_categorical(input);
    if (categorical == 0)
      throw DataError(std::string(kName) + ": SMOTE-NC is not designed to work only with numerical features. It "
                      "requires some categorical features. (No column is categorical: use smote.)");
    if (categorical == input.X.cols())
      throw DataError(std::string(kName) + ": SMOTE-NC is not designed to work only with categorical features. It "
                      "requires some numerical features. (Every column is categorical: use smoten.)");
    const auto target = resolve_target(counts);
    require_finite(input, kName);
    over::require_codes(input, kName);

    const double median_std = minority_median_std(input, counts);
    KnnOptions options = over::knn_options(algorithm_, ctx);
    options.categorical = input.categorical;
    options.mismatch_sq = median_std * median_std / 2;

    ResampleResult result;
    result.kept = all_rows(static_cast<size_t>(input.X.rows()));
    result.synthetic.resize(over::total_to_create(target), input.X.cols());
    nlohmann::json classes = nlohmann::json::object();
    Eigen::Index next = 0;
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      ctx.report("smotenc: neighbours of class " + std::to_string(cls));
      const RowMatrix X_class = gather_rows(input.X, rows_of_class(input.y, cls));
      const NearestNeighbors index(X_class, options);
      const std::vector<uint32_t> neighbours = over::drop_first_column(index.query_self(params_.k_neighbors + 1));
      ctx.report("smotenc: generating class " + std::to_string(cls));
      over::InterpolationSource src;
      src.seeds = src.targets = &X_class;
      src.neighbours = neighbours;
      src.k = params_.k_neighbors;
      src.copy_columns = input.categorical;
      std::vector<uint32_t> seed_of(static_cast<size_t>(n));
      const uint64_t stream = over::derive_seed(ctx.seed, 5, static_cast<uint64_t>(cls));
      over::interpolate(src, n, stream, over::thread_count(ctx), result.synthetic, next, seed_of);
      const int64_t ties = vote_categories(X_class, neighbours, input.categorical, seed_of, over::derive_seed(stream, 1, 0),
                                           over::thread_count(ctx), result.synthetic, next);
      next += n;
      result.synthetic_y.insert(result.synthetic_y.end(), static_cast<size_t>(n), static_cast<uint8_t>(cls));
      classes[std::to_string(cls)] = {{"seed_rows", X_class.rows()},
                                      {"created", n},
                                      {"votes_tied", ties},
                                      {"knn_algorithm", to_string(index.algorithm())}};
    }
    result.report = count_report(input, result, target);
    result.report["k_neighbors"] = params_.k_neighbors;
    result.report["median_std"] = median_std;
    result.report["mismatch_sq"] = options.mismatch_sq;
    result.report["classes"] = classes;
    return result;
  }

 private:
  static double minority_median_std(const ResampleInput& input, const std::array<int64_t, 2>& counts) {
    const std::vector<uint32_t> rows = rows_of_class(input.y, over::minority_class(input, counts));
    std::vector<double> stds;
    for (Eigen::Index c = 0; c < input.X.cols(); ++c) {
      if (input.categorical[static_cast<size_t>(c)]) continue;
      double mean = 0, var = 0;
      for (uint32_t r : rows) mean += input.X(r, c);
      mean /= static_cast<double>(rows.size());
      for (uint32_t r : rows) var += (input.X(r, c) - mean) * (input.X(r, c) - mean);
      stds.push_back(std::sqrt(var / static_cast<double>(rows.size())));
    }
    return median(std::move(stds));
  }

  // Each new row's categorical columns: the most frequent code among its seed's k neighbours,
  // ties drawn uniformly. Returns how many (row, column) votes were tied.
  static int64_t vote_categories(const RowMatrix& X_class, const std::vector<uint32_t>& neighbours,
                                 const std::vector<uint8_t>& categorical, const std::vector<uint32_t>& seed_of,
                                 uint64_t stream, int threads, RowMatrix& out, Eigen::Index first) {
    std::vector<Eigen::Index> columns;
    for (size_t c = 0; c < categorical.size(); ++c)
      if (categorical[c]) columns.push_back(static_cast<Eigen::Index>(c));
    const size_t k = neighbours.size() / static_cast<size_t>(X_class.rows());
    const auto n = static_cast<int64_t>(seed_of.size());
    const int64_t blocks = over::block_count(n);
    int64_t ties = 0;
#pragma omp parallel for schedule(static) num_threads(threads) if (blocks > 1) reduction(+ : ties)
    for (int64_t b = 0; b < blocks; ++b) {
      Rng rng(over::derive_seed(stream, 0, static_cast<uint64_t>(b)));
      std::vector<double> codes(k);
      std::vector<double> best;
      const int64_t end = std::min(n, (b + 1) * over::kBlockRows);
      for (int64_t r = b * over::kBlockRows; r < end; ++r) {
        const uint32_t* nb = neighbours.data() + static_cast<size_t>(seed_of[static_cast<size_t>(r)]) * k;
        for (Eigen::Index c : columns) {
          for (size_t j = 0; j < k; ++j) codes[j] = X_class(nb[j], c);
          std::sort(codes.begin(), codes.end());
          size_t top = 0;
          best.clear();
          for (size_t i = 0; i < k;) {
            size_t j = i;
            while (j < k && codes[j] == codes[i]) ++j;
            if (j - i > top) {
              top = j - i;
              best.assign(1, codes[i]);
            } else if (j - i == top) {
              best.push_back(codes[i]);
            }
            i = j;
          }
          if (best.size() > 1) ++ties;
          out(first + r, c) = best.size() == 1 ? best[0] : best[rng.below(best.size())];
        }
      }
    }
    return ties;
  }

};

}  // namespace

std::unique_ptr<Sampler> make_smote_nc(const nlohmann::json& params) {
  return over::make_smote_family<SmoteNc>(params, kName);
}

std::string smote_nc_help() { return params_help(over::smote_param_table()); }

}  // namespace fraudkit::sampling
