// Helpers shared by the augment test, checker and benchmark: run rfy_augmix_images / rfy_augment_op_images on
// host NHWC buffers with a workspace of the size the library asks for.
#pragma once

#include <cstdint>
#include <vector>

#include "robustify/augment.h"
#include "tests/corrupt_fixture.h"

namespace rfy_test {

// AugMix of every image of `in` (NHWC uint8) into `out` (NHWC float32). ids: NULL means 0..N-1.
inline rfy_status augmix_u8(const Images& in, std::vector<float>& out, const rfy_augmix_options& o, int path,
                            int32_t view = 0, const int64_t* ids = nullptr) {
  out.assign(in.data.size(), -1.0f);
  rfy_tensor src = nhwc_as_nchw(const_cast<uint8_t*>(in.data.data()), RFY_UINT8, in.n, in.h, in.w, in.c);
  rfy_tensor dst = nhwc_as_nchw(out.data(), RFY_FLOAT32, in.n, in.h, in.w, in.c);
  rfy_augment_batch b{&src, &dst, ids, view, 0, nullptr};
  int64_t bytes = 0;
  const rfy_status s = rfy_augmix_workspace_size(&b, &o, path, &bytes);
  if (s != RFY_OK) return s;
  std::vector<float> ws(static_cast<size_t>(bytes / 4 + 1));
  rfy_tensor wt = host_tensor(ws.data(), RFY_UINT8, {bytes});
  b.workspace = &wt;
  return rfy_augmix_images(&b, &o, path, nullptr);
}

// PixMix of every image of `in` (NHWC uint8) into `out` (NHWC float32).
inline rfy_status pixmix_u8(const Images& in, std::vector<float>& out, const rfy_pixmix_options& o, int path,
                            int32_t view = 0, const int64_t* ids = nullptr) {
  out.assign(in.data.size(), -1.0f);
  rfy_tensor src = nhwc_as_nchw(const_cast<uint8_t*>(in.data.data()), RFY_UINT8, in.n, in.h, in.w, in.c);
  rfy_tensor dst = nhwc_as_nchw(out.data(), RFY_FLOAT32, in.n, in.h, in.w, in.c);
  rfy_augment_batch b{&src, &dst, ids, view, 0, nullptr};
  int64_t bytes = 0;
  const rfy_status s = rfy_pixmix_workspace_size(&b, &o, path, &bytes);
  if (s != RFY_OK) return s;
  std::vector<float> ws(static_cast<size_t>(bytes / 4 + 1));
  rfy_tensor wt = host_tensor(ws.data(), RFY_UINT8, {bytes});
  b.workspace = &wt;
  return rfy_pixmix_images(&b, &o, path, nullptr);
}

// One op with a fixed argument; `out` holds the result as uint8 (exact: the op output is k / 255).
inline rfy_status augment_op_u8(const Images& in, Images& out, int op, double value, int path) {
  std::vector<float> f(in.data.size(), -1.0f);
  rfy_tensor src = nhwc_as_nchw(const_cast<uint8_t*>(in.data.data()), RFY_UINT8, in.n, in.h, in.w, in.c);
  rfy_tensor dst = nhwc_as_nchw(f.data(), RFY_FLOAT32, in.n, in.h, in.w, in.c);
  rfy_augment_batch b{&src, &dst, nullptr, 0, 0, nullptr};
  int64_t bytes = 0;
  rfy_status s = rfy_augment_op_workspace_size(&b, path, &bytes);
  if (s != RFY_OK) return s;
  std::vector<float> ws(static_cast<size_t>(bytes / 4 + 1));
  rfy_tensor wt = host_tensor(ws.data(), RFY_UINT8, {bytes});
  b.workspace = &wt;
  s = rfy_augment_op_images(&b, op, value, path, nullptr);
  out = in;
  for (size_t i = 0; i < f.size(); ++i) out.data[i] = static_cast<uint8_t>(std::lround(f[i] * 255.0f));
  return s;
}

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = a.size() == b.size() ? 0.0 : 1e9;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
  return m;
}

}  // namespace rfy_test
