// Checker of the augment family (llm.c dev/cuda style): on real images, the fast CPU path against the reference
// path, and (with a GPU) the CUDA path against the fast CPU path: AugMix with the default and the all-ops settings,
// PixMix, and every single op with a fixed argument, at four sizes. AugMix and the ops must match exactly (the same
// host-drawn tasks; CUDA is compiled without FMA contraction); PixMix within 1/255 of the reference (libm pow there)
// and 1e-5 CUDA vs fast. Reported as max |d|. Exit code = number of failures.
#include <cstdio>

#include "dev/corrupt_tool.h"
#include "tests/test_augment_support.h"

using namespace rfy_tool;

namespace {

// The same call on CUDA copies of the images (AugMix with `o`, PixMix with `px`, else one op); the float result.
std::vector<float> run_cuda(const rfy_test::Images& in, const rfy_augmix_options* o, int op, double value,
                            const rfy_pixmix_options* px = nullptr) {
  std::vector<float> out(in.data.size(), -1.0f);
#if defined(RFY_HAVE_CUDA_BACKEND)
  DeviceBuffer src(in.data.size()), dst(out.size() * 4);
  src.upload(in.data.data());
  const Layout l{in.n, in.c, in.h, in.w, true};
  rfy_tensor st = describe(src.ptr, RFY_UINT8, l, RFY_CUDA), dt = describe(dst.ptr, RFY_FLOAT32, l, RFY_CUDA);
  rfy_augment_batch b{&st, &dt, nullptr, 1, 0, nullptr};
  int64_t bytes = 0;
  die_on(px  ? rfy_pixmix_workspace_size(&b, px, RFY_PATH_FAST, &bytes)
         : o ? rfy_augmix_workspace_size(&b, o, RFY_PATH_FAST, &bytes)
             : rfy_augment_op_workspace_size(&b, RFY_PATH_FAST, &bytes),
         "workspace size");
  DeviceBuffer ws(static_cast<size_t>(bytes));
  rfy_tensor wt{};
  wt.data = ws.ptr;
  wt.dtype = RFY_UINT8;
  wt.device_type = RFY_CUDA;
  wt.ndim = 1;
  wt.shape[0] = bytes;
  wt.strides[0] = 1;
  b.workspace = &wt;
  die_on(px  ? rfy_pixmix_images(&b, px, RFY_PATH_FAST, nullptr)
         : o ? rfy_augmix_images(&b, o, RFY_PATH_FAST, nullptr)
             : rfy_augment_op_images(&b, op, value, RFY_PATH_FAST, nullptr),
         "cuda augment");
  cuda_ok(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  dst.download(out.data());
#else
  (void)o, (void)op, (void)value, (void)px;
#endif
  return out;
}

}  // namespace

int main() {
  const bool with_cuda = cuda_device_present();
  if (with_cuda) die_on(rfy_cuda_backend_load(nullptr), "rfy_cuda_backend_load");
  rfy_set_num_threads(2);
  int failures = 0;
  const struct {
    int side, channels, batch;
  } sizes[] = {{28, 1, 16}, {32, 3, 8}, {96, 3, 4}, {224, 3, 2}};
  for (const auto& size : sizes) {
    const rfy_test::Images in = bench_images(size.side, size.channels, size.batch);
    for (int all_ops : {0, 1}) {
      rfy_augmix_options o;
      rfy_augmix_default_options(&o);
      o.seed = 17;
      o.all_ops = all_ops;
      std::vector<float> ref, fast;
      die_on(rfy_test::augmix_u8(in, ref, o, RFY_PATH_REFERENCE, 1), "reference");
      die_on(rfy_test::augmix_u8(in, fast, o, RFY_PATH_FAST, 1), "fast");
      const double d = rfy_test::max_abs_diff(ref, fast);
      failures += d != 0.0;
      std::printf("%-4s %3dx%3dx%d augmix%-8s fast vs reference max |d| %.3g", d == 0.0 ? "ok" : "FAIL", size.side,
                  size.side, size.channels, all_ops ? "(all)" : "", d);
      if (with_cuda) {
        const double g = rfy_test::max_abs_diff(fast, run_cuda(in, &o, 0, 0.0));
        failures += g != 0.0;
        std::printf("  | cuda vs fast max |d| %.3g %s", g, g == 0.0 ? "ok" : "FAIL");
      }
      std::printf("\n");
    }
    {
      rfy_pixmix_options px;
      rfy_pixmix_default_options(&px);
      px.seed = 17;
      std::vector<float> ref, fast;
      die_on(rfy_test::pixmix_u8(in, ref, px, RFY_PATH_REFERENCE, 1), "pixmix reference");
      die_on(rfy_test::pixmix_u8(in, fast, px, RFY_PATH_FAST, 1), "pixmix fast");
      const double d = rfy_test::max_abs_diff(ref, fast);
      failures += d > 1.0 / 255;
      std::printf("%-4s %3dx%3dx%d pixmix         fast vs reference max |d| %.3g", d <= 1.0 / 255 ? "ok" : "FAIL",
                  size.side, size.side, size.channels, d);
      if (with_cuda) {
        // The same op source; log/exp are straight-line float code and FMA contraction is off, so bits match
        // unless the plasma's float sums reassociate: allow 1e-5.
        const double g = rfy_test::max_abs_diff(fast, run_cuda(in, nullptr, 0, 0.0, &px));
        failures += g > 1e-5;
        std::printf("  | cuda vs fast max |d| %.3g %s", g, g <= 1e-5 ? "ok" : "FAIL");
      }
      std::printf("\n");
    }
    const double values[RFY_AUGMENT_OP_COUNT] = {0, 0, 3, -23, 140, 0.27, -0.18, 7, -5, 1.6, 0.35, 1.4, 1.9};
    for (int op = 0; op < RFY_AUGMENT_OP_COUNT; ++op) {
      rfy_test::Images ref, fast;
      die_on(rfy_test::augment_op_u8(in, ref, op, values[op], RFY_PATH_REFERENCE), "reference op");
      die_on(rfy_test::augment_op_u8(in, fast, op, values[op], RFY_PATH_FAST), "fast op");
      const double d = rfy_test::max_abs_diff(ref, fast);
      failures += d != 0.0;
      std::printf("%-4s %3dx%3dx%d %-12s %6g fast vs reference max |d| %.0f", d == 0.0 ? "ok" : "FAIL", size.side,
                  size.side, size.channels, rfy_augment_op_name(op), values[op], d);
      if (with_cuda) {
        std::vector<float> f(fast.data.size());
        for (size_t i = 0; i < f.size(); ++i) f[i] = fast.data[i] / 255.0f;
        const double g = rfy_test::max_abs_diff(f, run_cuda(in, nullptr, op, values[op]));
        failures += g > 1e-7;
        std::printf("  | cuda vs fast max |d| %.3g %s", g, g <= 1e-7 ? "ok" : "FAIL");
      }
      std::printf("\n");
    }
  }
  std::printf("check_augment: %d failures%s\n", failures, with_cuda ? "" : " (CPU paths only: no GPU)");
  return failures > 100 ? 100 : failures;
}
