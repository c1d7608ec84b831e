// Checker for the distill family: fast CPU and (with a GPU) CUDA in fp32/fp16/bf16 against the CPU reference.
// Exit 0 when every path is within tolerance: 1e-5 relative for fp32, 2e-2 for half types (inputs rounded).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "dev/distill_device.h"
#include "dev/tool_support.h"
#include "tests/distill_fixture.h"
#if defined(RFY_HAVE_CUDA_BACKEND)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#endif

using rfy_test::DistillCase;
using namespace rfy_tool;

namespace {

int failures = 0;

void report(const char* path, const DistillCase<float>& c, double loss_err, double grad_err, double tol) {
  const bool ok = loss_err <= tol && grad_err <= tol;
  failures += !ok;
  std::printf("%-10s B=%-5lld C=%-6lld T=%-4.1f w=%d  loss rel err %.2e  grad err %.2e  %s\n", path,
              static_cast<long long>(c.batch), static_cast<long long>(c.classes), c.pair.options.temperature,
              c.pair.options.weighting, loss_err, grad_err, ok ? "ok" : "MISMATCH");
}

double grad_error(const std::vector<float>& got, const std::vector<float>& ref) {
  double scale = 1e-12, worst = 0;
  for (float r : ref) scale = std::max(scale, static_cast<double>(std::fabs(r)));
  for (size_t i = 0; i < ref.size(); ++i) worst = std::max(worst, std::fabs(got[i] - ref[i]) / scale);
  return worst;
}

#if defined(RFY_HAVE_CUDA_BACKEND)
template <typename H>
void check_cuda(DistillCase<float>& c, rfy_dtype dtype, const char* name, double tol) {
  // The reference runs on the inputs rounded to the storage type, so it sees what the GPU sees.
  DistillCase<float> ref = c;
  DeviceDistill<H> dev(c, dtype, &ref);
  ref.describe();
  die_on(ref.run(RFY_PATH_REFERENCE), "reference");
  die_on(dev.run(), name);
  cuda_ok(cudaDeviceSynchronize(), "sync");
  const size_t n = c.student.size();
  std::vector<H> g(n);
  std::vector<float> stats(5), grad(n);
  dev.grad.download(g.data());
  dev.stats.download(stats.data());
  for (size_t i = 0; i < n; ++i) grad[i] = static_cast<float>(g[i]);
  report(name, c, std::fabs(stats[0] - ref.stats[0]) / std::max(1e-6f, std::fabs(ref.stats[0])),
         grad_error(grad, ref.grad), tol);
  // Accumulating into the gradient just written must double it.
  dev.pair.options.accumulate = 1;
  die_on(dev.run(), name);
  cuda_ok(cudaDeviceSynchronize(), "sync");
  dev.grad.download(g.data());
  std::vector<float> twice(n);
  for (size_t i = 0; i < n; ++i) {
    grad[i] = static_cast<float>(g[i]);
    twice[i] = 2.0f * ref.grad[i];
  }
  report((std::string(name) + "+acc").c_str(), c, 0.0, grad_error(grad, twice), tol);
}
#endif

}  // namespace

int main() {
  const bool with_cuda = cuda_device_present();
  if (with_cuda) die_on(rfy_cuda_backend_load(nullptr), "rfy_cuda_backend_load");
  std::printf("check_distill: CUDA paths %s\n", with_cuda ? "checked" : "skipped (no CUDA device or no CUDA build)");
  const int64_t shapes[][2] = {{1, 2}, {256, 10}, {64, 1000}, {8, 21843}, {2, 50000}, {4096, 10}, {33, 1025}};
  int variant = 0;
  for (auto& shape : shapes) {
    DistillCase<float> c(shape[0], shape[1], 11 + variant);
    c.pair.options.temperature = variant % 2 ? 0.5f : 4.0f;
    c.pair.options.weighting = variant % 4;
    c.pair.options.label_smoothing = variant % 3 == 1 ? 0.1f : 0.0f;
    ++variant;
    die_on(c.run(RFY_PATH_REFERENCE), "reference");
    const std::vector<float> ref_grad = c.grad;
    const float ref_loss = c.stats[0];
    die_on(c.run(RFY_PATH_FAST), "fast");
    report("cpu-fast", c, std::fabs(c.stats[0] - ref_loss) / std::max(1e-6f, std::fabs(ref_loss)),
           grad_error(c.grad, ref_grad), 1e-5);
    c.pair.options.accumulate = 1;
    die_on(c.run(RFY_PATH_FAST), "fast, accumulating");
    c.pair.options.accumulate = 0;
    std::vector<float> twice(ref_grad.size());
    for (size_t i = 0; i < twice.size(); ++i) twice[i] = 2.0f * ref_grad[i];
    report("cpu-fast+acc", c, 0.0, grad_error(c.grad, twice), 1e-5);
    die_on(c.run(RFY_PATH_FAST), "fast");
#if defined(RFY_HAVE_CUDA_BACKEND)
    if (with_cuda) {
      check_cuda<float>(c, RFY_FLOAT32, "cuda-fp32", 1e-5);
      check_cuda<__half>(c, RFY_FLOAT16, "cuda-fp16", 2e-2);
      check_cuda<__nv_bfloat16>(c, RFY_BFLOAT16, "cuda-bf16", 2e-2);
    }
#endif
  }
  std::printf("check_distill: %s\n", failures ? "FAILED" : "all paths agree");
  return failures ? 1 : 0;
}
