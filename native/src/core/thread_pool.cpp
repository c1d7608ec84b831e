#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"

namespace rfy {
namespace {

thread_local bool inside_region = false;

// A few tens of us of polling for the region's last chunks (a pause instruction is 10-140 cycles, by core).
constexpr int kTailSpins = 2000;

// How long an idle worker polls for the next region before sleeping: ROBUSTIFY_POOL_SPIN_US (0 = sleep at once),
// 300 by default, which covered back-to-back regions separated by up to 200 us of other work on the 2-core VM we
// measured (worker joined 300/300 regions; 175/300 without polling, the rest finished by the caller alone). The
// cost is at most that long of one core per region.
int idle_poll_us() {
  static const int us = [] {
    constexpr int kDefault = 300;
    const char* v = std::getenv("ROBUSTIFY_POOL_SPIN_US");
    if (v == nullptr || *v == '\0') return kDefault;
    char* end = nullptr;
    const long parsed = std::strtol(v, &end, 10);
    if (*end != '\0' || parsed < 0 || parsed > 1000000) {
      std::fprintf(stderr, "robustify: ROBUSTIFY_POOL_SPIN_US must be an integer in 0..1000000 (microseconds); got "
                           "'%s', using %d\n", v, kDefault);
      return kDefault;
    }
    return static_cast<int>(parsed);
  }();
  return us;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class Pool {
 public:
  ~Pool() { resize(1); }

  int32_t size() {
    std::lock_guard<std::mutex> lock(region_);
    return static_cast<int32_t>(workers_.size()) + 1;
  }

  void resize(int32_t threads) {
    std::lock_guard<std::mutex> region(region_);
    stop_workers();
    // Workers start from the current generation so a region opened before they first run is not missed.
    const uint64_t start = generation_snapshot();
    for (int32_t i = 1; i < threads; ++i) workers_.emplace_back([this, start] { work(start); });
  }

  void run(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
    std::unique_lock<std::mutex> region(region_, std::try_to_lock);
    const int64_t n = end - begin;
    if (!region.owns_lock() || inside_region || workers_.empty() || n <= grain) {
      body(begin, end);
      return;
    }
    const int64_t threads = static_cast<int64_t>(workers_.size()) + 1;
    // A few chunks per thread balances uneven chunks without much scheduling overhead.
    const int64_t chunk = std::max(grain, (n + threads * 4 - 1) / (threads * 4));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = {&body, begin, end, chunk};
      next_.store(begin);
      open_ = true;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    take_chunks();
    // The caller waits only for workers that joined: one that wakes after the last chunk was claimed finds the job
    // closed and never touches it. Waiting for every worker to check in cost a whole wake-up latency per region,
    // which at B=256, C=1000 made the fused loss slower on two threads than on one (0.27 vs 0.26 ms).
    std::unique_lock<std::mutex> lock(mutex_);
    open_ = false;
    if (active_.load() > 0) {
      // What is left is at most one chunk per joined worker: poll briefly before sleeping, so a short tail does not
      // also pay the caller's own wake-up.
      lock.unlock();
      for (int spin = 0; spin < kTailSpins && active_.load(std::memory_order_acquire) > 0; ++spin) cpu_relax();
      lock.lock();
      done_.wait(lock, [this] { return active_.load() == 0; });
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct Job {
    const std::function<void(int64_t, int64_t)>* body = nullptr;
    int64_t begin = 0, end = 0, chunk = 1;
  };

  void take_chunks() {
    inside_region = true;
    for (;;) {
      const int64_t lo = next_.fetch_add(job_.chunk);
      if (lo >= job_.end) break;
      const int64_t hi = std::min(job_.end, lo + job_.chunk);
      try {
        (*job_.body)(lo, hi);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
        next_.store(job_.end);  // stop handing out work after a failure
      }
    }
    inside_region = false;
  }

  // A worker that has just finished a region polls for the next one before sleeping, so back-to-back regions find
  // it running instead of waking it: on the VMs we measured, a sleeping worker often started hundreds of us after
  // the wake-up, by which time the caller had done the whole region alone.
  void idle_poll(uint64_t seen) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(idle_poll_us());
    while (generation_.load(std::memory_order_relaxed) == seen) {
      for (int i = 0; i < 64; ++i) cpu_relax();
      if (std::chrono::steady_clock::now() >= until) break;
    }
  }

  void work(uint64_t seen) {
    for (;;) {
      idle_poll(seen);
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        if (!open_) continue;  // woke after the caller finished the region alone
        active_.fetch_add(1);
      }
      take_chunks();
      std::lock_guard<std::mutex> lock(mutex_);
      if (active_.fetch_sub(1) == 1) done_.notify_one();
    }
  }

  uint64_t generation_snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    return generation_;
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }

  std::mutex region_;  // one parallel region at a time
  std::mutex mutex_;   // guards the fields below
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  Job job_;
  std::atomic<int64_t> next_{0};
  std::atomic<int32_t> active_{0};  // workers inside the open job (changed under mutex_, polled without it)
  bool open_ = false;               // workers may still join the current job
  std::atomic<uint64_t> generation_{0};  // changed under mutex_; polled without it by idle workers
  bool stopping_ = false;
  std::exception_ptr error_;
};

Pool& pool() {
  // Leaked on purpose: joining threads during static destruction (e.g. at JVM exit) can deadlock.
  static Pool* instance = [] {
    auto* p = new Pool();
    p->resize(static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency())));
    return p;
  }();
  return *instance;
}

}  // namespace

int32_t num_threads() { return pool().size(); }

void set_num_threads(int32_t threads) {
  require(threads >= 1 && threads <= 1024, "threads must be in 1..1024; got ", threads);
  pool().resize(threads);
}

void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
  if (end <= begin) return;
  pool().run(begin, end, std::max<int64_t>(1, grain), body);
}

}  // namespace rfy

extern "C" {

RFY_API rfy_status rfy_set_num_threads(int32_t threads) {
  return rfy::guard("rfy_set_num_threads", [&] { rfy::set_num_threads(threads); });
}

RFY_API int32_t rfy_get_num_threads(void) { return rfy::num_threads(); }

}
