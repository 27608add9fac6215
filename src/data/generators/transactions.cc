// make_transactions: the reference card-transaction simulator
// (../shared/anchors/make_transactions.py) with our own seeded random source. Equal to the
// reference in distribution, not in bits (numpy's generator is PCG64 and its samplers differ).
#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <string>
#include <vector>

#include "data/generators/random.h"
#include "data/generators/shuffle_rows.h"
#include "fraudkit/generate.h"

namespace fraudkit {

namespace {

// Category codes follow this order, as in the reference.
const std::vector<std::string> kMerchants = {"grocery", "restaurant", "gas", "online", "travel"};

// The per-class distributions of the reference simulator, one row of its `block()` each.
struct ClassProfile {
  double amount_mu, amount_sigma, amount_lo, amount_hi;  // lognormal, clipped
  std::array<double, 3> hour_weights;  // for hours 0-5, 6-17, 18-23 (normalised by Categorical)
  std::array<double, 5> merchant_weights;
  double distance_scale, distance_hi;   // exponential, clipped to [0, hi]
  double count_lambda, count_lo, count_hi;  // poisson, clipped
};

constexpr ClassProfile kLegit = {4, 1, 1, 5000, {0.02, 0.06, 0.04}, {0.3, 0.25, 0.15, 0.2, 0.1},
                                 10, 100, 3, 1, 20};
constexpr ClassProfile kFraud = {6, 1.5, 100, 10000, {0.08, 0.02, 0.06}, {0.1, 0.1, 0.1, 0.5, 0.2},
                                 50, 500, 8, 1, 50};

std::vector<double> hour_table(const ClassProfile& p) {
  std::vector<double> w(24);
  for (int h = 0; h < 24; ++h) w[h] = p.hour_weights[h < 6 ? 0 : h < 18 ? 1 : 2];
  return w;
}

// Column storage for the whole table, filled block by block.
struct Columns {
  std::vector<double> amount, hour, day, distance, count;
  std::vector<int32_t> merchant;
  explicit Columns(size_t n)
      : amount(n), hour(n), day(n), distance(n), count(n), merchant(n) {}
};

// Rows [begin, end) from one class, drawn column by column in the reference's order.
void fill_block(const ClassProfile& p, size_t begin, size_t end, gen::Random& rng, Columns& c) {
  for (size_t i = begin; i < end; ++i)
    c.amount[i] = std::clamp(rng.lognormal(p.amount_mu, p.amount_sigma), p.amount_lo, p.amount_hi);
  for (size_t i = begin; i < end; ++i)
    c.distance[i] = std::clamp(rng.exponential(p.distance_scale), 0.0, p.distance_hi);
  for (size_t i = begin; i < end; ++i) {
    const auto k = static_cast<double>(rng.poisson(p.count_lambda));
    c.count[i] = std::clamp(k, p.count_lo, p.count_hi);
  }
  const std::vector<double> hours = hour_table(p);
  const gen::Categorical hour(hours);
  for (size_t i = begin; i < end; ++i) c.hour[i] = static_cast<double>(hour(rng));
  for (size_t i = begin; i < end; ++i) c.day[i] = static_cast<double>(rng.bounded(7));
  const gen::Categorical merchant(p.merchant_weights);
  for (size_t i = begin; i < end; ++i) c.merchant[i] = static_cast<int32_t>(merchant(rng));
}

Column numeric(std::string name, std::vector<double> values) {
  return Column{{std::move(name), ColumnType::kNumeric, {}}, std::move(values), {}};
}

}  // namespace

std::span<const ParamSpec<TransactionParams>> transaction_param_table() {
  static const ParamSpec<TransactionParams> table[] = {
      {"rows", &TransactionParams::rows, 1, INT_MAX, "number of transactions"},
      {"fraud_rate", &TransactionParams::fraud_rate, 0, 1,
       "share of fraud rows; n_fraud = round(rows * fraud_rate), halves to even"},
      {"seed", &TransactionParams::seed, 0, INT_MAX, "random seed"},
  };
  return table;
}

Dataset make_transactions(const TransactionParams& params) {
  check_params(params, transaction_param_table(), "make_transactions");
  const size_t rows = static_cast<size_t>(params.rows);
  // Python's round() rounds halves to even; nearbyint does too in the default rounding mode,
  // so n_fraud matches the reference for every (rows, fraud_rate).
  const size_t n_fraud = static_cast<size_t>(std::nearbyint(params.rows * params.fraud_rate));
  const size_t n_legit = rows - n_fraud;

  gen::Random rng(static_cast<uint64_t>(params.seed));
  Columns c(rows);
  fill_block(kLegit, 0, n_legit, rng, c);
  fill_block(kFraud, n_legit, rows, rng, c);

  Dataset d;
  d.columns.push_back(numeric("amount", std::move(c.amount)));
  d.columns.push_back(numeric("hour", std::move(c.hour)));
  d.columns.push_back(numeric("day_of_week", std::move(c.day)));
  d.columns.push_back(Column{{"merchant_category", ColumnType::kCategorical, kMerchants}, {},
                             std::move(c.merchant)});
  d.columns.push_back(numeric("distance_from_home", std::move(c.distance)));
  d.columns.push_back(numeric("transaction_count_24h", std::move(c.count)));
  d.target.assign(rows, 0);
  std::fill(d.target.begin() + static_cast<std::ptrdiff_t>(n_legit), d.target.end(), uint8_t{1});
  d.target_name = "is_fraud";
  d.positive_label = "1";
  d.negative_label = "0";
  d.source = "make_transactions(rows=" + std::to_string(params.rows) +
             ", fraud_rate=" + std::to_string(params.fraud_rate) +
             ", seed=" + std::to_string(params.seed) + ")";
  gen::shuffle_rows(d, rng);
  return d;
}

}  // namespace fraudkit
