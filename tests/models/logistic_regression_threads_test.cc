// run_chunks: every index runs exactly once whatever the thread count, concurrent callers do
// not mix their jobs, and an exception in a body reaches the caller after every helper is out.
#include <gtest/gtest.h>
#include <omp.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "fraudkit/logistic_regression.h"
#include "models/logistic_regression_detail.h"

namespace fraudkit {
namespace {

using logistic_detail::run_chunks;

// Restores the OpenMP thread setting at scope exit.
struct ThreadSetting {
  int saved = omp_get_max_threads();
  explicit ThreadSetting(int threads) { omp_set_num_threads(threads); }
  ~ThreadSetting() { omp_set_num_threads(saved); }
};

TEST(RunChunks, EveryIndexRunsExactlyOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadSetting setting(threads);
    for (Eigen::Index count : {0, 1, 2, 7, 64, 1000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(count));
      for (int repeat = 0; repeat < 20; ++repeat)
        run_chunks(count, [&](Eigen::Index c) { hits[static_cast<size_t>(c)].fetch_add(1); });
      for (Eigen::Index c = 0; c < count; ++c)
        ASSERT_EQ(hits[static_cast<size_t>(c)].load(), 20) << "threads " << threads << " count " << count;
    }
  }
}

TEST(RunChunks, ConcurrentCallersEachGetTheirOwnJob) {
  ThreadSetting setting(3);
  constexpr int kCallers = 4;
  std::vector<std::vector<int>> hits(kCallers, std::vector<int>(500, 0));
  std::vector<std::thread> callers;
  for (int k = 0; k < kCallers; ++k)
    callers.emplace_back([&, k] {
      for (int repeat = 0; repeat < 50; ++repeat)
        run_chunks(500, [&](Eigen::Index c) { ++hits[k][static_cast<size_t>(c)]; });  // own slot
    });
  for (std::thread& t : callers) t.join();
  for (int k = 0; k < kCallers; ++k)
    for (int c = 0; c < 500; ++c) ASSERT_EQ(hits[k][c], 50) << "caller " << k << " index " << c;
}

TEST(RunChunks, AnExceptionInABodyReachesTheCaller) {
  ThreadSetting setting(2);
  std::atomic<int> ran{0};
  EXPECT_THROW(run_chunks(200,
                          [&](Eigen::Index c) {
                            ran.fetch_add(1);
                            if (c == 17) throw std::runtime_error("chunk 17");
                          }),
               std::runtime_error);
  EXPECT_GE(ran.load(), 18);
  // The pool is still usable afterwards.
  std::atomic<int> after{0};
  run_chunks(100, [&](Eigen::Index) { after.fetch_add(1); });
  EXPECT_EQ(after.load(), 100);
}

}  // namespace
}  // namespace fraudkit
