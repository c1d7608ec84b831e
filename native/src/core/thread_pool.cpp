#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"

namespace rfy {
namespace {

thread_local bool inside_region = false;

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
      pending_ = static_cast<int32_t>(workers_.size());
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    take_chunks();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
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

  void work(uint64_t seen) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
      }
      take_chunks();
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
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
  int32_t pending_ = 0;
  uint64_t generation_ = 0;
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
