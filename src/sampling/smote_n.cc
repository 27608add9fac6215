// SMOTEN (imbalanced-learn 0.10 SMOTEN) for categorical-only data.
//
// Distance: the value difference metric of imbalanced-learn's ValueDifferenceMetric (k=1, r=2)
// fitted on ALL rows: per column, each code has class-conditional probabilities
// P(class | code); two rows are sum over columns of (sum over classes |P(c|a) - P(c|b)|)^2
// apart. With two classes the inner sum is 2 |P(1|a) - P(1|b)|, so the metric is the squared
// Euclidean distance between rows embedded as 2 P(1 | code) per column, and the neighbour
// engine searches that embedding directly (no rows x rows matrix, unlike imbalanced-learn).
// Neighbours: the k_neighbors + 1 nearest class rows INCLUDING the row itself (as
// imbalanced-learn). New row: seed drawn uniformly among the class rows; each column takes the
// most frequent code among the seed's k_neighbors + 1 neighbours, ties to the smallest code
// (scipy.stats.mode). A seed therefore always yields the same row; those rows are computed once.
#include <algorithm>
#include <string>

#include "fraudkit/error.h"
#include "sampling/over_common.h"
#include "sampling/sampler_factories.h"
#include "sampling/sampler_support.h"

namespace fraudkit::sampling {
namespace {

using over::SmoteParams;
constexpr const char* kName = "smoten";

class SmoteN final : public over::SmoteFamilySampler {
 public:
  explicit SmoteN(SmoteParams p) : SmoteFamilySampler(kName, std::move(p)) {}

  ResampleResult fit_resample(const ResampleInput& input, const RunContext& ctx) const override {
    const auto counts = class_counts(input);
    require_two_classes(counts, kName);
    for (Eigen::Index c = 0; c < input.X.cols(); ++c)
      if (input.categorical.empty() || !input.categorical[static_cast<size_t>(c)])
        throw DataError(std::string(kName) + ": column " +
                        (static_cast<size_t>(c) < input.feature_names.size()
                             ? "'" + input.feature_names[static_cast<size_t>(c)] + "'"
                             : "#" + std::to_string(c)) +
                        " is numeric; SMOTEN works on categorical columns only. Use smotenc for mixed numeric and "
                        "categorical data, or smote for numeric data");
    const auto target = resolve_target(counts);
    require_finite(input, kName);
    over::require_codes(input, kName);

    const std::vector<ColumnVdm> embedding = vdm_embedding(input);
    ResampleResult result;
    result.kept = all_rows(static_cast<size_t>(input.X.rows()));
    result.synthetic.resize(over::total_to_create(target), input.X.cols());
    nlohmann::json classes = nlohmann::json::object();
    Eigen::Index next = 0;
    for (const auto& [cls, n] : target) {
      if (n == 0) continue;
      ctx.report("smoten: neighbours of class " + std::to_string(cls));
      const std::vector<uint32_t> rows = rows_of_class(input.y, cls);
      const RowMatrix X_class = gather_rows(input.X, rows);
      RowMatrix embedded(X_class.rows(), X_class.cols());
      for (Eigen::Index i = 0; i < X_class.rows(); ++i)
        for (Eigen::Index c = 0; c < X_class.cols(); ++c)
          embedded(i, c) = embedding[static_cast<size_t>(c)](X_class(i, c));
      const NearestNeighbors index(embedded, over::knn_options(algorithm_, ctx));
      const KnnResult nn = index.query_self(params_.k_neighbors + 1);
      const RowMatrix modes = mode_rows(X_class, nn);
      ctx.report("smoten: generating class " + std::to_string(cls));
      draw_rows(modes, n, over::derive_seed(ctx.seed, 6, static_cast<uint64_t>(cls)), over::thread_count(ctx),
                result.synthetic, next);
      next += n;
      result.synthetic_y.insert(result.synthetic_y.end(), static_cast<size_t>(n), static_cast<uint8_t>(cls));
      classes[std::to_string(cls)] = {
          {"seed_rows", X_class.rows()}, {"created", n}, {"knn_algorithm", to_string(index.algorithm())}};
    }
    result.report = count_report(input, result, target);
    result.report["k_neighbors"] = params_.k_neighbors;
    result.report["classes"] = classes;
    return result;
  }

