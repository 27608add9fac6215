#include "data/generators/shuffle_rows.h"

#include <vector>

namespace fraudkit::gen {

namespace {

template <class T>
void apply(std::vector<T>& v, const std::vector<uint32_t>& perm, std::vector<T>& scratch) {
  if (v.empty()) return;
  scratch.resize(v.size());
  for (size_t i = 0; i < perm.size(); ++i) scratch[i] = v[perm[i]];
  v.swap(scratch);
}

}  // namespace

void shuffle_rows(Dataset& data, Random& rng) {
  const std::vector<uint32_t> perm = rng.permutation(data.rows());
  std::vector<double> doubles;
  std::vector<int32_t> codes;
  for (Column& c : data.columns) {
    apply(c.values, perm, doubles);
    apply(c.codes, perm, codes);
  }
  std::vector<uint8_t> bytes;
  apply(data.target, perm, bytes);
  apply(data.weights, perm, doubles);
}

}  // namespace fraudkit::gen
