// Checker of the corrupt family (llm.c dev/cuda style): on the same real images, the fast CPU path against the
// reference path, and (with a GPU) the CUDA path against the fast CPU path, for all 19 corruptions at severities
// 1, 3 and 5 and four sizes. Tolerances: PSNR >= 40 dB fast vs reference (glass_blur, a parallel variant of the
// sequential walk: >= 20 dB); CUDA vs fast: PSNR >= 45 dB (the same op source; float transcendental functions
// differ in the last ulp). Exit code = number of failures.
#include <cstdio>

#include "dev/corrupt_tool.h"

using namespace rfy_tool;

int main() {
  const bool with_cuda = cuda_device_present();
  if (with_cuda) die_on(rfy_cuda_backend_load(nullptr), "rfy_cuda_backend_load");
  rfy_set_num_threads(2);
  int failures = 0;
  const struct {
    int side, channels, batch;
  } sizes[] = {{28, 1, 4}, {32, 3, 4}, {96, 3, 2}, {224, 3, 2}};
  for (const auto& size : sizes) {
    const rfy_test::Images in = bench_images(size.side, size.channels, size.batch);
    CorruptRunner ref(in), fast(in), gpu(in);
    for (int corruption = 0; corruption < RFY_CORRUPTION_COUNT; ++corruption) {
      for (int severity : {1, 3, 5}) {
        ref.run(corruption, severity, RFY_PATH_REFERENCE, false);
        fast.run(corruption, severity, RFY_PATH_FAST, false);
        const double p = rfy_test::psnr(ref.out, fast.out);
        const double bound = corruption == RFY_CORRUPT_GLASS_BLUR ? 20.0 : 40.0;
        const bool ok = p >= bound;
        failures += !ok;
        std::printf("%-4s %3dx%3dx%d %-18s s%d fast vs reference PSNR %6.1f dB (max |d| %3.0f)", ok ? "ok" : "FAIL",
                    size.side, size.side, size.channels, rfy_corruption_name(corruption), severity,
                    p > 1e8 ? 999.0 : p, rfy_test::max_abs_diff(ref.out, fast.out));
        if (with_cuda) {
          gpu.run(corruption, severity, RFY_PATH_FAST, true);
          gpu.fetch();
          const double pg = rfy_test::psnr(fast.out, gpu.out);
          const bool gok = pg >= 45.0;
          failures += !gok;
          std::printf("  | cuda vs fast PSNR %6.1f dB (max |d| %3.0f) %s", pg > 1e8 ? 999.0 : pg,
                      rfy_test::max_abs_diff(fast.out, gpu.out), gok ? "ok" : "FAIL");
        }
        std::printf("\n");
      }
    }
  }
  std::printf("check_corrupt: %d failures%s\n", failures, with_cuda ? "" : " (CPU paths only: no GPU)");
  return failures > 100 ? 100 : failures;
}
