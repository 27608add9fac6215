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

class SmoteN final : public Sampler {
 public:
  explicit SmoteN(SmoteParams p)
      : params_(std::move(p)),
        strategy_(over::parse_strategy(params_.sampling_strategy, kName)),
        algorithm_(over::parse_algorithm(params_.knn_algorithm, kName)) {}

  std::string type_name() const override { return kName; }
  SamplingType sampling_type() const override { return SamplingType::kOverSampling; }
  nlohmann::json params_to_json() const override {
    return fraudkit::params_to_json(params_, over::smote_param_table());
  }

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
    const auto target = resolve_sampling_strategy(strategy_, counts, SamplingType::kOverSampling);
    for (const auto& [cls, n] : target)
      if (n > 0) require_neighbours(params_.k_neighbors + 1, counts[static_cast<size_t>(cls)], cls, kName, "k_neighbors");
    require_finite(input, kName);
    over::require_codes(input, kName);

    const std::vector<std::vector<double>> embedding = vdm_embedding(input);
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
          embedded(i, c) = embedding[static_cast<size_t>(c)][static_cast<size_t>(X_class(i, c))];
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
  // Per column, per code: 2 P(class 1 | code) over all rows (0 for codes that never occur, as
  // imbalanced-learn's nan_to_num; such codes are in no row anyway).
  static std::vector<std::vector<double>> vdm_embedding(const ResampleInput& input) {
    std::vector<std::vector<double>> out(static_cast<size_t>(input.X.cols()));
    for (Eigen::Index c = 0; c < input.X.cols(); ++c) {
      const auto categories = static_cast<size_t>(input.X.col(c).maxCoeff()) + 1;
      std::vector<int64_t> total(categories, 0), positive(categories, 0);
      for (Eigen::Index r = 0; r < input.X.rows(); ++r) {
        const auto code = static_cast<size_t>(input.X(r, c));
        ++total[code];
        positive[code] += input.y[static_cast<size_t>(r)];
      }
      auto& e = out[static_cast<size_t>(c)];
      e.resize(categories);
      for (size_t v = 0; v < categories; ++v)
        e[v] = total[v] == 0 ? 0.0 : 2.0 * static_cast<double>(positive[v]) / static_cast<double>(total[v]);
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

  SmoteParams params_;
  SamplingStrategy strategy_;
  KnnAlgorithm algorithm_;
};

}  // namespace

std::unique_ptr<Sampler> make_smote_n(const nlohmann::json& params) {
  return std::make_unique<SmoteN>(params_from_json<SmoteParams>(params, over::smote_param_table(), kName));
}

std::string smote_n_help() { return params_help(over::smote_param_table()); }

}  // namespace fraudkit::sampling
