// PLACEHOLDER until the sampler lands: owned by the helper implementing it.
#include "fraudkit/error.h"
#include "sampling/sampler_factories.h"
namespace fraudkit::sampling {
std::unique_ptr<Sampler> make_near_miss1(const nlohmann::json&) { throw UsageError("sampler not built yet"); }
std::string near_miss1_help() { return {}; }
std::unique_ptr<Sampler> make_near_miss2(const nlohmann::json&) { throw UsageError("sampler not built yet"); }
std::string near_miss2_help() { return {}; }
std::unique_ptr<Sampler> make_near_miss3(const nlohmann::json&) { throw UsageError("sampler not built yet"); }
std::string near_miss3_help() { return {}; }
}
