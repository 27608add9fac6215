#pragma once
// One factory and one --help text per sampler; src/sampling/registry.cc lists them. Each is
// defined in the sampler's own file (smote.cc, tomek_links.cc, ...).
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "fraudkit/sampler.h"

namespace fraudkit::sampling {

#define FRAUDKIT_SAMPLER_FACTORY(fn)                                   \
  std::unique_ptr<Sampler> make_##fn(const nlohmann::json& params);   \
  std::string fn##_help();

FRAUDKIT_SAMPLER_FACTORY(random_over_sampler)
FRAUDKIT_SAMPLER_FACTORY(smote)
FRAUDKIT_SAMPLER_FACTORY(smote_nc)
FRAUDKIT_SAMPLER_FACTORY(smote_n)
FRAUDKIT_SAMPLER_FACTORY(borderline1)
FRAUDKIT_SAMPLER_FACTORY(borderline2)
FRAUDKIT_SAMPLER_FACTORY(adasyn)
FRAUDKIT_SAMPLER_FACTORY(random_under_sampler)
FRAUDKIT_SAMPLER_FACTORY(tomek_links)
FRAUDKIT_SAMPLER_FACTORY(edited_nearest_neighbours)
FRAUDKIT_SAMPLER_FACTORY(near_miss1)
FRAUDKIT_SAMPLER_FACTORY(near_miss2)
FRAUDKIT_SAMPLER_FACTORY(near_miss3)
FRAUDKIT_SAMPLER_FACTORY(smote_enn)
FRAUDKIT_SAMPLER_FACTORY(smote_tomek)

#undef FRAUDKIT_SAMPLER_FACTORY

}  // namespace fraudkit::sampling
