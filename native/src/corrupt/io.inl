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

// The dtype branch sits outside the pixel loops so that each loop is a plain strided copy (it vectorises on the
// CPU when the innermost stride is 1).
RFY_OP void load_sample(const ImageView& src, int64_t n, const Sample& s) {
  const int64_t sc = src.stride[1], sy = src.stride[2], sx = src.stride[3];
  if (src.dtype == RFY_UINT8) {
    const uint8_t* base = static_cast<const uint8_t*>(src.data) + n * src.stride[0];
    RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) s.img[i] = static_cast<float>(base[ch * sc + y * sy + x * sx]) * (1.0f / 255.0f);
  } else {
    const float* base = static_cast<const float*>(src.data) + n * src.stride[0];
    RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) s.img[i] = base[ch * sc + y * sy + x * sx];
  }
  RFY_BARRIER();
}

RFY_OP void store_sample(const Sample& s, const ImageView& dst, int64_t n) {
  const int64_t sc = dst.stride[1], sy = dst.stride[2], sx = dst.stride[3];
  if (dst.dtype == RFY_UINT8) {
    uint8_t* base = static_cast<uint8_t*>(dst.data) + n * dst.stride[0];
    RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) base[ch * sc + y * sy + x * sx] = to_u8(s.img[i]);
  } else {
    float* base = static_cast<float*>(dst.data) + n * dst.stride[0];
    // NaN never leaves the engine: the comparisons send it to 0.
    RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) {
      const float v = s.img[i];
      base[ch * sc + y * sy + x * sx] = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
    }
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
