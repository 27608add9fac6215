#include "fraudkit/training.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"
#include "fraudkit/version.h"
#include "pipeline/sampler_step.h"

namespace fraudkit {

namespace {

std::vector<uint8_t> labels_of(const Dataset& d, const RowSet& rows) {
  std::vector<uint8_t> y;
  y.reserve(rows.size());
  for (uint32_t r : rows) y.push_back(d.target[r]);
  return y;
}

std::vector<double> sample_weights_of(const Dataset& d, const RowSet& rows) {
  if (!d.has_weights()) return {};
  std::vector<double> w;
  w.reserve(rows.size());
  for (uint32_t r : rows) w.push_back(d.weights[r]);
  return w;
}

nlohmann::json part_summary(const Dataset& d, const RowSet& rows) {
  const size_t pos = d.count_positives(rows);
  return {{"rows", rows.size()},
          {"positives", pos},
          {"prevalence", rows.empty() ? 0.0 : static_cast<double>(pos) / static_cast<double>(rows.size())}};
}

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Review capacity K/N implies the k of precision@k; otherwise the caller's k.
int64_t review_k_for(const TrainOptions& o, size_t part_rows) {
  if (o.policy.kind == ThresholdPolicyKind::kCapacity)
    return static_cast<int64_t>(std::floor(o.policy.alert_rate * static_cast<double>(part_rows)));
  return o.review_k;
}

MetricOptions metric_options(const TrainOptions& o, double threshold, size_t part_rows) {
  MetricOptions m;
  m.threshold = threshold;
  m.beta = o.report_beta;
  m.cost = o.policy.kind == ThresholdPolicyKind::kCost ? o.policy.cost : o.cost;
  m.k = review_k_for(o, part_rows);
  return m;
}

}  // namespace

TrainOutcome train_model(const Dataset& data, const TrainOptions& options, const RunContext& ctx) {
  if (!data.has_target()) throw UsageError("training needs a labelled dataset (--target)");
  ctx.report("splitting");
  return train_on_split(data, stratified_split(data, options.split, ctx.seed), options, ctx);
}

TrainOutcome train_on_split(const Dataset& data, const TrainValTest& split, const TrainOptions& options,
                            const RunContext& ctx) {
  if (!data.has_target()) throw UsageError("training needs a labelled dataset (--target)");
  ctx.report("preprocessing");
  Model model;
  model.preprocess = Preprocessor(options.preprocess);
  // Checked before any fitting so a bad name or parameter fails fast.
  model.classifier = make_classifier(options.model, options.model_params);
  std::unique_ptr<Sampler> sampler;
  if (!options.sampler.empty()) sampler = make_sampler(options.sampler, options.sampler_params);

  ctx.audit("preprocess", split.train, nullptr);
  model.preprocess.fit(data, split.train);
  TransformStats val_stats, test_stats;
  Eigen::MatrixXd X_train = model.preprocess.transform(data, split.train);
  const Eigen::MatrixXd X_val = model.preprocess.transform(data, split.validation, &val_stats);
  const Eigen::MatrixXd X_test = model.preprocess.transform(data, split.test, &test_stats);
  std::vector<uint8_t> y_train = labels_of(data, split.train);
  const std::vector<uint8_t> y_val = labels_of(data, split.validation);
  const std::vector<uint8_t> y_test = labels_of(data, split.test);
  std::vector<double> sw_train = sample_weights_of(data, split.train);

  // Resampling touches the training rows only, and only here, at fit time.
  nlohmann::json sampler_json = nullptr;
  if (sampler) {
    ctx.report("resampling the training part with " + options.sampler);
    ctx.audit("sampler", split.train, &X_train);
    const auto ts = std::chrono::steady_clock::now();
    pipeline_detail::FitRows fit_rows =
        pipeline_detail::resample_fit_rows(model.preprocess, X_train, y_train, sw_train, *sampler, ctx);
    sampler_json = {{"type", options.sampler},
                    {"params", sampler->params_to_json()},
                    {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count()},
                    {"report", fit_rows.report}};
    X_train = std::move(fit_rows.X);
    y_train = std::move(fit_rows.y);
    sw_train = std::move(fit_rows.sample_weights);
  }

  ctx.report("fitting " + options.model);
  ctx.audit("classifier", split.train, &X_train);
  const std::vector<double> w_train = row_weights(options.class_weight, y_train, sw_train);
  const auto t0 = std::chrono::steady_clock::now();
  model.classifier->set_one_hot_blocks(model.preprocess.one_hot_blocks());
  model.classifier->fit(X_train, y_train, w_train);
  const double fit_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  ctx.report("tuning the threshold on validation");
  ctx.audit("threshold", split.validation, &X_val);
  const auto ts = std::chrono::steady_clock::now();
  const Eigen::VectorXd p_val = model.classifier->predict_proba(X_val);
  const double scoring_us_per_row = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - ts).count() /
                                    static_cast<double>(std::max<Eigen::Index>(1, X_val.rows()));
  const std::vector<double> s_val(p_val.data(), p_val.data() + p_val.size());
  const ThresholdChoice choice = choose_threshold(options.policy, y_val, s_val);
  model.threshold = choice.threshold;
  model.policy = options.policy;

