// The fast CPU path's sample load and store: the same values as load_sample / store_sample (io.inl), but written
// per row for the common layouts (NHWC with 1 or 3 channels, NCHW; uint8 or float32), so they vectorise. The
// generic strided loops of io.inl gather one element at a time (stride C in NHWC); at 224 x 224 x 3 that cost as
// much as a whole cheap corruption. Included by corrupt_cpu.cpp only (inside its AVX2 clones).
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "core/simd.h"
#include "corrupt/io.inl"

namespace rfy::corrupt {

// The value a stored element loads as, and the element a value stores as: io.inl's conversions.
inline float io_load_value(uint8_t v) { return static_cast<float>(v) * (1.0f / 255.0f); }
inline float io_load_value(float v) { return v; }
inline void io_store_value(float v, uint8_t& out) { out = to_u8(v); }
inline void io_store_value(float v, float& out) { out = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; }  // NaN -> 0

#if defined(__x86_64__) && defined(__GNUC__)
#define RFY_IO_AVX2 1
// to_u8 of 16 floats (the same results: clip with NaN -> 0, * 255, + 1e-4, truncate) as 16 bytes in order.
// Only the upper clip is done in float: MINPS returns its second operand when either is NaN, so min(1, NaN) = NaN,
// which CVTTPS2DQ turns into INT_MIN like every other negative; below zero v * 255 + 1e-4 < 1 truncates to 0 or
// less, and the saturating packs then give 0, as clipping to 0 first would.
__attribute__((target("avx2"), always_inline)) inline __m128i io_to_u8_16_avx2(const float* v) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 k255 = _mm256_set1_ps(255.0f), eps = _mm256_set1_ps(1e-4f);
  const __m256 a = _mm256_min_ps(one, _mm256_loadu_ps(v));
  const __m256 b = _mm256_min_ps(one, _mm256_loadu_ps(v + 8));
  const __m256i ia = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(a, k255), eps));
  const __m256i ib = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(b, k255), eps));
  const __m256i w = _mm256_packs_epi32(ia, ib);  // a0-3 b0-3 | a4-7 b4-7 (int16)
  const __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
  return _mm_shuffle_epi32(bytes, _MM_SHUFFLE(3, 1, 2, 0));  // a0-3 a4-7 b0-3 b4-7
}

// Three planar float rows of n pixels stored as interleaved RGB uint8, 16 pixels at a time; returns the pixels done
// (the caller finishes the tail). A stride-3 byte store loop does not vectorise and cost about 3 cycles a value:
// most of a cheap corruption's time at 224 x 224.
__attribute__((target("avx2"), noinline)) inline int64_t io_store_rgb_u8_avx2(const float* r, const float* g,
                                                                               const float* b, uint8_t* out,
                                                                               int64_t n) {
  const __m128i r0 = _mm_setr_epi8(0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1, 5);
  const __m128i g0 = _mm_setr_epi8(-1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1);
  const __m128i b0 = _mm_setr_epi8(-1, -1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1);
  const __m128i r1 = _mm_setr_epi8(-1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10, -1);
  const __m128i g1 = _mm_setr_epi8(5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10);
  const __m128i b1 = _mm_setr_epi8(-1, 5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1);
  const __m128i r2 = _mm_setr_epi8(-1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1, -1);
  const __m128i g2 = _mm_setr_epi8(-1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1);
  const __m128i b2 = _mm_setr_epi8(10, -1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15);
  int64_t x = 0;
  for (; x + 16 <= n; x += 16) {
    const __m128i R = io_to_u8_16_avx2(r + x), G = io_to_u8_16_avx2(g + x), B = io_to_u8_16_avx2(b + x);
    __m128i* o = reinterpret_cast<__m128i*>(out + 3 * x);
    _mm_storeu_si128(o, _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(R, r0), _mm_shuffle_epi8(G, g0)),
                                     _mm_shuffle_epi8(B, b0)));
    _mm_storeu_si128(o + 1, _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(R, r1), _mm_shuffle_epi8(G, g1)),
                                         _mm_shuffle_epi8(B, b1)));
    _mm_storeu_si128(o + 2, _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(R, r2), _mm_shuffle_epi8(G, g2)),
                                         _mm_shuffle_epi8(B, b2)));
  }
  return x;
}

// Interleaved RGB uint8 of n pixels into three planar float rows (v / 255 as io_load_value), 16 pixels at a time;
// returns the pixels done.
__attribute__((target("avx2"), always_inline)) inline void io_store_u8_16_as_floats(__m128i bytes, float* out) {
  const __m256 scale = _mm256_set1_ps(1.0f / 255.0f);
  _mm256_storeu_ps(out, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)), scale));
  _mm256_storeu_ps(out + 8, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8))), scale));
}

