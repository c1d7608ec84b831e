// Moving one sample between the caller's tensors (uint8 0..255 or float32 0..1, any strides) and the planar float
// image the ops work on. Shared by the CPU paths and CUDA (see corrupt/parallel.h).
#pragma once

#include <cstdint>

#include "corrupt/parallel.h"
#include "corrupt/plan.h"
#include "corrupt/sample.h"

namespace rfy::corrupt {

struct ImageView {
  void* data;      // base of the batch
  int dtype;       // RFY_UINT8 or RFY_FLOAT32
  int64_t stride[4];
};

RFY_OP void load_sample(const ImageView& src, int64_t n, const Sample& s) {
  RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) {
    const int64_t at = n * src.stride[0] + ch * src.stride[1] + y * src.stride[2] + x * src.stride[3];
    s.img[i] = src.dtype == RFY_UINT8 ? static_cast<float>(static_cast<const uint8_t*>(src.data)[at]) * (1.0f / 255.0f)
                                      : static_cast<const float*>(src.data)[at];
  }
  RFY_BARRIER();
}

RFY_OP void store_sample(const Sample& s, const ImageView& dst, int64_t n) {
  RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) {
    const int64_t at = n * dst.stride[0] + ch * dst.stride[1] + y * dst.stride[2] + x * dst.stride[3];
    const float v = s.img[i];
    if (dst.dtype == RFY_UINT8)
      static_cast<uint8_t*>(dst.data)[at] = to_u8(v);
    else
      static_cast<float*>(dst.data)[at] = v != v ? 0.0f : clamp01(v);  // NaN never leaves the engine
  }
  RFY_BARRIER();
}

// The Sample of task `t` whose floats start at `floats` (image first, then scratch).
RFY_OP Sample make_sample(const Task& t, float* floats, int c, int h, int w, int preset, int preset_size,
                          uint64_t seed, const FrostTextures& frost) {
  Sample s;
  s.img = floats;
  s.c = c;
  s.h = h;
  s.w = w;
  const int64_t image = (static_cast<int64_t>(c) * h * w + 63) / 64 * 64;
  s.scratch = floats + image;
  for (int k = 0; k < kMaxParams; ++k) s.p[k] = t.p[k];
  s.corruption = t.corruption;
  s.severity = t.severity;
  s.preset = preset;
  s.preset_size = preset_size;
  s.key = make_rng_key(seed, t.sample_id, t.corruption, t.severity);
  s.frost = frost;
  return s;
}

}  // namespace rfy::corrupt
