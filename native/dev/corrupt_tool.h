// Running rfy_corrupt_images from the corrupt checker and benchmark: host or device buffers and workspace.
#pragma once

#include <cstdint>
#include <vector>

#include "dev/tool_support.h"
#include "robustify/corrupt.h"
#include "tests/corrupt_fixture.h"

namespace rfy_tool {

// Corrupts `in` (NHWC uint8) with one (corruption, severity) per call on `path` (CPU) or on the GPU.
struct CorruptRunner {
  const rfy_test::Images& in;
  rfy_test::Images out;
  std::vector<int32_t> corr, sev;
  std::vector<uint8_t> host_ws;
#if defined(RFY_HAVE_CUDA_BACKEND)
  DeviceBuffer* dev_in = nullptr;
  DeviceBuffer* dev_out = nullptr;
  DeviceBuffer* dev_ws = nullptr;
#endif
  explicit CorruptRunner(const rfy_test::Images& images) : in(images), out(images) {}
  ~CorruptRunner() {
#if defined(RFY_HAVE_CUDA_BACKEND)
    delete dev_in;
    delete dev_out;
    delete dev_ws;
#endif
  }

  void run(int corruption, int severity, int path, bool cuda, uint64_t seed = 1) {
    const Layout l{in.n, in.c, in.h, in.w, true};
    corr.assign(static_cast<size_t>(in.n), corruption);
    sev.assign(static_cast<size_t>(in.n), severity);
    rfy_corrupt_options o;
    rfy_corrupt_default_options(&o);
    o.seed = seed;
    rfy_tensor src = describe(const_cast<uint8_t*>(in.data.data()), RFY_UINT8, l, RFY_CPU);
    rfy_tensor dst = describe(out.data.data(), RFY_UINT8, l, RFY_CPU);
    rfy_corrupt_batch b{&src, &dst, corr.data(), sev.data(), nullptr, nullptr};
#if defined(RFY_HAVE_CUDA_BACKEND)
    if (cuda) {
      if (!dev_in) {
        dev_in = new DeviceBuffer(in.size());
        dev_in->upload(in.data.data());
        dev_out = new DeviceBuffer(in.size());
      }
      src = describe(dev_in->ptr, RFY_UINT8, l, RFY_CUDA);
      dst = describe(dev_out->ptr, RFY_UINT8, l, RFY_CUDA);
      int64_t bytes = 0;
      die_on(rfy_corrupt_workspace_size(&b, &o, RFY_PATH_FAST, &bytes), "rfy_corrupt_workspace_size");
      if (!dev_ws || dev_ws->bytes < static_cast<size_t>(bytes)) {
        delete dev_ws;
        dev_ws = new DeviceBuffer(static_cast<size_t>(bytes));
      }
      rfy_tensor ws{};
      ws.data = dev_ws->ptr;
      ws.dtype = RFY_UINT8;
      ws.device_type = RFY_CUDA;
      ws.ndim = 1;
      ws.shape[0] = static_cast<int64_t>(dev_ws->bytes);
      ws.strides[0] = 1;
      b.workspace = &ws;
      die_on(rfy_corrupt_images(&b, &o, RFY_PATH_FAST, nullptr), "rfy_corrupt_images (cuda)");
      return;
    }
#else
    (void)cuda;
#endif
    int64_t bytes = 0;
    die_on(rfy_corrupt_workspace_size(&b, &o, path, &bytes), "rfy_corrupt_workspace_size");
    if (host_ws.size() < static_cast<size_t>(bytes)) host_ws.resize(static_cast<size_t>(bytes));
    rfy_tensor ws = rfy_test::host_tensor(host_ws.data(), RFY_UINT8, {bytes});
    b.workspace = &ws;
    die_on(rfy_corrupt_images(&b, &o, path, nullptr), "rfy_corrupt_images");
  }

  // Copies the GPU result to `out` (after a CUDA run).
  void fetch() {
#if defined(RFY_HAVE_CUDA_BACKEND)
    cuda_ok(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    dev_out->download(out.data.data());
#endif
  }
};

// Real images at the benchmark sizes: Fashion-MNIST (28x28x1) and the RGB fixtures, tiled to `batch` images and
// resized (nearest) to `side` when needed.
inline rfy_test::Images bench_images(int side, int channels, int64_t batch) {
  rfy_test::Images base = channels == 1 ? rfy_test::fashion_images()
                                        : (side <= 32 ? rfy_test::rgb_images(32) : rfy_test::rgb_images(96));
  if (base.h != side) base = rfy_test::resize_nearest(base, side, side);
  rfy_test::Images out = base;
  out.n = batch;
  const size_t per = static_cast<size_t>(base.h * base.w * base.c);
  out.data.resize(per * static_cast<size_t>(batch));
  for (int64_t i = 0; i < batch; ++i)
    std::copy(base.data.begin() + static_cast<int64_t>(per) * (i % base.n),
              base.data.begin() + static_cast<int64_t>(per) * (i % base.n + 1), out.data.begin() + per * i);
  return out;
}

}  // namespace rfy_tool
