// Model selection over candidate set-ups (model_selection.h).
#include "fraudkit/model_selection.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "fraudkit/classifier.h"
#include "fraudkit/error.h"
#include "fraudkit/sampler.h"

namespace fraudkit {

namespace {

struct Alias {
  const char* label;
  const char* model;
  const char* class_weight;  // "" = the shared --class-weight
  const char* sampler;       // "" = the shared --sampler (none unless given)
  const char* what;
};

constexpr Alias kAliases[] = {
    {"logreg", "logistic_regression", "none", "", "logistic regression, no class weights"},
    {"logreg_balanced", "logistic_regression", "balanced", "", "logistic regression, balanced class weights"},
    {"smote_logreg", "logistic_regression", "none", "smote", "SMOTE on the training part, then logistic regression"},
    {"gbdt", "gradient_boosting", "", "", "histogram gradient boosting"},
    {"rf", "random_forest", "", "", "random forest"},
    {"rf_balanced", "random_forest", "balanced", "", "random forest, balanced class weights"},
    {"iforest", "isolation_forest", "", "", "isolation forest (unsupervised anomaly score)"},
    {"lof", "local_outlier_factor", "", "", "local outlier factor, novelty mode (unsupervised)"},
    {"autoencoder", "autoencoder", "", "", "dense autoencoder fitted on the label-0 rows, reconstruction error"},
};

}  // namespace

std::vector<std::pair<std::string, std::string>> candidate_aliases() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Alias& a : kAliases) out.emplace_back(a.label, a.what);
  return out;
}

std::vector<Candidate> parse_candidates(const std::string& list, const TrainOptions& base,
                                        const nlohmann::json& params) {
  std::vector<Candidate> out;
  std::set<std::string> seen;
  std::stringstream s(list);
  std::string label;
  std::string known;
  for (const Alias& a : kAliases) known += std::string(known.empty() ? "" : ", ") + a.label;
  for (const ClassifierInfo& c : registered_classifiers()) known += ", " + c.name;
  while (std::getline(s, label, ',')) {
    if (label.empty()) throw UsageError("--models '" + list + "': empty candidate name; expected e.g. logreg,gbdt,rf");
    if (!seen.insert(label).second) throw UsageError("--models: candidate '" + label + "' is listed twice");
    Candidate c{label, base};
    c.options.model_params = nlohmann::json::object();
    const Alias* alias = nullptr;
    for (const Alias& a : kAliases)
      if (label == a.label) alias = &a;
    if (alias) {
      c.options.model = alias->model;
      if (*alias->class_weight) c.options.class_weight = ClassWeight::parse(alias->class_weight);
      if (*alias->sampler) {  // otherwise the shared --sampler, if any
        c.options.sampler = alias->sampler;
        c.options.sampler_params = nlohmann::json::object();
      }
    } else {
      bool registered = false;
      for (const ClassifierInfo& info : registered_classifiers()) registered |= info.name == label;
      if (!registered) throw UsageError("--models: unknown candidate '" + label + "'; known: " + known);
      c.options.model = label;
    }
    out.push_back(std::move(c));
  }
  if (out.empty()) throw UsageError("--models: no candidates; expected e.g. logreg,gbdt,rf");
  for (auto it = params.begin(); it != params.end(); ++it) {
    const size_t dot = it.key().find('.');
    const std::string owner = dot == std::string::npos ? "" : it.key().substr(0, dot);
    auto c = std::find_if(out.begin(), out.end(), [&](const Candidate& x) { return x.label == owner; });
    if (c == out.end())
      throw UsageError("--param '" + it.key() + "': with --models, name the candidate first, e.g. --param gbdt.rounds=300 "
                       "(candidates: " + list + ")");
    c->options.model_params[it.key().substr(dot + 1)] = it.value();
  }
  for (const Candidate& c : out) {  // fail on a bad parameter before any data is read
    make_classifier(c.options.model, c.options.model_params);
    if (!c.options.sampler.empty()) make_sampler(c.options.sampler, c.options.sampler_params);
  }
  return out;
}

TrainOutcome select_model(const Dataset& data, const std::vector<Candidate>& candidates, const RunContext& ctx) {
  if (candidates.empty()) throw UsageError("model selection needs at least one candidate");
  if (!data.has_target()) throw UsageError("training needs a labelled dataset (--target)");
  ctx.report("splitting");
  const TrainValTest split = stratified_split(data, candidates.front().options.split, ctx.seed);
  std::vector<TrainOutcome> outcomes;
  for (const Candidate& c : candidates) {
    ctx.report("candidate " + c.label);
    outcomes.push_back(train_on_split(data, split, c.options, ctx));
  }
  // Rank: validation AP, then validation F-beta at the tuned threshold; the listed order last.
  std::vector<size_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto key = [&](size_t i, const char* metric) { return outcomes[i].report.at("validation").at(metric).get<double>(); };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (key(a, "average_precision") != key(b, "average_precision"))
      return key(a, "average_precision") > key(b, "average_precision");
    return key(a, "f_beta") > key(b, "f_beta");
  });
  nlohmann::json rows = nlohmann::json::array();
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const size_t i = order[rank];
    const nlohmann::json& r = outcomes[i].report;
    const auto brief = [](const nlohmann::json& m) {
      return nlohmann::json{{"average_precision", m.at("average_precision")}, {"roc_auc", m.at("roc_auc")},
                            {"mcc", m.at("mcc")},
                            {"f_beta", m.at("f_beta")},
                            {"beta", m.at("beta")},
                            {"precision", m.at("precision")},
                            {"recall", m.at("recall")}};
    };
    rows.push_back({{"rank", rank + 1},
                    {"label", candidates[i].label},
                    {"model", r.at("model").at("type")},
                    {"class_weight", r.at("model").at("class_weight")},
                    {"sampler", candidates[i].options.sampler},
                    {"threshold", r.at("threshold").at("threshold")},
                    {"fit_seconds", r.at("model").at("fit_seconds")},
                    {"scoring_us_per_row", r.at("model").at("scoring_us_per_row")},
                    {"validation", brief(r.at("validation"))},
                    {"test_not_used_for_the_choice", brief(r.at("test"))}});
  }
  TrainOutcome winner = std::move(outcomes[order.front()]);
  winner.report["selection"] = {{"ranked_by", "validation average precision, then validation F-beta"},
                                {"winner", candidates[order.front()].label},
                                {"candidates", rows}};
  winner.model.metadata = winner.report;
  return winner;
}

}  // namespace fraudkit
