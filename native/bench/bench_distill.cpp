// Benchmark of the distill family (forward + backward in one call): CPU reference (C <= 1000), fast CPU at 1 and
// N threads, and CUDA (fp32, bf16) when a GPU is present; plus the CPU roofline: this machine's STREAM-like
// bandwidth (bench/memory_bandwidth.h) and, per case, the least time the fast path could take at that bandwidth.
// Prints one JSON object as its last line.
//   bench_distill [--quick] [--threads N]
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/memory_bandwidth.h"
#include "dev/distill_device.h"
#include "dev/tool_support.h"
#include "tests/distill_fixture.h"
#if defined(RFY_HAVE_CUDA_BACKEND)
#include <cuda_bf16.h>
#endif

using rfy_test::DistillCase;
using namespace rfy_tool;

namespace {

std::string rows, rooflines;

// Least bytes the fused CPU kernel must move (STREAM's counting): student and teacher read once, the gradient
// written once, labels read, the [B, 4] per-row values written.
double min_cpu_bytes(int64_t b, int64_t c) {
  return 3.0 * static_cast<double>(b * c) * sizeof(float) +
         static_cast<double>(b) * (sizeof(int64_t) + 4 * sizeof(float));
}

// The roofline of one CPU case: STREAM Add (two arrays read, one written, as the kernel does) over arrays the size
// of the logits, so a case whose data fits in cache is held to the cache's rate, not DRAM's.
void emit_roofline(int64_t b, int64_t c, int threads, double fast_ms, bool quick) {
  const double bytes = min_cpu_bytes(b, c);
  const double bw = rfy_bench::stream_gbs(rfy_bench::StreamKernel::kAdd, b * c, threads, quick ? 3 : 7);
  const double roofline_ms = bytes / (bw * 1e9) * 1e3;
  const double achieved = bytes / (fast_ms * 1e-3) / 1e9;
  std::fprintf(stderr, "B=%-5lld C=%-6lld roofline   threads %2d  %9.3f ms  (%.0f bytes at %.2f GB/s); fast at "
               "%.1f%%\n",
               static_cast<long long>(b), static_cast<long long>(c), threads, roofline_ms, bytes, bw,
               100.0 * achieved / bw);
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%s{\"B\":%lld,\"C\":%lld,\"threads\":%d,\"bytes_moved\":%.0f,\"machine_bandwidth_gbs\":%.3f,"
                "\"roofline_ms\":%.4f,\"fast_ms\":%.4f,\"achieved_gbs\":%.3f,\"pct_of_bandwidth\":%.1f}",
                rooflines.empty() ? "" : ",", static_cast<long long>(b), static_cast<long long>(c), threads, bytes, bw,
                roofline_ms, fast_ms, achieved, 100.0 * achieved / bw);
  rooflines += buf;
}

// DRAM rates (arrays of 64 Mi floats, far beyond any cache) of the three STREAM kernels on 1 and N threads.
std::string dram_bandwidth(int threads, bool quick) {
  std::string out;
  const int64_t elements = int64_t(1) << 26;
  const std::pair<rfy_bench::StreamKernel, const char*> kernels[] = {
      {rfy_bench::StreamKernel::kRead, "read"}, {rfy_bench::StreamKernel::kAdd, "add"},
      {rfy_bench::StreamKernel::kTriad, "triad"}};
  for (int t : {1, threads}) {
    for (const auto& k : kernels) {
      const double gbs = rfy_bench::stream_gbs(k.first, elements, t, quick ? 2 : 5);
      std::fprintf(stderr, "DRAM %-5s threads %2d  %7.2f GB/s\n", k.second, t, gbs);
      char buf[128];
      std::snprintf(buf, sizeof buf, "%s{\"kernel\":\"%s\",\"threads\":%d,\"gbs\":%.3f}", out.empty() ? "" : ",",
                    k.second, t, gbs);
      out += buf;
    }
    if (threads == 1) break;
  }
  return out;
}

void emit(int64_t b, int64_t c, const char* path, int threads, double ms, double bytes) {
  const double gbps = bytes / (ms * 1e-3) / 1e9;
  std::fprintf(stderr, "B=%-5lld C=%-6lld %-10s threads %2d  %9.3f ms  %7.2f GB/s\n", static_cast<long long>(b),
               static_cast<long long>(c), path, threads, ms, gbps);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s{\"B\":%lld,\"C\":%lld,\"path\":\"%s\",\"threads\":%d,\"ms\":%.4f,\"gbps\":%.3f}",
                rows.empty() ? "" : ",", static_cast<long long>(b), static_cast<long long>(c), path, threads, ms,
                gbps);
  rows += buf;
}

#if defined(RFY_HAVE_CUDA_BACKEND)
template <typename H>
void bench_cuda(DistillCase<float>& c, rfy_dtype dtype, const char* name, int launches) {
  const size_t n = c.student.size();
  DeviceDistill<H> dev(c, dtype, nullptr);
  dev.pair.row_weights = nullptr;
  for (int i = 0; i < 3; ++i) die_on(dev.run(), name);
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start);
  for (int i = 0; i < launches; ++i) dev.run();
  cudaEventRecord(stop);
  cuda_ok(cudaEventSynchronize(stop), "sync");
  float total = 0;
  cudaEventElapsedTime(&total, start, stop);
  // Traffic: student + teacher read twice (sums, gradient), gradient written once.
  emit(c.batch, c.classes, name, 0, total / launches, 5.0 * n * sizeof(H));
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  const BenchArgs args = parse_bench_args(argc, argv, "bench_distill");
  const bool quick = args.quick;
  const int threads = args.threads;
  const bool with_cuda = cuda_device_present();
  if (with_cuda) die_on(rfy_cuda_backend_load(nullptr), "rfy_cuda_backend_load");
  const int reps = quick ? 3 : 10;
  for (int64_t b : {256, 1024}) {
    for (int64_t c : {10, 1000, 21843}) {
      DistillCase<float> dc(b, c, 1);
      const double bytes = min_cpu_bytes(b, c);
      if (c <= 1000)
        emit(b, c, "reference", 1, median_ms(1, reps, [&] { die_on(dc.run(RFY_PATH_REFERENCE), "ref"); }), bytes);
      for (int t : {1, threads}) {
        rfy_set_num_threads(t);
        const double ms = median_ms(1, reps, [&] { die_on(dc.run(RFY_PATH_FAST), "fast"); });
        emit(b, c, "fast", t, ms, bytes);
        emit_roofline(b, c, t, ms, quick);
        if (threads == 1) break;
      }
#if defined(RFY_HAVE_CUDA_BACKEND)
      if (with_cuda) {
        bench_cuda<float>(dc, RFY_FLOAT32, "cuda-fp32", quick ? 10 : 100);
        bench_cuda<__nv_bfloat16>(dc, RFY_BFLOAT16, "cuda-bf16", quick ? 10 : 100);
      }
#endif
    }
  }
#if defined(RFY_HAVE_CUDA_BACKEND)
  if (with_cuda) {  // the bandwidth case
    DistillCase<float> big(4096, 32000, 2);
    bench_cuda<__nv_bfloat16>(big, RFY_BFLOAT16, "cuda-bf16", quick ? 10 : 50);
  }
#endif
  const std::string dram = dram_bandwidth(threads, quick);
  std::printf("{\"benchmark\":\"distill\",\"cuda\":%s,\"build\":\"%s\",\"rows\":[%s],\"roofline\":[%s],"
              "\"dram_bandwidth\":[%s]}\n",
              with_cuda ? "true" : "false", rfy_build_info(), rows.c_str(), rooflines.c_str(), dram.c_str());
  return 0;
}
