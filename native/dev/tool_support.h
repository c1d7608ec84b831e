// Shared pieces of the per-family checker (dev/check_*) and benchmark (bench/check_*) binaries: host/device
// buffers described as rfy_tensor, timing, and the CUDA availability decision.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "robustify/robustify.h"
#if defined(RFY_HAVE_CUDA_BACKEND)
#include <cuda_runtime.h>

#include "robustify/robustify_cuda.h"
#endif

namespace rfy_tool {

inline void die_on(rfy_status s, const char* what) {
  if (s != RFY_OK) {
    std::fprintf(stderr, "%s failed: %s (%s)\n", what, rfy_status_name(s), rfy_last_error());
    std::exit(2);
  }
}

inline size_t dtype_size(rfy_dtype d) { return d == RFY_UINT8 ? 1 : 4; }

// A 4-D image batch (logical N, C, H, W) stored either channels-first or channels-last.
struct Layout {
  int64_t n, c, h, w;
  bool channels_last;
  int64_t numel() const { return n * c * h * w; }
  std::string name() const {
    return std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w) +
           (channels_last ? " NHWC" : " NCHW");
  }
};

inline rfy_tensor describe(void* data, rfy_dtype dtype, const Layout& l, rfy_device_type device) {
  rfy_tensor t{};
  t.data = data;
  t.dtype = dtype;
  t.device_type = device;
  t.ndim = 4;
  t.shape[0] = l.n;
  t.shape[1] = l.c;
  t.shape[2] = l.h;
  t.shape[3] = l.w;
  if (l.channels_last) {
    t.strides[0] = l.h * l.w * l.c;
    t.strides[1] = 1;
    t.strides[2] = l.w * l.c;
    t.strides[3] = l.c;
  } else {
    t.strides[0] = l.c * l.h * l.w;
    t.strides[1] = l.h * l.w;
    t.strides[2] = l.w;
    t.strides[3] = 1;
  }
  return t;
}

inline double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// Median of `reps` timings of fn() after `warmup` untimed calls.
template <typename Fn>
double median_ms(int warmup, int reps, Fn&& fn) {
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> t(static_cast<size_t>(reps));
  for (auto& x : t) {
    const double start = now_ms();
    fn();
    x = now_ms() - start;
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Parses the options every bench_* binary takes: [--quick] [--threads N]. Exits 2 on anything else.
struct BenchArgs {
  bool quick = false;
  int threads = 1;
};

inline BenchArgs parse_bench_args(int argc, char** argv, const char* name) {
  BenchArgs a;
  a.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      a.quick = true;
    } else if (arg == "--threads" && i + 1 < argc) {
      a.threads = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--threads N]\nunknown argument: %s\n", name, arg.c_str());
      std::exit(2);
    }
  }
  if (a.threads < 1) {
    std::fprintf(stderr, "%s: --threads must be >= 1\n", name);
    std::exit(2);
  }
  return a;
}

inline bool cuda_device_present() {
#if defined(RFY_HAVE_CUDA_BACKEND)
  int32_t count = 0;
  return rfy_cuda_runtime_device_count(&count) == RFY_OK && count > 0;
#else
  return false;
#endif
}

#if defined(RFY_HAVE_CUDA_BACKEND)
inline void cuda_ok(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(e));
    std::exit(2);
  }
}

// Device copy of a host buffer, freed on scope exit.
struct DeviceBuffer {
  void* ptr = nullptr;
  size_t bytes = 0;
  explicit DeviceBuffer(size_t n) : bytes(n) { cuda_ok(cudaMalloc(&ptr, n ? n : 1), "cudaMalloc"); }
  ~DeviceBuffer() { cudaFree(ptr); }
  void upload(const void* host) { cuda_ok(cudaMemcpy(ptr, host, bytes, cudaMemcpyHostToDevice), "upload"); }
  void download(void* host) const { cuda_ok(cudaMemcpy(host, ptr, bytes, cudaMemcpyDeviceToHost), "download"); }
};
#endif

}  // namespace rfy_tool
