#pragma once
// Resampling a whole Dataset (the `resample` command and the leakage demonstration of `cv`):
// its columns become a matrix (numeric values; categorical codes flagged as categorical), the
// sampler runs, and the output becomes a Dataset with the same column names, types and
// category dictionaries. Kept rows keep their sample weight; synthetic rows get weight 1.
#include <cstdint>
#include <vector>

#include "fraudkit/dataset.h"
#include "fraudkit/run_context.h"
#include "fraudkit/sampler.h"

namespace fraudkit {

struct DatasetResampling {
  Dataset data;                       // kept rows (sampler order) then synthetic rows
  std::vector<int64_t> source_rows;   // per output row: the input row it copies, -1 = synthetic
  nlohmann::json report;              // the sampler's report
};

// Resamples `rows` of `data` (which must be labelled). Throws what the sampler throws.
DatasetResampling resample_dataset(const Dataset& data, const RowSet& rows, const Sampler& sampler,
                                   const RunContext& ctx);

}  // namespace fraudkit
