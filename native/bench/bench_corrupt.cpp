// Benchmark of the corrupt family: images/s per corruption (severity 3) on real images at 28x28x1, 32x32x3 (batch
// 256) and 224x224x3 (batch 32), fast CPU path on 1 and N threads, and CUDA at 224x224x3, batch 256, when a GPU
// is present. Prints one JSON object (rows of {corruption, size, path, threads, batch, img_s}) as its last line.
//   bench_corrupt [--quick] [--threads N] [--only NAME,NAME...]
#include <cstdio>
#include <string>
#include <vector>

#include "dev/corrupt_tool.h"

using namespace rfy_tool;

namespace {

std::string rows;

void emit(int corruption, const std::string& size, const char* path, int threads, int64_t batch, double ms) {
  const double img_s = batch / (ms * 1e-3);
  std::fprintf(stderr, "%-18s %-10s %-5s threads %d  batch %4lld  %10.3f ms  %12.0f img/s\n",
               rfy_corruption_name(corruption), size.c_str(), path, threads, static_cast<long long>(batch), ms,
               img_s);
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s{\"corruption\":\"%s\",\"size\":\"%s\",\"path\":\"%s\",\"threads\":%d,\"batch\":%lld,"
                "\"img_s\":%.1f}",
                rows.empty() ? "" : ",", rfy_corruption_name(corruption), size.c_str(), path, threads,
                static_cast<long long>(batch), img_s);
  rows += buf;
}

}  // namespace

int main(int argc, char** argv) {
  // --only NAME,... (timing a few corruptions while tuning) is ours; the rest are the shared bench options.
  std::string only;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--only" && i + 1 < argc)
      only = "," + std::string(argv[++i]) + ",";
    else
      rest.push_back(argv[i]);
  }
  const BenchArgs args = parse_bench_args(static_cast<int>(rest.size()), rest.data(), "bench_corrupt");
  auto selected = [&](int corruption) {
    return only.empty() || only.find("," + std::string(rfy_corruption_name(corruption)) + ",") != std::string::npos;
  };
  const bool with_cuda = cuda_device_present();
  if (with_cuda) die_on(rfy_cuda_backend_load(nullptr), "rfy_cuda_backend_load");
  const struct {
    int side, channels;
    int64_t batch;
  } sizes[] = {{28, 1, 256}, {32, 3, 256}, {224, 3, args.quick ? 8 : 32}};
  // A vCPU that was idle runs the first second or so of work markedly slower (the first size's rows came out
  // 30-50 % low in a run started on an idle host): two seconds of untimed work first, as a JMH warm-up would.
  {
    const rfy_test::Images warm = bench_images(28, 1, 256);
    CorruptRunner runner(warm);
    const double until = now_ms() + (args.quick ? 200.0 : 2000.0);
    for (int corruption = 0; now_ms() < until; corruption = (corruption + 1) % RFY_CORRUPTION_COUNT)
      runner.run(corruption, 3, RFY_PATH_FAST, false);
  }
  const int reps = args.quick ? 2 : 9;  // median of 9: the host is shared and a single batch can be descheduled
  for (const auto& sz : sizes) {
    const rfy_test::Images in = bench_images(sz.side, sz.channels, sz.batch);
    const std::string size = std::to_string(sz.side) + "x" + std::to_string(sz.side) + "x" + std::to_string(sz.channels);
    CorruptRunner runner(in);
    for (int corruption = 0; corruption < RFY_CORRUPTION_COUNT; ++corruption) {
      if (!selected(corruption)) continue;
      for (int threads : {1, args.threads}) {
        rfy_set_num_threads(threads);
        emit(corruption, size, "fast", threads, sz.batch,
             median_ms(1, reps, [&] { runner.run(corruption, 3, RFY_PATH_FAST, false); }));
        if (args.threads == 1) break;
      }
    }
  }
#if defined(RFY_HAVE_CUDA_BACKEND)
  if (with_cuda) {
    const int64_t batch = 256;
    const rfy_test::Images in = bench_images(224, 3, batch);
    CorruptRunner runner(in);
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    for (int corruption = 0; corruption < RFY_CORRUPTION_COUNT; ++corruption) {
      if (!selected(corruption)) continue;
      runner.run(corruption, 3, RFY_PATH_FAST, true);  // warm-up, allocates the workspace
      cuda_ok(cudaDeviceSynchronize(), "sync");
      const int launches = args.quick ? 3 : 10;
      cudaEventRecord(start);
      for (int i = 0; i < launches; ++i) runner.run(corruption, 3, RFY_PATH_FAST, true);
      cudaEventRecord(stop);
      cuda_ok(cudaEventSynchronize(stop), "sync");
      float total = 0;
      cudaEventElapsedTime(&total, start, stop);
      emit(corruption, "224x224x3", "cuda", 0, batch, total / launches);
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
  }
#endif
  std::printf("{\"benchmark\":\"corruptions\",\"cuda\":%s,\"build\":\"%s\",\"rows\":[%s]}\n",
              with_cuda ? "true" : "false", rfy_build_info(), rows.c_str());
  return 0;
}
