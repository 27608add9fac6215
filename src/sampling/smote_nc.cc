// PLACEHOLDER until the sampler lands: owned by the helper implementing it.
#include "fraudkit/error.h"
#include "sampling/sampler_factories.h"
namespace fraudkit::sampling {
std::unique_ptr<Sampler> make_smote_nc(const nlohmann::json&) { throw UsageError("sampler not built yet"); }
std::string smote_nc_help() { return {}; }
}
