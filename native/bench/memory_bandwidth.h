// STREAM-like achievable memory bandwidth of this machine, for rooflines of the benchmarked kernels.
//   read   sum += a[i]          (4 bytes per element)
//   add    c[i] = a[i] + b[i]   (12 bytes per element: two arrays read, one written; STREAM's Add)
//   triad  a[i] = b[i] + q c[i] (12 bytes per element; STREAM's Triad)
// Bytes are counted as STREAM counts them: what the program reads plus what it writes. The write-allocate read of
// the destination line that a CPU does on a plain store is not counted, for the kernels measured here nor for the
// kernels compared against them, so the ratio of the two is an honest fraction of the achievable rate.
// Each thread owns one contiguous slice of the arrays (first touched by that thread) and sweeps it `reps` times;
// the rate is total bytes over the time until the last thread ends; the best of several trials is kept.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/simd.h"

namespace rfy_bench {

enum class StreamKernel { kRead, kAdd, kTriad };

inline double stream_bytes_per_element(StreamKernel k) { return k == StreamKernel::kRead ? 4.0 : 12.0; }

namespace detail {

RFY_VECTOR_CLONES inline float sweep_read(const float* __restrict a, int64_t n) {
  float lanes[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 16; ++k) lanes[k] += a[i + k];
  for (; i < n; ++i) lanes[0] += a[i];
  float s = 0;
  for (float x : lanes) s += x;
  return s;
}

RFY_VECTOR_CLONES inline void sweep_add(const float* __restrict a, const float* __restrict b, float* __restrict c,
                                        int64_t n) {
  for (int64_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
}

RFY_VECTOR_CLONES inline void sweep_triad(float* __restrict a, const float* __restrict b, const float* __restrict c,
                                          int64_t n, float q) {
  for (int64_t i = 0; i < n; ++i) a[i] = b[i] + q * c[i];
}

}  // namespace detail

// GB/s (1e9 bytes per second) of `kernel` over arrays of `elements` floats each, on `threads` threads.
inline double stream_gbs(StreamKernel kernel, int64_t elements, int threads, int trials = 5) {
  using clock = std::chrono::steady_clock;
  threads = std::max(1, threads);
  // Sweep at least ~256 MB per trial so tiny (cache-resident) arrays are timed over many sweeps.
  const double bytes_per_sweep = stream_bytes_per_element(kernel) * static_cast<double>(elements);
  const int reps = static_cast<int>(std::max(2.0, 256e6 / std::max(1.0, bytes_per_sweep)));
  std::vector<float> a(static_cast<size_t>(elements)), b(a.size()), c(a.size());  // zero-filled; re-touched below
  std::atomic<float> sink{0};
  double best = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    std::vector<clock::time_point> ends(static_cast<size_t>(threads));
    clock::time_point start;
    for (int w = 0; w < threads; ++w)
      pool.emplace_back([&, w] {
        const int64_t lo = elements * w / threads, hi = elements * (w + 1) / threads, n = hi - lo;
        for (int64_t i = lo; i < hi; ++i) a[i] = 1.0f, b[i] = 2.0f, c[i] = 0.5f;  // this thread's pages, warm
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        float local = 0;
        for (int r = 0; r < reps; ++r) {
          switch (kernel) {
            case StreamKernel::kRead: local += detail::sweep_read(&a[lo], n); break;
            case StreamKernel::kAdd: detail::sweep_add(&a[lo], &b[lo], &c[lo], n); break;
            case StreamKernel::kTriad: detail::sweep_triad(&a[lo], &b[lo], &c[lo], n, 0.5f); break;
          }
        }
        ends[static_cast<size_t>(w)] = clock::now();
        sink.store(local + c[lo], std::memory_order_relaxed);  // keeps the sweeps observable
      });
    while (ready.load() < threads) std::this_thread::yield();
    start = clock::now();
    go.store(true, std::memory_order_release);
    for (auto& t : pool) t.join();
    const double s = std::chrono::duration<double>(*std::max_element(ends.begin(), ends.end()) - start).count();
    best = std::max(best, bytes_per_sweep * reps / s / 1e9);
  }
  return best;
}

}  // namespace rfy_bench