 private:
  // Per column: the distinct codes (sorted) and, for each, 2 P(class 1 | code) over all rows.
  // Memory follows the distinct codes, whatever their values.
  struct ColumnVdm {
    std::vector<double> codes;
    std::vector<double> embedded;
    double operator()(double code) const {
      return embedded[static_cast<size_t>(std::lower_bound(codes.begin(), codes.end(), code) - codes.begin())];
    }
  };
  static std::vector<ColumnVdm> vdm_embedding(const ResampleInput& input) {
    std::vector<ColumnVdm> out(static_cast<size_t>(input.X.cols()));
    const auto n = static_cast<size_t>(input.X.rows());
    for (Eigen::Index c = 0; c < input.X.cols(); ++c) {
      ColumnVdm& col = out[static_cast<size_t>(c)];
      col.codes.resize(n);
      for (size_t r = 0; r < n; ++r) col.codes[r] = input.X(static_cast<Eigen::Index>(r), c);
      std::sort(col.codes.begin(), col.codes.end());
      col.codes.erase(std::unique(col.codes.begin(), col.codes.end()), col.codes.end());
      std::vector<int64_t> total(col.codes.size(), 0), positive(col.codes.size(), 0);
      for (size_t r = 0; r < n; ++r) {
        const double code = input.X(static_cast<Eigen::Index>(r), c);
        const auto v = static_cast<size_t>(std::lower_bound(col.codes.begin(), col.codes.end(), code) - col.codes.begin());
        ++total[v];
        positive[v] += input.y[r];
      }
      col.embedded.resize(col.codes.size());
      for (size_t v = 0; v < col.codes.size(); ++v)
        col.embedded[v] = 2.0 * static_cast<double>(positive[v]) / static_cast<double>(total[v]);
    }
    return out;
  }

  // Per class row: per column, the most frequent code among its neighbours, ties to the
  // smallest code.
  static RowMatrix mode_rows(const RowMatrix& X_class, const KnnResult& nn) {
    RowMatrix modes(X_class.rows(), X_class.cols());
    std::vector<double> codes(static_cast<size_t>(nn.k));
    for (Eigen::Index i = 0; i < X_class.rows(); ++i) {
      const auto neighbours = nn.row(static_cast<size_t>(i));
      for (Eigen::Index c = 0; c < X_class.cols(); ++c) {
        for (size_t j = 0; j < codes.size(); ++j) codes[j] = X_class(neighbours[j], c);
        std::sort(codes.begin(), codes.end());
        double best = codes[0];
        size_t top = 0;
        for (size_t a = 0; a < codes.size();) {
          size_t b = a;
          while (b < codes.size() && codes[b] == codes[a]) ++b;
          if (b - a > top) {  // strictly more: an equal count keeps the smaller code
            top = b - a;
            best = codes[a];
          }
          a = b;
        }
        modes(i, c) = best;
      }
    }
    return modes;
  }

  static void draw_rows(const RowMatrix& modes, int64_t n, uint64_t stream, int threads, RowMatrix& out,
                        Eigen::Index first) {
    const int64_t blocks = over::block_count(n);
#pragma omp parallel for schedule(static) num_threads(threads) if (blocks > 1)
    for (int64_t b = 0; b < blocks; ++b) {
      Rng rng(over::derive_seed(stream, 0, static_cast<uint64_t>(b)));
      const int64_t end = std::min(n, (b + 1) * over::kBlockRows);
      for (int64_t r = b * over::kBlockRows; r < end; ++r)
        out.row(first + r) = modes.row(static_cast<Eigen::Index>(rng.below(static_cast<uint64_t>(modes.rows()))));
    }
  }

};

}  // namespace

std::unique_ptr<Sampler> make_smote_n(const nlohmann::json& params) {
  return over::make_smote_family<SmoteN>(params, kName);
}

std::string smote_n_help() { return params_help(over::smote_param_table()); }

}  // namespace fraudkit::sampling
