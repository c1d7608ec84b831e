// Filtering primitives shared by the optimised ops (CPU fast path and CUDA): border handling, Gaussian taps,
// separable and dense 2-D convolution of one plane, bilinear sampling. Included by ops.inl only.
#pragma once

#if !defined(__CUDACC__)
#include <vector>  // the CPU separable blur's padded row
#endif

#include <cmath>

#include "corrupt/parallel.h"

namespace rfy::corrupt {

// Border modes, named after the libraries whose behaviour the reference relies on.
enum Border {
  kBorderNearest = 0,    // a a | a b c | c c      (scipy 'nearest', cv2 BORDER_REPLICATE; skimage gaussian)
  kBorderReflect = 1,    // b a | a b c | c b      (scipy 'reflect', cv2 BORDER_REFLECT)
  kBorderReflect101 = 2, // c b | a b c | b a      (cv2 BORDER_REFLECT_101 = filter2D's default, scipy 'mirror')
  kBorderConstant = 3    // 0 0 | a b c | 0 0      (returns -1: the caller reads 0)
};

// Maps a possibly out-of-range index into [0, n) (or -1 for a constant border).
RFY_OP int border_index(int i, int n, int mode) {
  if (i >= 0 && i < n) return i;
  if (mode == kBorderConstant) return -1;
  if (n == 1) return 0;
  if (mode == kBorderNearest) return i < 0 ? 0 : n - 1;
  if (mode == kBorderReflect) {
    const int period = 2 * n;
    int k = i % period;
    if (k < 0) k += period;
    return k < n ? k : period - 1 - k;
  }
  const int period = 2 * n - 2;  // reflect 101
  int k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

// Normalised Gaussian taps w[-r..r] stored as taps[0..2r] with r = int(truncate * sigma + 0.5) (scipy's and
// skimage's radius rule). Returns r; r = 0 (a single tap of 1) for sigma <= 0. taps needs 2 * r + 1 floats.
RFY_HD int gaussian_radius(float sigma, float truncate) {
  return sigma > 0.0f ? static_cast<int>(truncate * sigma + 0.5f) : 0;
}
RFY_OP void gaussian_taps(float sigma, int radius, float* taps) {
  if (radius == 0) {
    taps[0] = 1.0f;
    return;
  }
  double sum = 0;
  for (int k = -radius; k <= radius; ++k) {
    const double v = exp(-0.5 * static_cast<double>(k) * k / (static_cast<double>(sigma) * sigma));
    taps[k + radius] = static_cast<float>(v);
    sum += v;
  }
  for (int k = 0; k <= 2 * radius; ++k) taps[k] = static_cast<float>(taps[k] / sum);
}

#if !defined(__CUDACC__)
// Eight floats as one vector (GCC vector extension: AVX2 registers in the AVX2 clone, SSE pairs otherwise);
// FilterV8u is its unaligned, may-alias view for loads and stores from float rows. Lane-wise + and * round as
// scalar float code does. (Used inline only: a 32-byte vector passed to a function would change ABI with AVX.)
typedef float FilterV8 __attribute__((vector_size(32)));
typedef float FilterV8u __attribute__((vector_size(32), aligned(4), may_alias));
#define RFY_FILTER_LOAD8(p) (*reinterpret_cast<const FilterV8u*>(p))
#define RFY_FILTER_STORE8(p, v) (*reinterpret_cast<FilterV8u*>(p) = (v))

// CPU: separable_blur_plane's loops for the cases its register-blocked form does not take (more than 127 taps,
// or a constant border): row-wise, taps outer and pixels inner, the same per-value summation order.
inline void separable_blur_plane_rows(const float* src, float* dst, float* tmp, int h, int w, const float* taps,
                                      int r, int border) {
  // Border columns / rows through border_index, the interior without it.
  const int x_lo = r < w ? r : w, x_hi = w - r > x_lo ? w - r : x_lo;  // interior columns [x_lo, x_hi)
  for (int y = 0; y < h; ++y) {
    const float* s_row = src + static_cast<int64_t>(y) * w;
    float* t_row = tmp + static_cast<int64_t>(y) * w;
    for (int x = 0; x < w; ++x) {
      if (x == x_lo) x = x_hi;
      if (x >= w) break;
      float acc = 0.0f;
      for (int k = -r; k <= r; ++k) {
        const int xx = border_index(x + k, w, border);
        acc += taps[k + r] * (xx < 0 ? 0.0f : s_row[xx]);
      }
      t_row[x] = acc;
    }
    for (int x = x_lo; x < x_hi; ++x) t_row[x] = 0.0f;
    for (int k = -r; k <= r; ++k) {
      const float t = taps[k + r];
      const float* s = s_row + k;
      for (int x = x_lo; x < x_hi; ++x) t_row[x] += t * s[x];
    }
  }
  for (int y = 0; y < h; ++y) {
    float* d_row = dst + static_cast<int64_t>(y) * w;
    for (int x = 0; x < w; ++x) d_row[x] = 0.0f;
    for (int k = -r; k <= r; ++k) {
      const int yy = border_index(y + k, h, border);
      const float t = taps[k + r];
      if (yy < 0) {
        for (int x = 0; x < w; ++x) d_row[x] += t * 0.0f;
        continue;
      }
      const float* t_row = tmp + static_cast<int64_t>(yy) * w;
      for (int x = 0; x < w; ++x) d_row[x] += t * t_row[x];
    }
  }
}
#endif

// dst = src convolved with taps (length 2r + 1) along x then y. src and dst may be the same plane; tmp is a third
// plane of h * w floats. taps must be readable by all threads (scratch or a local array computed by each).
RFY_OP void separable_blur_plane(const float* src, float* dst, float* tmp, int h, int w, const float* taps, int r,
                                 int border) {
#if defined(__CUDACC__)
  RFY_PAR_FOR_2D(i, y, x, h, w) {
    float acc = 0.0f;
    for (int k = -r; k <= r; ++k) {
      const int xx = border_index(x + k, w, border);
      acc += taps[k + r] * (xx < 0 ? 0.0f : src[static_cast<int64_t>(y) * w + xx]);
    }
    tmp[i] = acc;
  }
  RFY_BARRIER();
  RFY_PAR_FOR_2D(i, y, x, h, w) {
    float acc = 0.0f;
    for (int k = -r; k <= r; ++k) {
      const int yy = border_index(y + k, h, border);
      acc += taps[k + r] * (yy < 0 ? 0.0f : tmp[static_cast<int64_t>(yy) * w + x]);
    }
    dst[i] = acc;
  }
  RFY_BARRIER();
#else
  // Register-blocked: 32 outputs at a time (then 8) accumulate all their taps in registers (four 8-float vectors:
  // independent add chains), each output still summing its taps in order k = -r..r from 0.0f, so the values are
  // those of the loops above. The vertical pass reads rows through a per-output-row pointer table.
  constexpr int kBlock = 32, kMaxTaps = 127;
  if (2 * r + 1 > kMaxTaps || border == kBorderConstant) {
    separable_blur_plane_rows(src, dst, tmp, h, w, taps, r, border);
    return;
  }
  // Each source row is copied with r border pixels on either side (border_index), so every output column is a
  // plain run of taps (small images are mostly border otherwise).
  // The border columns' sources are the same for every row: looked up once (border_index's modulo per pixel
  // cost more than the taps on small planes).
  static thread_local std::vector<float> padded;
  padded.resize(static_cast<size_t>(w + 2 * r));
  float* pad = padded.data();
  int left[kMaxTaps / 2], right[kMaxTaps / 2];
  for (int k = 0; k < r; ++k) {
    left[k] = border_index(k - r, w, border);
    right[k] = border_index(w + k, w, border);
  }
  for (int y = 0; y < h; ++y) {
    const float* s_row = src + static_cast<int64_t>(y) * w;
    float* t_row = tmp + static_cast<int64_t>(y) * w;
    for (int k = 0; k < r; ++k) {
      pad[k] = s_row[left[k]];
      pad[w + r + k] = s_row[right[k]];
    }
    for (int x = 0; x < w; ++x) pad[r + x] = s_row[x];
    int x = 0;
    for (; x + kBlock <= w; x += kBlock) {
      FilterV8 a[kBlock / 8] = {};
      for (int k = 0; k <= 2 * r; ++k) {
        const FilterV8 t = FilterV8{} + taps[k];
        for (int j = 0; j < kBlock / 8; ++j) a[j] += t * RFY_FILTER_LOAD8(pad + x + k + 8 * j);
      }
      for (int j = 0; j < kBlock / 8; ++j) RFY_FILTER_STORE8(t_row + x + 8 * j, a[j]);
    }
    for (; x + 8 <= w; x += 8) {
      FilterV8 a = {};
      for (int k = 0; k <= 2 * r; ++k) a += (FilterV8{} + taps[k]) * RFY_FILTER_LOAD8(pad + x + k);
      RFY_FILTER_STORE8(t_row + x, a);
    }
    for (; x < w; ++x) {
      float acc = 0.0f;
      for (int k = 0; k <= 2 * r; ++k) acc += taps[k] * pad[x + k];
      t_row[x] = acc;
    }
  }
  const float* rows[kMaxTaps];
  for (int y = 0; y < h; ++y) {
    if (y >= r && y + r < h) {
      for (int k = -r; k <= r; ++k) rows[k + r] = tmp + static_cast<int64_t>(y + k) * w;
    } else {
      for (int k = -r; k <= r; ++k) rows[k + r] = tmp + static_cast<int64_t>(border_index(y + k, h, border)) * w;
    }
    float* d_row = dst + static_cast<int64_t>(y) * w;
    int x = 0;
    for (; x + kBlock <= w; x += kBlock) {
      FilterV8 a[kBlock / 8] = {};
      for (int k = 0; k <= 2 * r; ++k) {
        const FilterV8 t = FilterV8{} + taps[k];
        for (int j = 0; j < kBlock / 8; ++j) a[j] += t * RFY_FILTER_LOAD8(rows[k] + x + 8 * j);
      }
      for (int j = 0; j < kBlock / 8; ++j) RFY_FILTER_STORE8(d_row + x + 8 * j, a[j]);
    }
    for (; x + 8 <= w; x += 8) {
      FilterV8 a = {};
      for (int k = 0; k <= 2 * r; ++k) a += (FilterV8{} + taps[k]) * RFY_FILTER_LOAD8(rows[k] + x);
      RFY_FILTER_STORE8(d_row + x, a);
    }
    for (; x < w; ++x) {
      float acc = 0.0f;
      for (int k = 0; k <= 2 * r; ++k) acc += taps[k] * rows[k][x];
      d_row[x] = acc;
    }
  }
#endif
}

// dst = correlation of src with a kh x kw kernel anchored at its centre (cv2.filter2D semantics). dst != src.
RFY_OP void filter2d_plane(const float* src, float* dst, int h, int w, const float* kernel, int kh, int kw,
                           int border) {
  const int ay = kh / 2, ax = kw / 2;
  RFY_PAR_FOR_2D(i, y, x, h, w) {
    float acc = 0.0f;
    for (int ky = 0; ky < kh; ++ky) {
      const int yy = border_index(y + ky - ay, h, border);
      if (yy < 0) continue;
      const float* row = src + static_cast<int64_t>(yy) * w;
      for (int kx = 0; kx < kw; ++kx) {
        const int xx = border_index(x + kx - ax, w, border);
        if (xx >= 0) acc += kernel[ky * kw + kx] * row[xx];
      }
    }
    dst[i] = acc;
  }
  RFY_BARRIER();
}

// Bilinear sample of a plane at (y, x) in pixel coordinates, borders per `border`.
RFY_OP float bilinear(const float* plane, int h, int w, float y, float x, int border) {
  const float fy = floorf(y), fx = floorf(x);
  const int y0 = static_cast<int>(fy), x0 = static_cast<int>(fx);
  const float dy = y - fy, dx = x - fx;
  const int ya = border_index(y0, h, border), yb = border_index(y0 + 1, h, border);
  const int xa = border_index(x0, w, border), xb = border_index(x0 + 1, w, border);
  auto at = [&](int yy, int xx) { return (yy < 0 || xx < 0) ? 0.0f : plane[static_cast<int64_t>(yy) * w + xx]; };
  const float top = at(ya, xa) * (1.0f - dx) + at(ya, xb) * dx;
  const float bottom = at(yb, xa) * (1.0f - dx) + at(yb, xb) * dx;
  return top * (1.0f - dy) + bottom * dy;
}

}  // namespace rfy::corrupt
