// Benchmark of the preprocess family: CPU reference, fast CPU at 1 and N threads, and CUDA when a GPU is present.
// Prints one JSON object (rows of {case, path, threads, ms, gbps}) as its last line.
//   bench_preprocess [--quick] [--threads N]
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "dev/tool_support.h"

using namespace rfy_tool;

namespace {

std::string rows;

void emit(const std::string& name, const char* path, int threads, double ms, double bytes) {
  const double gbps = bytes / (ms * 1e-3) / 1e9;
  std::fprintf(stderr, "%-34s %-10s threads %2d  %9.3f ms  %7.2f GB/s\n", name.c_str(), path, threads, ms, gbps);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s{\"case\":\"%s\",\"path\":\"%s\",\"threads\":%d,\"ms\":%.4f,\"gbps\":%.3f}",
                rows.empty() ? "" : ",", name.c_str(), path, threads, ms, gbps);
  rows += buf;
}

void bench_case(const Layout& l, bool quick, int max_threads, bool with_cuda) {
  std::vector<uint8_t> src(static_cast<size_t>(l.numel()));
  std::mt19937 gen(1);
  for (auto& x : src) x = static_cast<uint8_t>(gen());
  std::vector<float> dst(src.size());
  std::vector<float> mean(l.c, 0.5f), stdv(l.c, 0.25f);
  Layout out_layout = l;
  out_layout.channels_last = false;
  rfy_tensor s = describe(src.data(), RFY_UINT8, l, RFY_CPU);
  rfy_tensor d = describe(dst.data(), RFY_FLOAT32, out_layout, RFY_CPU);
  const double bytes = static_cast<double>(src.size()) * 5;  // 1 byte read + 4 written
  const int reps = quick ? 5 : 30;
  const std::string name = "uint8 " + l.name();
  emit(name, "reference", 1, median_ms(1, reps, [&] {
         die_on(rfy_normalize_images(&s, &d, mean.data(), stdv.data(), RFY_PATH_REFERENCE, nullptr), "ref");
       }), bytes);
  for (int t : {1, max_threads}) {
    rfy_set_num_threads(t);
    emit(name, "fast", t, median_ms(2, reps, [&] {
           die_on(rfy_normalize_images(&s, &d, mean.data(), stdv.data(), RFY_PATH_FAST, nullptr), "fast");
         }), bytes);
    if (max_threads == 1) break;
  }
#if defined(RFY_HAVE_CUDA_BACKEND)
  if (with_cuda) {
    DeviceBuffer dsrc(src.size()), ddst(dst.size() * sizeof(float));
    dsrc.upload(src.data());
    rfy_tensor ds = describe(dsrc.ptr, RFY_UINT8, l, RFY_CUDA);
    rfy_tensor dd = describe(ddst.ptr, RFY_FLOAT32, out_layout, RFY_CUDA);
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    const int launches = quick ? 20 : 200;
    for (int i = 0; i < 5; ++i) rfy_cuda_normalize_images(&ds, &dd, mean.data(), stdv.data(), nullptr);
    cudaEventRecord(start);
    for (int i = 0; i < launches; ++i)
      die_on(rfy_cuda_normalize_images(&ds, &dd, mean.data(), stdv.data(), nullptr), "cuda");
    cudaEventRecord(stop);
    cuda_ok(cudaEventSynchronize(stop), "sync");
    float total = 0;
    cudaEventElapsedTime(&total, start, stop);
    emit(name, "cuda", 0, total / launches, bytes);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
  }
#else
  (void)with_cuda;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const BenchArgs args = parse_bench_args(argc, argv, "bench_preprocess");
  const bool quick = args.quick;
  const int threads = args.threads;
  const bool with_cuda = cuda_device_present();
  if (with_cuda) die_on(rfy_cuda_backend_load(nullptr), "rfy_cuda_backend_load");
  const Layout cases[] = {{256, 1, 28, 28, false}, {64, 3, 224, 224, true}};
  for (const auto& l : cases) bench_case(l, quick, threads, with_cuda);
  std::printf("{\"benchmark\":\"preprocess\",\"cuda\":%s,\"build\":\"%s\",\"rows\":[%s]}\n",
              with_cuda ? "true" : "false", rfy_build_info(), rows.c_str());
  return 0;
}
