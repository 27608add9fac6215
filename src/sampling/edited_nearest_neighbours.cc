// PLACEHOLDER until the sampler lands: owned by the helper implementing it.
#include "fraudkit/error.h"
#include "sampling/sampler_factories.h"
namespace fraudkit::sampling {
std::unique_ptr<Sampler> make_edited_nearest_neighbours(const nlohmann::json&) { throw UsageError("sampler not built yet"); }
std::string edited_nearest_neighbours_help() { return {}; }
}
