// The fast CPU path's sample load and store: the same values as load_sample / store_sample (io.inl), but written
// per row for the common layouts (NHWC with 1 or 3 channels, NCHW; uint8 or float32), so they vectorise. The
// generic strided loops of io.inl gather one element at a time (stride C in NHWC); at 224 x 224 x 3 that cost as
// much as a whole cheap corruption. Included by corrupt_cpu.cpp only (inside its AVX2 clones).
#pragma once

#include <cstdint>

#include "corrupt/io.inl"

namespace rfy::corrupt {

// The value a stored element loads as, and the element a value stores as: io.inl's conversions.
inline float io_load_value(uint8_t v) { return static_cast<float>(v) * (1.0f / 255.0f); }
inline float io_load_value(float v) { return v; }
inline void io_store_value(float v, uint8_t& out) { out = to_u8(v); }
inline void io_store_value(float v, float& out) { out = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; }  // NaN -> 0

// One row of x-contiguous pixels with C interleaved channels (C = 1 or 3: compile-time so the deinterleave becomes
// shuffles) into C planar float rows, and back.
template <int C, typename T>
inline void io_load_row(const T* __restrict in, float* __restrict out, int64_t plane, int w) {
  if constexpr (C == 1) {
    for (int x = 0; x < w; ++x) out[x] = io_load_value(in[x]);
  } else {
    float* __restrict o0 = out;
    float* __restrict o1 = out + plane;
    float* __restrict o2 = out + 2 * plane;
    for (int x = 0; x < w; ++x) {
      o0[x] = io_load_value(in[3 * x]);
      o1[x] = io_load_value(in[3 * x + 1]);
      o2[x] = io_load_value(in[3 * x + 2]);
    }
  }
}

template <int C, typename T>
inline void io_store_row(const float* __restrict in, T* __restrict out, int64_t plane, int w) {
  if constexpr (C == 1) {
    for (int x = 0; x < w; ++x) io_store_value(in[x], out[x]);
  } else {
    const float* __restrict i0 = in;
    const float* __restrict i1 = in + plane;
    const float* __restrict i2 = in + 2 * plane;
    for (int x = 0; x < w; ++x) {
      io_store_value(i0[x], out[3 * x]);
      io_store_value(i1[x], out[3 * x + 1]);
      io_store_value(i2[x], out[3 * x + 2]);
    }
  }
}

// Row fast paths of one sample for element type T: NHWC with C = 3 (channel stride 1, pixel stride 3) or any
// layout whose x stride is 1 (NCHW, or NHWC with C = 1). Returns false for other layouts.
template <typename T>
inline bool io_load_rows(const T* base, int64_t sc, int64_t sy, int64_t sx, const Sample& s) {
  const int64_t plane = s.plane();
  if (s.c == 3 && sc == 1 && sx == 3) {
    for (int y = 0; y < s.h; ++y) io_load_row<3>(base + y * sy, s.img + static_cast<int64_t>(y) * s.w, plane, s.w);
    return true;
  }
  if (sx != 1) return false;
  for (int ch = 0; ch < s.c; ++ch)
    for (int y = 0; y < s.h; ++y)
      io_load_row<1>(base + ch * sc + y * sy, s.channel(ch) + static_cast<int64_t>(y) * s.w, plane, s.w);
  return true;
}

template <typename T>
inline bool io_store_rows(const Sample& s, T* base, int64_t sc, int64_t sy, int64_t sx) {
  const int64_t plane = s.plane();
  if (s.c == 3 && sc == 1 && sx == 3) {
    for (int y = 0; y < s.h; ++y) io_store_row<3>(s.img + static_cast<int64_t>(y) * s.w, base + y * sy, plane, s.w);
    return true;
  }
  if (sx != 1) return false;
  for (int ch = 0; ch < s.c; ++ch)
    for (int y = 0; y < s.h; ++y)
      io_store_row<1>(s.channel(ch) + static_cast<int64_t>(y) * s.w, base + ch * sc + y * sy, plane, s.w);
  return true;
}

// load_sample / store_sample with the row fast paths, for uint8 and float32; other layouts go through io.inl's
// generic loops.
inline void load_sample_cpu(const ImageView& src, int64_t n, const Sample& s) {
  const int64_t sc = src.stride[1], sy = src.stride[2], sx = src.stride[3];
  const bool done = src.dtype == RFY_UINT8
                        ? io_load_rows(static_cast<const uint8_t*>(src.data) + n * src.stride[0], sc, sy, sx, s)
                        : io_load_rows(static_cast<const float*>(src.data) + n * src.stride[0], sc, sy, sx, s);
  if (!done) load_sample(src, n, s);
}

inline void store_sample_cpu(const Sample& s, const ImageView& dst, int64_t n) {
  const int64_t sc = dst.stride[1], sy = dst.stride[2], sx = dst.stride[3];
  const bool done = dst.dtype == RFY_UINT8
                        ? io_store_rows(s, static_cast<uint8_t*>(dst.data) + n * dst.stride[0], sc, sy, sx)
                        : io_store_rows(s, static_cast<float*>(dst.data) + n * dst.stride[0], sc, sy, sx);
  if (!done) store_sample(s, dst, n);
}

}  // namespace rfy::corrupt
