#include "fraudkit/pipeline_spec.h"

#include <sstream>

#include "fraudkit/classifier.h"
#include "fraudkit/error.h"
#include "fraudkit/sampler.h"

namespace fraudkit {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

bool is_sampler(const std::string& name) {
  for (const auto& s : registered_samplers())
    if (s.name == name) return true;
  return false;
}

bool is_classifier(const std::string& name) {
  for (const auto& c : registered_classifiers())
    if (c.name == name) return true;
  return false;
}

std::string known_steps() {
  std::string s = "transformers: impute, onehot, scale, indicator; samplers:";
  for (const auto& x : registered_samplers()) s += " " + x.name;
  s += "; classifiers: logreg, logreg_balanced";
  for (const auto& c : registered_classifiers()) s += ", " + c.name;
  return s;
}

}  // namespace

void apply_pipeline_spec(const std::string& spec, TrainOptions& options) {
  std::stringstream in(spec);
  std::string step;
  bool have_model = false;
  std::string sampler;
  PreprocessParams pre;
  pre.scale = false;
  auto fail = [&](const std::string& why) {
    throw UsageError("pipeline '" + spec + "': " + why + " (known steps: " + known_steps() + ")");
  };
  while (std::getline(in, step, ',')) {
    step = trim(step);
    if (step.empty()) fail("empty step");
    if (have_model) fail("'" + step + "' comes after the classifier; the classifier must be the last step");
    if (step == "impute" || step == "onehot") continue;  // always part of preprocessing
    if (step == "scale") {
      if (!sampler.empty()) fail("'scale' comes after the sampler; transformers go before it");
      pre.scale = true;
    } else if (step == "indicator") {
      if (!sampler.empty()) fail("'indicator' comes after the sampler; transformers go before it");
      pre.missing_indicator = true;
    } else if (is_sampler(step)) {
      if (!sampler.empty()) fail("two samplers ('" + sampler + "' and '" + step + "'); a pipeline takes at most one");
      sampler = step;
    } else if (step == "logreg" || step == "logreg_balanced") {
      options.model = "logistic_regression";
      if (step == "logreg_balanced") options.class_weight = ClassWeight::parse("balanced");
      have_model = true;
    } else if (is_classifier(step)) {
      options.model = step;
      have_model = true;
    } else {
      fail("unknown step '" + step + "'");
    }
  }
  if (!have_model) fail("no classifier; end the pipeline with one, e.g. scale,smote,logreg");
  options.preprocess = pre;
  options.sampler = sampler;
}

std::string describe_pipeline(const TrainOptions& options) {
  std::string s = "impute";
  if (options.preprocess.scale) s += ",scale";
  s += ",onehot";
  if (options.preprocess.missing_indicator) s += ",indicator";
  if (!options.sampler.empty()) s += "," + options.sampler;
  s += "," + options.model;
  return s;
}

}  // namespace fraudkit
