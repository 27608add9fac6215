#pragma once
// Shuffles the rows of a generated Dataset in place (features, target, weights together).
#include "data/generators/random.h"
#include "fraudkit/dataset.h"

namespace fraudkit::gen {

// Draws one uniformly random permutation p from `rng` and reorders every row-aligned vector so
// that new row i is old row p[i] (numpy's `column[p]`). Works one column at a time, so the
// peak extra memory is one column rather than a second copy of the Dataset.
void shuffle_rows(Dataset& data, Random& rng);

}  // namespace fraudkit::gen
