// PLACEHOLDER until the sampler lands: owned by the helper implementing it.
#include "fraudkit/error.h"
#include "sampling/sampler_factories.h"
namespace fraudkit::sampling {
std::unique_ptr<Sampler> make_borderline1(const nlohmann::json&) { throw UsageError("sampler not built yet"); }
std::string borderline1_help() { return {}; }
std::unique_ptr<Sampler> make_borderline2(const nlohmann::json&) { throw UsageError("sampler not built yet"); }
std::string borderline2_help() { return {}; }
}
