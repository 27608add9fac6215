// The sampler registry: stable CLI / config names -> factories. Adding a sampler = one row.
#include <string>

#include "fraudkit/error.h"
#include "fraudkit/sampler.h"
#include "sampling/sampler_factories.h"

namespace fraudkit {
namespace {

struct Entry {
  const char* name;
  const char* description;
  std::unique_ptr<Sampler> (*make)(const nlohmann::json&);
  std::string (*help)();
};

using namespace sampling;
const Entry kSamplers[] = {
    {"ros", "random over-sampling, optionally smoothed (imblearn RandomOverSampler)", make_random_over_sampler, random_over_sampler_help},
    {"smote", "SMOTE: interpolate between minority neighbours (imblearn SMOTE)", make_smote, smote_help},
    {"smotenc", "SMOTE for mixed numeric + categorical columns (imblearn SMOTENC)", make_smote_nc, smote_nc_help},
    {"smoten", "SMOTE for categorical-only data, value-difference metric (imblearn SMOTEN)", make_smote_n, smote_n_help},
    {"borderline1", "SMOTE seeded from minority rows in danger (imblearn BorderlineSMOTE borderline-1)", make_borderline1, borderline1_help},
    {"borderline2", "borderline SMOTE that also steps toward majority neighbours (imblearn borderline-2)", make_borderline2, borderline2_help},
    {"adasyn", "adaptive synthetic sampling: more rows where the minority is harder (imblearn ADASYN)", make_adasyn, adasyn_help},
    {"rus", "random under-sampling, with or without replacement (imblearn RandomUnderSampler)", make_random_under_sampler, random_under_sampler_help},
    {"tomek", "remove Tomek links: cross-class mutual nearest neighbours (imblearn TomekLinks)", make_tomek_links, tomek_links_help},
    {"enn", "edited nearest neighbours: drop rows their neighbours disagree with (imblearn EditedNearestNeighbours)", make_edited_nearest_neighbours, edited_nearest_neighbours_help},
    {"nearmiss1", "keep majority rows closest on average to their nearest minority rows (imblearn NearMiss version=1)", make_near_miss1, near_miss1_help},
    {"nearmiss2", "keep majority rows closest on average to the farthest minority rows (imblearn NearMiss version=2)", make_near_miss2, near_miss2_help},
    {"nearmiss3", "keep, per minority row, its nearest majority rows, then the farthest of those (imblearn NearMiss version=3)", make_near_miss3, near_miss3_help},
    {"smoteenn", "SMOTE then edited nearest neighbours on all classes (imblearn SMOTEENN)", make_smote_enn, smote_enn_help},
    {"smotetomek", "SMOTE then Tomek-link removal on all classes (imblearn SMOTETomek)", make_smote_tomek, smote_tomek_help},
};

std::string known_names() {
  std::string s;
  for (const auto& e : kSamplers) s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

}  // namespace

std::unique_ptr<Sampler> make_sampler(const std::string& name, const nlohmann::json& params) {
  for (const auto& e : kSamplers)
    if (name == e.name) return e.make(params.is_null() ? nlohmann::json::object() : params);
  throw UsageError("unknown sampler '" + name + "'; known samplers: " + known_names());
}

std::vector<SamplerInfo> registered_samplers() {
  std::vector<SamplerInfo> out;
  for (const auto& e : kSamplers) out.push_back({e.name, e.description, e.help()});
  return out;
}

}  // namespace fraudkit