  ctx.report("scoring the test part once");
  ctx.audit("test", split.test, &X_test);
  const Eigen::VectorXd p_test = model.classifier->predict_proba(X_test);
  const std::vector<double> s_test(p_test.data(), p_test.data() + p_test.size());

  model.target_name = data.target_name;
  model.positive_label = data.positive_label;
  model.negative_label = data.negative_label;

  nlohmann::json threshold_json = {{"policy", options.policy.spec()},
                                   {"threshold", choice.threshold},
                                   {"feasible", choice.feasible},
                                   {"validation_objective", choice.objective},
                                   {"note", choice.note}};
  if (options.policy.kind == ThresholdPolicyKind::kCost)
    threshold_json["bayes_threshold"] = choice.bayes_threshold;

  TrainOutcome out;
  out.report = {
      {"fraudkit_version", kVersion},
      {"created_at", utc_now_iso8601()},
      {"seed", ctx.seed},
      {"data", {{"source", data.source},
                {"fingerprint", data.fingerprint()},
                {"rows", data.rows()},
                {"features", data.num_features()},
                {"target", data.target_name},
                {"positive_label", data.positive_label},
                {"sample_weights", data.has_weights()},
                {"all", part_summary(data, data.all_rows())},
                {"train", part_summary(data, split.train)},
                {"validation", part_summary(data, split.validation)},
                {"test", part_summary(data, split.test)}}},
      {"preprocess", {{"params", params_to_json(options.preprocess, preprocess_param_table())},
                      {"output_features", model.preprocess.output_names()},
                      {"validation", val_stats.to_json()},
                      {"test", test_stats.to_json()}}},
      {"sampler", sampler_json},
      {"model", {{"type", options.model},
                 {"params", model.classifier->params_to_json()},
                 {"class_weight", options.class_weight.spec()},
                 {"fit_seconds", fit_seconds},
                 {"scoring_us_per_row", scoring_us_per_row},  // batch scoring of the validation part
                 {"fit_report", model.classifier->fit_report()}}},
      {"threshold", threshold_json},
      {"validation", all_metrics(y_val, s_val, metric_options(options, choice.threshold, y_val.size()))},
      {"test", all_metrics(y_test, s_test, metric_options(options, choice.threshold, y_test.size()))},
  };
  model.metadata = out.report;
  out.model = std::move(model);
  return out;
}

nlohmann::json evaluate_model(const Model& model, const Dataset& data, const MetricOptions& options) {
  if (!data.has_target())
    throw UsageError("evaluate needs the label column '" + model.target_name + "' in the data");
  TransformStats stats;
  const std::vector<double> scores = model.score(data, data.all_rows(), &stats);
  MetricOptions o = options;
  o.threshold = model.threshold;
  nlohmann::json j = all_metrics(data.target, scores, o);
  j["preprocess"] = stats.to_json();
  j["policy"] = model.policy.spec();
  return j;
}

}  // namespace fraudkit
