// Moving one sample between the caller's tensors and the op planes: any strides, uint8 or float32 in (float32 is
// rounded to 8 bits, the ops being Pillow's 8-bit ops), float32 out. Shared by the CPU paths and CUDA.
#pragma once

#include <cstdint>

#include "augment/ops.inl"
#include "corrupt/io.inl"

namespace rfy::augment {

using corrupt::ImageView;

RFY_OP void load_u8_planes(const ImageView& src, int64_t n, const Planes& s) {
  const int64_t sc = src.stride[1], sy = src.stride[2], sx = src.stride[3];
  if (src.dtype == RFY_UINT8) {
    const uint8_t* base = static_cast<const uint8_t*>(src.data) + n * src.stride[0];
    RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) s.orig[i] = static_cast<float>(base[ch * sc + y * sy + x * sx]);
  } else {
    const float* base = static_cast<const float*>(src.data) + n * src.stride[0];
    RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) {
      const float v = base[ch * sc + y * sy + x * sx];
      const float clipped = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;  // NaN -> 0
      s.orig[i] = static_cast<float>(static_cast<int>(clipped * 255.0f + 0.5f));
    }
  }
  RFY_BARRIER();
}

RFY_OP void store_planes(const Planes& s, const float* values, const ImageView& dst, int64_t n) {
  const int64_t sc = dst.stride[1], sy = dst.stride[2], sx = dst.stride[3];
  float* base = static_cast<float*>(dst.data) + n * dst.stride[0];
  RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) {
    const float v = values[i];
    base[ch * sc + y * sy + x * sx] = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
  }
  RFY_BARRIER();
}

inline ImageView image_view(const rfy_tensor& t) {
  ImageView v{t.data, t.dtype, {}};
  for (int d = 0; d < 4; ++d) v.stride[d] = t.strides[d];
  return v;
}

}  // namespace rfy::augment
