#pragma once
// The interpolation core of the SMOTE family (imbalanced-learn's BaseSMOTE._make_samples and
// _generate_samples), shared by SMOTE, BorderlineSMOTE, ADASYN and SMOTENC:
//
//   new = seed + u * (neighbour - seed),   u uniform in [0, 1)
//
// The seed is drawn uniformly among the seed rows (SMOTE, borderline: imbalanced-learn draws
// one integer in [0, seeds * k) and splits it into seed and neighbour column, which is what we
// do too) or fixed per new row (ADASYN); the neighbour uniformly among the seed's k neighbours.
// New rows are written straight into the caller's output matrix, in parallel blocks with
// independent seeded streams (over_common.h), so the result depends on the seed alone.
#include <cstdint>
#include <span>
#include <vector>

#include "fraudkit/neighbors.h"

namespace fraudkit::sampling::over {

// Neighbour lists without column 0: imbalanced-learn asks for k + 1 neighbours of points that
// are themselves fitted and drops the first column (the point itself, or a duplicate of it
// with a smaller index). Row-major, queries x (result.k - 1).
std::vector<uint32_t> drop_first_column(const KnnResult& result);

struct InterpolationSource {
  const RowMatrix* seeds = nullptr;    // the points new rows start from
  const RowMatrix* targets = nullptr;  // the points neighbour indices refer to
  std::span<const uint32_t> neighbours;  // seeds->rows() x k, row-major, indices into targets
  int k = 0;
  // Per new row, the seed it starts from (ADASYN); empty = drawn uniformly per new row.
  std::span<const uint32_t> fixed_seeds;
  // Per target row: 1 = the step toward it is uniform in [0, 0.5) instead of [0, 1)
  // (borderline-2: neighbours of the other class). Empty = full steps everywhere.
  std::span<const uint8_t> half_step;
  // Per column: 1 = copy the seed's value instead of interpolating (SMOTENC's categorical
  // columns, filled afterwards by a vote). Empty = interpolate every column.
  std::span<const uint8_t> copy_columns;
};

// Writes `count` new rows into out.row(first) .. out.row(first + count - 1). `stream` seeds the
// per-block random streams. `seed_of`, when not empty (size count), receives each new row's
// seed index (a row of src.seeds).
void interpolate(const InterpolationSource& src, int64_t count, uint64_t stream, int threads,
                 RowMatrix& out, Eigen::Index first, std::span<uint32_t> seed_of = {});

}  // namespace fraudkit::sampling::over
