// Checker for the preprocess family (llm.c dev/cuda style): runs the CPU reference, the fast CPU path and, when a
// GPU is present, the CUDA path on the same inputs and requires bit-identical outputs. Exit 0 = all agree.
#include <cstdio>
#include <random>
#include <vector>

#include "dev/tool_support.h"

using namespace rfy_tool;

namespace {

int failures = 0;

void compare(const char* what, const Layout& l, const std::vector<float>& expect, const std::vector<float>& got) {
  size_t mismatches = 0;
  double worst = 0;
  for (size_t i = 0; i < expect.size(); ++i)
    if (expect[i] != got[i]) {
      ++mismatches;
      worst = std::max(worst, static_cast<double>(std::abs(expect[i] - got[i])));
    }
  std::printf("%-8s %-22s %s", what, l.name().c_str(), mismatches ? "MISMATCH" : "ok");
  if (mismatches) std::printf(" (%zu elements, max |diff| %.3g)", mismatches, worst);
  std::printf("\n");
  failures += mismatches != 0;
}

template <typename T>
void check_case(rfy_dtype dtype, const Layout& l, bool with_cuda) {
  std::mt19937 gen(static_cast<uint32_t>(l.numel()));
  std::vector<T> src(static_cast<size_t>(l.numel()));
  for (auto& x : src) x = dtype == RFY_UINT8 ? static_cast<T>(gen() & 0xff) : static_cast<T>((gen() % 2001) / 500.0 - 2);
  std::vector<float> mean(static_cast<size_t>(l.c)), stdv(static_cast<size_t>(l.c));
  for (int64_t k = 0; k < l.c; ++k) {
    mean[k] = 0.1f + 0.3f * k;
    stdv[k] = 0.2f + 0.05f * k;
  }
  Layout out_layout = l;
  out_layout.channels_last = false;
  std::vector<float> ref(src.size()), fast(src.size());
  rfy_tensor s = describe(src.data(), dtype, l, RFY_CPU);
  rfy_tensor r = describe(ref.data(), RFY_FLOAT32, out_layout, RFY_CPU);
  rfy_tensor f = describe(fast.data(), RFY_FLOAT32, out_layout, RFY_CPU);
  die_on(rfy_normalize_images(&s, &r, mean.data(), stdv.data(), RFY_PATH_REFERENCE, nullptr), "reference");
  die_on(rfy_normalize_images(&s, &f, mean.data(), stdv.data(), RFY_PATH_FAST, nullptr), "fast");
  compare("cpu-fast", l, ref, fast);
#if defined(RFY_HAVE_CUDA_BACKEND)
  if (with_cuda) {
    DeviceBuffer dsrc(src.size() * sizeof(T)), ddst(ref.size() * sizeof(float));
    dsrc.upload(src.data());
    rfy_tensor ds = describe(dsrc.ptr, dtype, l, RFY_CUDA);
    rfy_tensor dd = describe(ddst.ptr, RFY_FLOAT32, out_layout, RFY_CUDA);
    die_on(rfy_normalize_images(&ds, &dd, mean.data(), stdv.data(), RFY_PATH_FAST, nullptr), "cuda");
    cuda_ok(cudaDeviceSynchronize(), "sync");
    std::vector<float> gpu(ref.size());
    ddst.download(gpu.data());
    compare("cuda", l, ref, gpu);
  }
#else
  (void)with_cuda;
#endif
}

}  // namespace

int main() {
  bool with_cuda = cuda_device_present();
  if (with_cuda) die_on(rfy_cuda_backend_load(nullptr), "rfy_cuda_backend_load");
  std::printf("check_preprocess: CUDA path %s\n", with_cuda ? "checked" : "skipped (no CUDA device or no CUDA build)");
  const Layout layouts[] = {{1, 1, 28, 28, false}, {64, 1, 28, 28, true}, {7, 3, 31, 17, true},
                            {7, 3, 31, 17, false}, {4, 3, 224, 224, true}, {2, 4, 5, 3, false}};
  for (const auto& l : layouts) {
    check_case<uint8_t>(RFY_UINT8, l, with_cuda);
    check_case<float>(RFY_FLOAT32, l, with_cuda);
  }
  std::printf("check_preprocess: %s\n", failures ? "FAILED" : "all paths agree");
  return failures ? 1 : 0;
}