__attribute__((target("avx2"), noinline)) inline int64_t io_load_rgb_u8_avx2(const uint8_t* in, float* r, float* g,
                                                                              float* b, int64_t n) {
  // Channel c of the 16 pixels: bytes 3p + c of the 48, spread over the three 16-byte loads.
  const __m128i r0 = _mm_setr_epi8(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i r1 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14, -1, -1, -1, -1, -1);
  const __m128i r2 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 4, 7, 10, 13);
  const __m128i g0 = _mm_setr_epi8(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i g1 = _mm_setr_epi8(-1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1);
  const __m128i g2 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14);
  const __m128i b0 = _mm_setr_epi8(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i b1 = _mm_setr_epi8(-1, -1, -1, -1, -1, 1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1);
  const __m128i b2 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15);
  int64_t x = 0;
  for (; x + 16 <= n; x += 16) {
    const __m128i* p = reinterpret_cast<const __m128i*>(in + 3 * x);
    // The batch streams from L3 or memory; the hardware prefetcher alone left this loop waiting on its loads.
    _mm_prefetch(reinterpret_cast<const char*>(p) + 1024, _MM_HINT_T0);
    const __m128i a = _mm_loadu_si128(p), c = _mm_loadu_si128(p + 1), d = _mm_loadu_si128(p + 2);
    io_store_u8_16_as_floats(
        _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, r0), _mm_shuffle_epi8(c, r1)), _mm_shuffle_epi8(d, r2)), r + x);
    io_store_u8_16_as_floats(
        _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, g0), _mm_shuffle_epi8(c, g1)), _mm_shuffle_epi8(d, g2)), g + x);
    io_store_u8_16_as_floats(
        _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, b0), _mm_shuffle_epi8(c, b1)), _mm_shuffle_epi8(d, b2)), b + x);
  }
  return x;
}
#endif

// One row of x-contiguous pixels with C interleaved channels (C = 1 or 3: compile-time so the deinterleave becomes
// shuffles) into C planar float rows, and back.
template <int C, typename T>
inline void io_load_row(const T* __restrict in, float* __restrict out, int64_t plane, int64_t w) {
  if constexpr (C == 1) {
    for (int64_t x = 0; x < w; ++x) out[x] = io_load_value(in[x]);
  } else {
    float* __restrict o0 = out;
    float* __restrict o1 = out + plane;
    float* __restrict o2 = out + 2 * plane;
    int64_t x = 0;
#if defined(RFY_IO_AVX2)
    if constexpr (sizeof(T) == 1) {
      if (cpu_has_avx2()) x = io_load_rgb_u8_avx2(in, o0, o1, o2, w);
    }
#endif
    for (; x < w; ++x) {
      o0[x] = io_load_value(in[3 * x]);
      o1[x] = io_load_value(in[3 * x + 1]);
      o2[x] = io_load_value(in[3 * x + 2]);
    }
  }
}


template <int C, typename T>
inline void io_store_row(const float* __restrict in, T* __restrict out, int64_t plane, int64_t w) {
  if constexpr (C == 1) {
    for (int64_t x = 0; x < w; ++x) io_store_value(in[x], out[x]);
  } else {
    const float* __restrict i0 = in;
    const float* __restrict i1 = in + plane;
    const float* __restrict i2 = in + 2 * plane;
    int64_t x = 0;
#if defined(RFY_IO_AVX2)
    if constexpr (sizeof(T) == 1) {
      if (cpu_has_avx2()) x = io_store_rgb_u8_avx2(i0, i1, i2, out, w);
    }
#endif
    for (; x < w; ++x) {
      io_store_value(i0[x], out[3 * x]);
      io_store_value(i1[x], out[3 * x + 1]);
      io_store_value(i2[x], out[3 * x + 2]);
    }
  }
}

// Row fast paths of one sample for element type T: NHWC with C = 3 (channel stride 1, pixel stride 3) or any
// layout whose x stride is 1 (NCHW, or NHWC with C = 1). Returns false for other layouts.
// Row fast paths of one sample for element type T: NHWC with C = 3 (channel stride 1, pixel stride 3) or any
// layout whose x stride is 1 (NCHW, or NHWC with C = 1). Returns false for other layouts. Rows stored back to back
// (the usual dense tensor) go as one long row: at 28 or 32 pixels a row, per-row loop tails cost as much as the body.
template <typename T>
inline bool io_load_rows(const T* base, int64_t sc, int64_t sy, int64_t sx, const Sample& s) {
  const int64_t plane = s.plane();
  if (s.c == 3 && sc == 1 && sx == 3) {
    if (sy == 3 * s.w) {
      io_load_row<3>(base, s.img, plane, plane);
      return true;
    }
    for (int y = 0; y < s.h; ++y) io_load_row<3>(base + y * sy, s.img + static_cast<int64_t>(y) * s.w, plane, s.w);
    return true;
  }
  if (sx != 1) return false;
  for (int ch = 0; ch < s.c; ++ch) {
    if (sy == s.w) {
      io_load_row<1>(base + ch * sc, s.channel(ch), plane, plane);
      continue;
    }
    for (int y = 0; y < s.h; ++y)
      io_load_row<1>(base + ch * sc + y * sy, s.channel(ch) + static_cast<int64_t>(y) * s.w, plane, s.w);
  }
  return true;
}

template <typename T>
inline bool io_store_rows(const Sample& s, T* base, int64_t sc, int64_t sy, int64_t sx) {
  const int64_t plane = s.plane();
  if (s.c == 3 && sc == 1 && sx == 3) {
    if (sy == 3 * s.w) {
      io_store_row<3>(s.img, base, plane, plane);
      return true;
    }
    for (int y = 0; y < s.h; ++y) io_store_row<3>(s.img + static_cast<int64_t>(y) * s.w, base + y * sy, plane, s.w);
    return true;
  }
  if (sx != 1) return false;
  for (int ch = 0; ch < s.c; ++ch) {
    if (sy == s.w) {
      io_store_row<1>(s.channel(ch), base + ch * sc, plane, plane);
      continue;
    }
    for (int y = 0; y < s.h; ++y)
      io_store_row<1>(s.channel(ch) + static_cast<int64_t>(y) * s.w, base + ch * sc + y * sy, plane, s.w);
  }
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
