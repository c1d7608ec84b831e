// Helpers to describe host buffers as rfy_tensor in tests and tools.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "robustify/robustify.h"

namespace rfy_test {

// Contiguous (row-major) descriptor.
inline rfy_tensor host_tensor(void* data, rfy_dtype dtype, std::initializer_list<int64_t> shape) {
  rfy_tensor t{};
  t.data = data;
  t.dtype = dtype;
  t.device_type = RFY_CPU;
  t.ndim = static_cast<int32_t>(shape.size());
  int i = 0;
  for (auto s : shape) t.shape[i++] = s;
  int64_t stride = 1;
  for (int d = t.ndim - 1; d >= 0; --d) {
    t.strides[d] = stride;
    stride *= t.shape[d];
  }
  return t;
}

// NCHW logical view of an NHWC buffer, as libtorch's permute(0, 3, 1, 2) describes it.
inline rfy_tensor nhwc_as_nchw(void* data, rfy_dtype dtype, int64_t n, int64_t h, int64_t w, int64_t c) {
  rfy_tensor t = host_tensor(data, dtype, {n, c, h, w});
  t.strides[0] = h * w * c;
  t.strides[1] = 1;
  t.strides[2] = w * c;
  t.strides[3] = c;
  return t;
}

}  // namespace rfy_test
