// materialize: a sampler's result (kept input rows + created rows) as one output matrix.
// The output is usually the largest thing a resampling run writes (SMOTE on 1M rows: 150 MB),
// and writing fresh memory costs page faults as much as bandwidth: big outputs ask the kernel
// for huge pages (one fault per 2 MB instead of per 4 KB, where transparent huge pages are
// enabled on request, Debian's default) and are copied by all threads.
#include <omp.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "fraudkit/sampler.h"

namespace fraudkit {

namespace {
// Below this many output rows one thread copies (waking a team costs more).
constexpr Eigen::Index kParallelRows = 65536;

// Advice only: the kernel may ignore it, and nothing depends on it but speed.
void prefer_huge_pages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}
}  // namespace

Resampled materialize(const ResampleInput& input, const ResampleResult& result) {
  Resampled out;
  const auto n = static_cast<Eigen::Index>(result.rows_out());
  const auto kept = static_cast<Eigen::Index>(result.kept.size());
  const auto row_bytes = static_cast<size_t>(input.X.cols()) * sizeof(double);
  out.X.resize(n, input.X.cols());
  prefer_huge_pages(out.X.data(), static_cast<size_t>(out.X.size()) * sizeof(double));
  const int threads = n >= kParallelRows ? omp_get_max_threads() : 1;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (Eigen::Index r = 0; r < n; ++r) {
    const double* from = r < kept ? input.X.row(result.kept[static_cast<size_t>(r)]).data()
                                  : result.synthetic.row(r - kept).data();
    if (row_bytes > 0) std::memcpy(out.X.row(r).data(), from, row_bytes);
  }
  out.y.resize(static_cast<size_t>(n));
  for (size_t i = 0; i < result.kept.size(); ++i) out.y[i] = input.y[result.kept[i]];
  std::copy(result.synthetic_y.begin(), result.synthetic_y.end(), out.y.begin() + kept);
  return out;
}

}  // namespace fraudkit
