// Opportunistic parallel loop for the solver's passes over X.
//
// Why not `#pragma omp parallel for`: a fork-join region ends at a barrier every thread of the
// team must reach, so when the machine is oversubscribed (other jobs on the same cores) each
// pass waits for a descheduled helper to be given a time slice, and libgomp's spinning
// helpers take CPU from the thread doing the work. Measured on the project's shared 2-core
// machine under a load of 7: a fit took 2.5-6x longer with 2 OpenMP threads than with one.
// Here the calling thread works through the chunks itself and helpers join if the OS runs
// them in time; a helper that arrives late finds nothing left and goes back to sleep, so a
// busy machine costs lost parallelism, never waiting on an idle helper. The thread count still
// comes from OpenMP's setting (OMP_NUM_THREADS, omp_set_num_threads).
#include <omp.h>

#include <atomic>
#include <condition_variable>
#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "fraudkit/logistic_regression.h"
#include "models/logistic_regression_detail.h"

namespace fraudkit::logistic_detail {
namespace {

using Eigen::Index;

struct Job {
  const std::function<void(Index)>* body = nullptr;
  Index count = 0;
  std::atomic<Index> next{0};
  int helpers_inside = 0;  // guarded by the pool mutex
  int helpers_wanted = 0;  // guarded by the pool mutex
  std::mutex error_mutex;
  std::exception_ptr error;  // the first exception a chunk threw, rethrown by the caller
};

// Claims and runs chunks until none is left. An exception stops this thread's share (the
// others finish theirs) and is kept for the caller: the job must outlive every helper in it.
void work(Job& job) {
  try {
    for (Index c = job.next.fetch_add(1); c < job.count; c = job.next.fetch_add(1)) (*job.body)(c);
  } catch (...) {
    std::lock_guard<std::mutex> lock(job.error_mutex);
    if (!job.error) job.error = std::current_exception();
  }
}

class HelperPool {
 public:
  ~HelperPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : helpers_) t.join();
  }

  // False when another caller's job is running: the caller then runs its loop alone.
  bool run(Job& job, int helpers) {
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (static_cast<int>(helpers_.size()) < helpers)
        helpers_.emplace_back([this] { helper_loop(); });
      job.helpers_wanted = helpers;
      current_ = &job;
      ++generation_;
    }
    wake_.notify_all();
    work(job);
    std::unique_lock<std::mutex> lock(mutex_);
    current_ = nullptr;  // no helper enters from now on; wait for those inside to finish
    idle_.wait(lock, [&] { return job.helpers_inside == 0; });
    return true;
  }

 private:
  void helper_loop() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || (current_ && generation_ != seen); });
      if (stop_) return;
      seen = generation_;
      Job& job = *current_;
      if (job.helpers_wanted == 0) continue;
      --job.helpers_wanted;
      ++job.helpers_inside;
      lock.unlock();
      work(job);
      lock.lock();
      if (--job.helpers_inside == 0) idle_.notify_all();
    }
  }

  std::mutex run_mutex_;  // one job at a time
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::vector<std::thread> helpers_;
  Job* current_ = nullptr;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

HelperPool& pool() {
  static HelperPool p;
  return p;
}

}  // namespace

void run_chunks(Index count, const std::function<void(Index)>& body) {
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  const Index helpers = std::min<Index>(threads, count) - 1;
  Job job;
  job.body = &body;
  job.count = count;
  if (helpers <= 0 || !pool().run(job, static_cast<int>(helpers))) work(job);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace fraudkit::logistic_detail
