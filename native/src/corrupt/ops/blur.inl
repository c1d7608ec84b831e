// Optimised ops: defocus_blur glass_blur motion_blur zoom_blur gaussian_blur snow. Shared by the fast CPU path and
// CUDA (see corrupt/parallel.h). Included by ops.inl.
//
// Sizes: every parameter is applied as published, in pixels (defocus radius, Gaussian sigmas, glass delta, motion
// radius/sigma, zoom factors); where the reference hard-codes 224 (glass blur's walk, snow's layer and the
// clipped zoom's square crop) the real H and W are used: the walk covers rows H - delta .. delta + 1 and columns
// W - delta .. delta + 1, the snow layer is H x W, and clipped_zoom crops ceil(H / z) x ceil(W / z) and trims each
// axis on its own (as imagecorruptions does for rectangles).
// 1-channel images: every blur acts on the single channel; snow's grey value of a 1-channel pixel is the value itself.
//
// Randomness (all on the sample's key):
//  - glass_blur: stream 0, index (iter * H + y) * W + x: word 0 gives dx, word 1 gives dy, each in [-delta, delta - 1]
//    (numpy's randint(-delta, delta)), the same draws on the reference path.
//  - motion_blur: stream 0, index 0: the angle, U(-45, 45) degrees.
//  - snow: stream 0, index y * W + x: the layer's N(mu, s^2) value before the zoom; stream 1, index 0: the motion
//    angle, U(-135, -45) degrees.
//
// glass_blur: the published walk is sequential (pixels in reverse raster order; each copies pixel (y + dy, x + dx)
// into (y, x) in place, so it may copy a neighbour that was itself already replaced earlier in the same pass). Here
// each pass reads the previous pass's image (double buffer) and every pixel of the walk region resolves, in
// parallel, where its value comes from: it follows the chain of copies through neighbours visited before it in the
// same pass (a source inside the walk region with a larger raster index was already replaced by its own source)
// until it reaches a source that was not yet replaced, and copies that source's value from the previous pass.
// With the same random offsets this reproduces the sequential walk exactly (chains are short: the source lies
// later in raster order with probability < 1/2, and indices strictly increase along a chain).
// motion_blur and snow's motion blur follow imagecorruptions' NumPy re-implementation of ImageMagick's motion blur
// (no ImageMagick): 2R + 1 taps of a one-sided Gaussian exp(-i^2 / 2S^2), normalised to sum 1; tap i is the image
// shifted by (-ceil(i sin(a) - .5), -ceil(i cos(a) - .5)) with edge replication; the taps stop where a shift would
// leave the image. Snow quantizes its layer to 8 bits before the blur (the reference's uint8 cast) and rounds it to
// 8 bits after (ImageMagick's 8-bit PNG result; imagecorruptions' np.round).
#pragma once

#if !defined(__CUDACC__)
#include <vector>  // the CPU motion blur's padded plane

#include "corrupt/random_fill.h"
#endif

// Helpers the host-side *_scratch functions call too.
#if defined(__CUDACC__)
#define RFY_BLUR_HD __host__ __device__ inline
#else
#define RFY_BLUR_HD inline
#endif

namespace rfy::corrupt {

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers

// gaussian_radius (filters.inl) on host and device: int(4 * sigma + 0.5).
RFY_BLUR_HD int blur_gaussian_radius(float sigma) { return sigma > 0.0f ? static_cast<int>(4.0f * sigma + 0.5f) : 0; }

// a * b and a + b rounded once each (no FMA contraction), so np.arange's values come out bit-identical.
RFY_OP double blur_mul_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dmul_rn(a, b);
#else
  volatile double r = a * b;
  return r;
#endif
}
RFY_OP double blur_add_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dadd_rn(a, b);
#else
  volatile double r = a + b;
  return r;
#endif
}

// Value i of np.arange(1, stop, step): NumPy fills start + i * (second - start) with second = start + step.
RFY_OP double blur_zoom_factor(float step_f, int i) {
  const double step = rint(static_cast<double>(step_f) * 1e6) / 1e6;  // the preset's decimal step (0.01, 0.02, ...)
  const double delta = blur_add_rn(1.0, step) - 1.0;
  return blur_add_rn(1.0, blur_mul_rn(static_cast<double>(i), delta));
}

// One axis of clipped_zoom(img, z) for an axis of n pixels: crop `crop` pixels from `off`, scipy.ndimage.zoom
// (order 1) to `zoomed` = round(crop * z) pixels (output o samples input o * scale, scale = (crop-1)/(zoomed-1)),
// then keep `n` pixels from `trim`.
struct BlurZoomAxis {
  int crop, off, zoomed, trim;
  double scale;
};

RFY_OP BlurZoomAxis blur_zoom_axis(int n, double z) {
  BlurZoomAxis a;
  a.crop = static_cast<int>(ceil(static_cast<double>(n) / z));
  if (a.crop < 1) a.crop = 1;
  if (a.crop > n) a.crop = n;
  a.off = (n - a.crop) / 2;
  a.zoomed = static_cast<int>(rint(static_cast<double>(a.crop) * z));  // Python round(): half to even
  if (a.zoomed < n) a.zoomed = n;
  a.trim = (a.zoomed - n) / 2;
  a.scale = a.zoomed > 1 ? static_cast<double>(a.crop - 1) / static_cast<double>(a.zoomed - 1) : 1.0;
  return a;
}

// Source index i0 and weight t of output position o on one axis (bilinear: (1 - t) * in[i0] + t * in[i0 + 1]).
RFY_OP void blur_zoom_source(const BlurZoomAxis& a, int o, int& i0, int& i1, double& t) {
  const double cc = static_cast<double>(o + a.trim) * a.scale;
  const double f = floor(cc);
  int k = static_cast<int>(f);
  t = cc - f;
  if (k < 0) k = 0;
  if (k > a.crop - 1) k = a.crop - 1;
  i0 = a.off + k;
  i1 = a.off + (k + 1 < a.crop ? k + 1 : k);
}

// clipped_zoom(plane, z) at output pixel (y, x), in double as scipy computes it.
RFY_OP double blur_zoom_at(const float* plane, int w, const BlurZoomAxis& ay, const BlurZoomAxis& ax, int y, int x) {
  int y0, y1, x0, x1;
  double ty, tx;
  blur_zoom_source(ay, y, y0, y1, ty);
  blur_zoom_source(ax, x, x0, x1, tx);
  const float* r0 = plane + static_cast<int64_t>(y0) * w;
  const float* r1 = plane + static_cast<int64_t>(y1) * w;
  return static_cast<double>(r0[x0]) * (1.0 - ty) * (1.0 - tx) + static_cast<double>(r0[x1]) * (1.0 - ty) * tx +
         static_cast<double>(r1[x0]) * ty * (1.0 - tx) + static_cast<double>(r1[x1]) * ty * tx;
}

#if !defined(__CUDACC__)
// CPU: clipped_zoom of a whole plane, f(i, v) called with each pixel's float value in raster order, computed
// exactly as blur_zoom_at does. blur_zoom_at's products associate as (value * ty) * tx, so per output row the
// two source rows are scaled by their row weights once (a[j] = value * (1 - ty), b[j] = value * ty over the crop)
// and each pixel is four table products summed in the same order. x1 is x0 + 1 except at the crop's last column
// (x1 = x0), covered by repeating that column once past the crop. `tab`: 8 * w + 8 floats at an even offset.
template <typename F>
inline void blur_zoom_plane(const float* plane, int h, int w, const BlurZoomAxis& ay, const BlurZoomAxis& ax,
                            float* tab, F f) {
  const int cw = ax.crop;
  double* tx = reinterpret_cast<double*>(tab);
  double* a = tx + w;
  double* b = a + cw + 1;
  int* x0 = reinterpret_cast<int*>(b + cw + 1);  // relative to the crop's first column
  for (int x = 0; x < w; ++x) {
    int i0, i1;
    blur_zoom_source(ax, x, i0, i1, tx[x]);
    x0[x] = i0 - ax.off;
  }
  for (int y = 0; y < h; ++y) {
    int y0, y1;
    double ty;
    blur_zoom_source(ay, y, y0, y1, ty);
    const float* r0 = plane + static_cast<int64_t>(y0) * w + ax.off;
    const float* r1 = plane + static_cast<int64_t>(y1) * w + ax.off;
    const double uy = 1.0 - ty;
    for (int j = 0; j < cw; ++j) {
      a[j] = static_cast<double>(r0[j]) * uy;
      b[j] = static_cast<double>(r1[j]) * ty;
    }
    a[cw] = a[cw - 1];
    b[cw] = b[cw - 1];
    const int64_t base = static_cast<int64_t>(y) * w;
    for (int x = 0; x < w; ++x) {
      const double t = tx[x], u = 1.0 - t;
      const int j = x0[x];
      const double v = a[j] * u + a[j + 1] * t + b[j] * u + b[j + 1] * t;
      f(base + x, static_cast<float>(v));
    }
  }
}
#endif

// Motion-blur taps (imagecorruptions' _motion_blur): writes weights, dy, dx (each 2R + 1 floats) and returns the
// number of taps used (the loop stops at the first shift that leaves the image).
RFY_OP int blur_motion_taps(float radius, float sigma, double angle_deg, int h, int w, float* weight, float* dy,
                            float* dx) {
  const int width = 2 * static_cast<int>(radius + 0.5f) + 1;
  const double s = sigma;
  double z = 0.0;
  for (int i = 0; i < width; ++i) z += exp(-static_cast<double>(i) * i / (2.0 * s * s)) / (sqrt(2.0 * 3.141592653589793) * s);
  const double rad = angle_deg * 0.017453292519943295;  // np.deg2rad
  const double p0 = width * sin(rad), p1 = width * cos(rad);
  const double hyp = hypot(p0, p1);
  int n = 0;
  for (int i = 0; i < width; ++i) {
    const int sy = -static_cast<int>(ceil(i * p0 / hyp - 0.5));
    const int sx = -static_cast<int>(ceil(i * p1 / hyp - 0.5));
    if (sy >= h || -sy >= h || sx >= w || -sx >= w) break;
    weight[n] = static_cast<float>(exp(-static_cast<double>(i) * i / (2.0 * s * s)) / (sqrt(2.0 * 3.141592653589793) * s) / z);
    dy[n] = static_cast<float>(sy);
    dx[n] = static_cast<float>(sx);
    ++n;
  }
  return n;
}

RFY_OP int blur_clampi(int v, int n) { return v < 0 ? 0 : (v >= n ? n - 1 : v); }

#if !defined(__CUDACC__)
// CPU: blur_motion_plane for more taps than its register-blocked form takes: row by row, taps outer (each pixel
// sums its taps in order); the shifted row is a contiguous run with the clamped edge pixel repeated either side.
inline void blur_motion_plane_rows(const float* src, float* dst, int h, int w, const float* weight, const float* dy,
                                   const float* dx, int n) {
  for (int y = 0; y < h; ++y) {
    float* d = dst + static_cast<int64_t>(y) * w;
    for (int x = 0; x < w; ++x) d[x] = 0.0f;
    for (int k = 0; k < n; ++k) {
      const float t = weight[k];
      const float* row = src + static_cast<int64_t>(blur_clampi(y - static_cast<int>(dy[k]), h)) * w;
      const int sx = static_cast<int>(dx[k]);
      int lo = sx < 0 ? 0 : sx, hi = w + sx < w ? w + sx : w;  // x - sx in [0, w) for x in [lo, hi)
      if (lo > w) lo = w;
      if (hi < lo) hi = lo;
      const float left = t * row[0], right = t * row[w - 1];
      for (int x = 0; x < lo; ++x) d[x] += left;
      const float* rs = row - sx;
      for (int x = lo; x < hi; ++x) d[x] += t * rs[x];
      for (int x = hi; x < w; ++x) d[x] += right;
    }
  }
}
#endif

// dst = motion blur of src (one plane, dst != src) with the taps of blur_motion_taps. Ends with a barrier.
RFY_OP void blur_motion_plane(const float* src, float* dst, int h, int w, const float* weight, const float* dy,
                              const float* dx, int n) {
#if defined(__CUDACC__)
  RFY_PAR_FOR_2D(i, y, x, h, w) {
    float acc = 0.0f;
    for (int k = 0; k < n; ++k) {
      // shift(image, dx, dy): shifted[y, x] = image[clamp(y - dy), clamp(x - dx)]
      const int yy = blur_clampi(y - static_cast<int>(dy[k]), h), xx = blur_clampi(x - static_cast<int>(dx[k]), w);
      acc += weight[k] * src[static_cast<int64_t>(yy) * w + xx];
    }
    dst[i] = acc;
  }
#else
  // Row by row over a copy of the plane padded by the largest horizontal shift on each side (edge pixels
  // repeated: the clamp), so every column is a plain shifted read; 32 outputs at a time accumulate all taps in
  // four 8-float vectors (filters.inl). Each pixel sums its taps in order from 0.0f, as above.
  constexpr int kMaxTaps = 127;
  int pad = 0;
  for (int k = 0; k < n && k < kMaxTaps; ++k) {
    const int sx = static_cast<int>(dx[k]);
    pad = sx > pad ? sx : (-sx > pad ? -sx : pad);
  }
  if (n > kMaxTaps || pad > w) {
    blur_motion_plane_rows(src, dst, h, w, weight, dy, dx, n);
    return;
  }
  const int64_t pw = w + 2 * pad;
  static thread_local std::vector<float> padded;
  padded.resize(static_cast<size_t>(h * pw));
  for (int y = 0; y < h; ++y) {
    const float* in = src + static_cast<int64_t>(y) * w;
    float* out = padded.data() + y * pw;
    for (int x = 0; x < pad; ++x) out[x] = in[0];
    for (int x = 0; x < w; ++x) out[pad + x] = in[x];
    for (int x = 0; x < pad; ++x) out[pad + w + x] = in[w - 1];
  }
  const float* rows[kMaxTaps];  // tap k's source row, offset so that rows[k][x] is its pixel for output x
  for (int y = 0; y < h; ++y) {
    float* d = dst + static_cast<int64_t>(y) * w;
    for (int k = 0; k < n; ++k)
      rows[k] = padded.data() + blur_clampi(y - static_cast<int>(dy[k]), h) * pw + pad - static_cast<int>(dx[k]);
    int x = 0;
    for (; x + 32 <= w; x += 32) {
      FilterV8 a[4] = {};
      for (int k = 0; k < n; ++k) {
        const FilterV8 t = FilterV8{} + weight[k];
        for (int j = 0; j < 4; ++j) a[j] += t * RFY_FILTER_LOAD8(rows[k] + x + 8 * j);
      }
      for (int j = 0; j < 4; ++j) RFY_FILTER_STORE8(d + x + 8 * j, a[j]);
    }
    for (; x + 8 <= w; x += 8) {
      FilterV8 a = {};
      for (int k = 0; k < n; ++k) a += (FilterV8{} + weight[k]) * RFY_FILTER_LOAD8(rows[k] + x);
      RFY_FILTER_STORE8(d + x, a);
    }
    for (; x < w; ++x) {
      float acc = 0.0f;
      for (int k = 0; k < n; ++k) acc += weight[k] * rows[k][x];
      d[x] = acc;
    }
  }
#endif
  RFY_BARRIER();
}

RFY_BLUR_HD int blur_motion_width(float radius) { return 2 * static_cast<int>(radius + 0.5f) + 1; }

// ---------------------------------------------------------------------------------------------------------------
// defocus_blur (r, alias): disk kernel, then cv2.filter2D per channel (BORDER_REFLECT_101).

RFY_BLUR_HD int blur_disk_size(float radius) {
  return radius <= 8.0f ? 17 : static_cast<int>(ceil(2.0 * static_cast<double>(radius) + 1.0));
}

// The disk(radius, alias_blur) kernel (k x k floats, k = blur_disk_size) built in `kernel`, `tmp` k x k floats.
RFY_OP void blur_disk_kernel(float radius, float alias, float* kernel, float* tmp) {
  const int k = blur_disk_size(radius);
  const double start = radius <= 8.0f ? -8.0 : -static_cast<double>(radius);
  const double r2 = static_cast<double>(radius) * radius;
  float sum = 0.0f;
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      const double y = start + i, x = start + j;
      const float v = (x * x + y * y <= r2) ? 1.0f : 0.0f;
      kernel[i * k + j] = v;
      sum += v;
    }
  for (int i = 0; i < k * k; ++i) kernel[i] /= sum;
  // cv2.GaussianBlur(kernel, (g, g), alias): separable, rows then columns, BORDER_REFLECT_101.
  const int g = radius <= 8.0f ? 3 : 5, gr = g / 2;
  float taps[5];
  double tsum = 0.0;
  double dt[5];
  for (int i = 0; i < g; ++i) {
    const double x = i - (g - 1) * 0.5;
    dt[i] = exp(-0.5 / (static_cast<double>(alias) * alias) * x * x);
    tsum += dt[i];
  }
  for (int i = 0; i < g; ++i) taps[i] = static_cast<float>(dt[i] / tsum);
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      float acc = 0.0f;
      for (int t = 0; t < g; ++t) acc += taps[t] * kernel[i * k + border_index(j + t - gr, k, kBorderReflect101)];
      tmp[i * k + j] = acc;
    }
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      float acc = 0.0f;
      for (int t = 0; t < g; ++t) acc += taps[t] * tmp[border_index(i + t - gr, k, kBorderReflect101) * k + j];
      kernel[i * k + j] = acc;
    }
}

// cv2.filter2D of one plane with a k x k kernel (anchor at the centre, BORDER_REFLECT_101) into dst != src: as
// filter2d_plane (filters.inl), with a border-free inner loop where the kernel lies inside the image. Each pixel
// sums its taps in raster order of the kernel; zero taps are skipped (exact).
RFY_OP void blur_filter2d(const float* src, float* dst, int h, int w, const float* kernel, int k) {
  const int a = k / 2;
#if defined(__CUDACC__)
  RFY_PAR_FOR_2D(i, y, x, h, w) {
    float acc = 0.0f;
    if (y >= a && y + a < h && x >= a && x + a < w) {
      const float* base = src + static_cast<int64_t>(y - a) * w + (x - a);
      for (int ky = 0; ky < k; ++ky) {
        const float* row = base + static_cast<int64_t>(ky) * w;
        const float* kr = kernel + ky * k;
        for (int kx = 0; kx < k; ++kx) acc += kr[kx] * row[kx];
      }
    } else {
      for (int ky = 0; ky < k; ++ky) {
        const float* row = src + static_cast<int64_t>(border_index(y + ky - a, h, kBorderReflect101)) * w;
        for (int kx = 0; kx < k; ++kx) acc += kernel[ky * k + kx] * row[border_index(x + kx - a, w, kBorderReflect101)];
      }
    }
    dst[i] = acc;
  }
#else
  const int x_lo = a < w ? a : w, x_hi = w - a > x_lo ? w - a : x_lo;  // interior columns
  for (int y = 0; y < h; ++y) {
    float* d = dst + static_cast<int64_t>(y) * w;
    for (int x = 0; x < w; ++x) d[x] = 0.0f;
    for (int ky = 0; ky < k; ++ky) {
      const float* row = src + static_cast<int64_t>(border_index(y + ky - a, h, kBorderReflect101)) * w;
      const float* kr = kernel + ky * k;
      for (int kx = 0; kx < k; ++kx) {
        const float t = kr[kx];
        if (t == 0.0f) continue;
        for (int x = 0; x < x_lo; ++x) d[x] += t * row[border_index(x + kx - a, w, kBorderReflect101)];
        const float* rs = row + (kx - a);
        for (int x = x_lo; x < x_hi; ++x) d[x] += t * rs[x];
        for (int x = x_hi; x < w; ++x) d[x] += t * row[border_index(x + kx - a, w, kBorderReflect101)];
      }
    }
  }
#endif
  RFY_BARRIER();
}

// The structure of the disk kernel, when it allows the fast form: the binary disk D (row i of the k x k kernel is
// the run |j - a| <= half[i], or empty) symmetric about the anchor a = k / 2, times c = 1 / |D|, then the g-tap
// Gaussian along rows and columns; when the blurred disk stays inside the k x k window (the Gaussian's reflect-101
// border inside the kernel never acts), the kernel is exactly (c D) convolved with the Gaussian, so filter2D with
// it (reflect 101, a symmetric kernel) = Gaussian (reflect 101) of the box-run sums c D * image. Header layout:
// [0] 1 if the fast form applies, [1] c, [2] Gaussian radius, [3..8) taps, [8..8+k) half widths (-1: empty row).
constexpr int kDiskInfo = 8;
RFY_OP void blur_disk_structure(float radius, float alias, float* info) {
  const int k = blur_disk_size(radius), a = k / 2;
  const double start = radius <= 8.0f ? -8.0 : -static_cast<double>(radius);
  const double r2 = static_cast<double>(radius) * radius;
  const int g = radius <= 8.0f ? 3 : 5, gr = g / 2;
  float sum = 0.0f;
  bool ok = (k % 2) == 1;
  for (int i = 0; i < k; ++i) {
    int lo = k, hi = -1;
    for (int j = 0; j < k; ++j) {
      const double y = start + i, x = start + j;
      if (x * x + y * y <= r2) {
        sum += 1.0f;
        if (j < lo) lo = j;
        hi = j;
      }
    }
    int count = 0;
    for (int j = 0; j < k; ++j) {
      const double y = start + i, x = start + j;
      count += (x * x + y * y <= r2) ? 1 : 0;
    }
    if (hi >= 0) {
      if (count != hi - lo + 1 || lo + hi != 2 * a) ok = false;                 // a run centred on the anchor
      if (i < gr || i > k - 1 - gr || lo < gr || hi > k - 1 - gr) ok = false;  // the Gaussian stays inside
      info[kDiskInfo + i] = static_cast<float>(hi - a);
    } else {
      info[kDiskInfo + i] = -1.0f;
    }
  }
  for (int i = 0; i < k && ok; ++i)
    if (info[kDiskInfo + i] != info[kDiskInfo + k - 1 - i]) ok = false;  // symmetric in y
  double tsum = 0.0, dt[5];
  for (int i = 0; i < g; ++i) {
    const double x = i - (g - 1) * 0.5;
    dt[i] = exp(-0.5 / (static_cast<double>(alias) * alias) * x * x);
    tsum += dt[i];
  }
  for (int i = 0; i < g; ++i) info[3 + i] = static_cast<float>(dt[i] / tsum);
  info[0] = ok ? 1.0f : 0.0f;
  info[1] = 1.0f / sum;
  info[2] = static_cast<float>(gr);
}

// Scratch layout of defocus_blur (float offsets; the double plane starts at an even offset).
struct BlurDefocusLayout {
  int64_t info, kernel, tmp, prefix, pw, j, t2, racc;
};
RFY_BLUR_HD BlurDefocusLayout blur_defocus_layout(int h, int w, float radius) {
  const int64_t k = blur_disk_size(radius), a = k / 2;
  BlurDefocusLayout l;
  l.info = 0;
  l.kernel = kDiskInfo + k;
  l.tmp = l.kernel + k * k;
  l.prefix = (l.tmp + k * k + 1) & ~int64_t(1);
  l.pw = w + 2 * a + 1;  // doubles per prefix row
  l.j = l.prefix + 2 * static_cast<int64_t>(h) * l.pw;
  l.t2 = l.j + static_cast<int64_t>(h) * w;
  l.racc = (l.t2 + static_cast<int64_t>(h) * w + 1) & ~int64_t(1);  // w doubles (CPU)
  return l;
}

#if !defined(__CUDACC__)
// Four doubles as one vector (GCC vector extension, as FilterV8 in filters.inl); BlurD4u: its unaligned view.
typedef double BlurD4 __attribute__((vector_size(32)));
typedef double BlurD4u __attribute__((vector_size(32), aligned(8), may_alias));
#endif

RFY_OP void op_defocus_blur(const Sample& s) {
  const int k = blur_disk_size(s.p[0]), a = k / 2;
  const BlurDefocusLayout l = blur_defocus_layout(s.h, s.w, s.p[0]);
  float* info = s.scratch + l.info;
  float* kernel = s.scratch + l.kernel;
  float* tmp = s.scratch + l.tmp;
  double* prefix = reinterpret_cast<double*>(s.scratch + l.prefix);
  float* plane = s.scratch + l.j;
  float* t2 = s.scratch + l.t2;
  const int h = s.h, w = s.w;
  const int64_t pw = l.pw;
  if (RFY_LEADER()) {
    blur_disk_structure(s.p[0], s.p[1], info);
    blur_disk_kernel(s.p[0], s.p[1], kernel, tmp);
  }
  RFY_BARRIER();
  const bool fast = info[0] != 0.0f;
  for (int ch = 0; ch < s.c; ++ch) {
    float* img = s.channel(ch);
    if (fast) {
      // 1. prefix sums (double) of each row extended by a pixels each side (reflect 101)
#if defined(__CUDACC__)
      RFY_PAR_FOR(y, h) {
        const float* row = img + static_cast<int64_t>(y) * w;
        double* p = prefix + static_cast<int64_t>(y) * pw;
        double acc = 0.0;
        p[0] = 0.0;
        int j = 0;
        for (; j < a && j < w + 2 * a; ++j) {
          acc += static_cast<double>(row[border_index(j - a, w, kBorderReflect101)]);
          p[j + 1] = acc;
        }
        for (; j < w + a; ++j) {
          acc += static_cast<double>(row[j - a]);
          p[j + 1] = acc;
        }
        for (; j < w + 2 * a; ++j) {
          acc += static_cast<double>(row[border_index(j - a, w, kBorderReflect101)]);
          p[j + 1] = acc;
        }
      }
#else
      // Eight rows in lockstep: each row's running sum is one chain of dependent double adds (latency-bound), so
      // eight independent chains keep both adders busy. Each row still adds its values in the same order.
      constexpr int kLock = 8;
      for (int y0 = 0; y0 < h; y0 += kLock) {
        const int rows = h - y0 < kLock ? h - y0 : kLock;
        const float* row[kLock];
        double* p[kLock];
        double acc[kLock] = {};
        for (int r = 0; r < kLock; ++r) {
          const int y = y0 + (r < rows ? r : 0);  // missing rows repeat row y0 into its own prefix (no effect)
          row[r] = img + static_cast<int64_t>(y) * w;
          p[r] = prefix + static_cast<int64_t>(y) * pw;
        }
        for (int r = 0; r < kLock; ++r) p[r][0] = 0.0;
        for (int j = 0; j < w + 2 * a; ++j) {
          const int src = j >= a && j < w + a ? j - a : border_index(j - a, w, kBorderReflect101);
          for (int r = 0; r < kLock; ++r) {
            acc[r] += static_cast<double>(row[r][src]);
            p[r][j + 1] = acc[r];
          }
        }
      }
#endif
      RFY_BARRIER();
      // 2. plane = c * sum over the disk rows of the runs' sums
      const float c = info[1];
#if defined(__CUDACC__)
      RFY_PAR_FOR_2D(i, y, x, h, w) {
        double acc = 0.0;
        for (int ky = 0; ky < k; ++ky) {
          const int m = static_cast<int>(info[kDiskInfo + ky]);
          if (m < 0) continue;
          const double* p = prefix + static_cast<int64_t>(border_index(y + ky - a, h, kBorderReflect101)) * pw + a;
          acc += p[x + m + 1] - p[x - m];
        }
        plane[i] = static_cast<float>(acc * static_cast<double>(c));
      }
#else
      // 16 outputs at a time keep their sums in registers over all disk rows (added in row order from 0.0).
      constexpr int kMaxRows = 64;
      double* racc = reinterpret_cast<double*>(s.scratch + l.racc);
      const double cd = static_cast<double>(c);
      for (int y = 0; y < h; ++y) {
        const double* his[kMaxRows];
        const double* los[kMaxRows];
        int n = 0;
        for (int ky = 0; ky < k && n < kMaxRows; ++ky) {
          const int m = static_cast<int>(info[kDiskInfo + ky]);
          if (m < 0) continue;
          const double* p = prefix + static_cast<int64_t>(border_index(y + ky - a, h, kBorderReflect101)) * pw + a;
          his[n] = p + m + 1;
          los[n] = p - m;
          ++n;
        }
        float* out = plane + static_cast<int64_t>(y) * w;
        if (n == kMaxRows) {  // more disk rows than the table holds
          for (int x = 0; x < w; ++x) racc[x] = 0.0;
          for (int ky = 0; ky < k; ++ky) {
            const int m = static_cast<int>(info[kDiskInfo + ky]);
            if (m < 0) continue;
            const double* p = prefix + static_cast<int64_t>(border_index(y + ky - a, h, kBorderReflect101)) * pw + a;
            const double* hi = p + m + 1;
            const double* lo = p - m;
            for (int x = 0; x < w; ++x) racc[x] += hi[x] - lo[x];
          }
          for (int x = 0; x < w; ++x) out[x] = static_cast<float>(racc[x] * cd);
          continue;
        }
        int x = 0;
        for (; x + 16 <= w; x += 16) {
          BlurD4 acc[4] = {};
          for (int t = 0; t < n; ++t)
            for (int j = 0; j < 4; ++j)
              acc[j] += *reinterpret_cast<const BlurD4u*>(his[t] + x + 4 * j) -
                        *reinterpret_cast<const BlurD4u*>(los[t] + x + 4 * j);
          for (int j = 0; j < 4; ++j)
            for (int e = 0; e < 4; ++e) out[x + 4 * j + e] = static_cast<float>(acc[j][e] * cd);
        }
        for (; x < w; ++x) {
          double acc = 0.0;
          for (int t = 0; t < n; ++t) acc += his[t][x] - los[t][x];
          out[x] = static_cast<float>(acc * cd);
        }
      }
#endif
      RFY_BARRIER();
      // 3. the Gaussian, rows then columns, reflect 101
      separable_blur_plane(plane, img, t2, h, w, info + 3, static_cast<int>(info[2]), kBorderReflect101);
    } else {
      blur_filter2d(img, plane, h, w, kernel, k);
      RFY_PAR_FOR(i, s.plane()) img[i] = plane[i];
      RFY_BARRIER();
    }
  }
}
inline int64_t op_defocus_blur_scratch(int c, int h, int w, const float* p) {
  const BlurDefocusLayout l = blur_defocus_layout(h, w, p[0]);
  return l.racc + 2 * static_cast<int64_t>(w);
}

// ---------------------------------------------------------------------------------------------------------------
// gaussian_blur (sigma): skimage.filters.gaussian, truncate 4, mode 'nearest', per channel.

RFY_OP void blur_gaussian_image(const Sample& s, const float* src, float* dst, float* tmp, const float* taps, int r) {
  for (int ch = 0; ch < s.c; ++ch)
    separable_blur_plane(src + ch * s.plane(), dst + ch * s.plane(), tmp, s.h, s.w, taps, r, kBorderNearest);
}

RFY_OP void op_gaussian_blur(const Sample& s) {
  const int r = blur_gaussian_radius(s.p[0]);
  float* taps = s.scratch;
  float* tmp = taps + 2 * r + 1;
  if (RFY_LEADER()) gaussian_taps(s.p[0], r, taps);
  RFY_BARRIER();
  blur_gaussian_image(s, s.img, s.img, tmp, taps, r);
}
inline int64_t op_gaussian_blur_scratch(int c, int h, int w, const float* p) {
  return 2 * blur_gaussian_radius(p[0]) + 1 + static_cast<int64_t>(h) * w;
}

// ---------------------------------------------------------------------------------------------------------------
// glass_blur (sigma, delta, iters): gaussian, uint8, pixel walk (parallel form of the sequential walk, see the
// top), gaussian.

// The offsets pixel (y, x) draws in pass `iter` (numpy randint(-delta, delta, size=2) -> dx, dy).
RFY_OP void blur_glass_draw(const RngKey& key, int iter, int y, int x, int h, int w, int delta, int& dy, int& dx) {
  const U32x4 r = random_bits(key, 0, (static_cast<uint64_t>(iter) * h + y) * w + x);
  const uint32_t range = 2u * static_cast<uint32_t>(delta);
  dx = static_cast<int>(r.v[0] % range) - delta;
  dy = static_cast<int>(r.v[1] % range) - delta;
}

// Whether (y, x) is visited by the walk: rows H - delta .. delta + 1, columns W - delta .. delta + 1.
RFY_OP bool blur_glass_inside(int y, int x, int h, int w, int delta) {
  return y >= delta + 1 && y <= h - delta && x >= delta + 1 && x <= w - delta;
}

RFY_OP void op_glass_blur(const Sample& s) {
  const int r = blur_gaussian_radius(s.p[0]);
  const int delta = static_cast<int>(s.p[1] + 0.5f), iters = static_cast<int>(s.p[2] + 0.5f);
  float* taps = s.scratch;
  float* tmp = taps + 2 * r + 1;
  float* other = tmp + s.plane();
  if (RFY_LEADER()) gaussian_taps(s.p[0], r, taps);
  RFY_BARRIER();
  blur_gaussian_image(s, s.img, s.img, tmp, taps, r);
  RFY_PAR_FOR(i, s.size()) s.img[i] = quantize_u8(s.img[i]);
  RFY_BARRIER();
  float* cur = s.img;
  float* next = other;
  if (delta >= 1) {
    for (int it = 0; it < iters; ++it) {
#if !defined(__CUDACC__)
      {
        // CPU: the pass's draws first (a vectorisable loop over the walk region), then the chains through them.
        int* draw = reinterpret_cast<int*>(other + s.size());
        const int w = s.w, h = s.h;
        const uint32_t range = 2u * static_cast<uint32_t>(delta);
        for (int y = delta + 1; y <= h - delta; ++y) {
          int* drow = draw + static_cast<int64_t>(y) * w;
          const uint64_t base = (static_cast<uint64_t>(it) * h + y) * w;
          for (int x = delta + 1; x <= w - delta; ++x) {
            const U32x4 r = random_bits(s.key, 0, base + x);
            const int dx = static_cast<int>(r.v[0] % range) - delta;
            const int dy = static_cast<int>(r.v[1] % range) - delta;
            drow[x] = dy * 65536 + dx;  // |dx|, |dy| <= delta < 32768
          }
        }
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x) {
            const int64_t i = static_cast<int64_t>(y) * w + x;
            int64_t from = i;
            if (blur_glass_inside(y, x, h, w, delta)) {
              int64_t q = i;
              for (;;) {
                const int d = draw[q];
                const int dx = static_cast<int16_t>(d & 0xffff), dy = (d - dx) / 65536;
                const int qy = static_cast<int>(q / w), qx = static_cast<int>(q - static_cast<int64_t>(qy) * w);
                const int sy = qy + dy, sx = qx + dx;
                const int64_t src = static_cast<int64_t>(sy) * w + sx;
                if (blur_glass_inside(sy, sx, h, w, delta) && src > q) {
                  q = src;
                  continue;
                }
                from = src;
                break;
              }
            }
            for (int ch = 0; ch < s.c; ++ch) next[ch * s.plane() + i] = cur[ch * s.plane() + from];
          }
      }
#else
      RFY_PAR_FOR_2D(i, y, x, s.h, s.w) {
        int64_t from = i;
        if (blur_glass_inside(y, x, s.h, s.w, delta)) {
          int qy = y, qx = x;
          for (;;) {
            int dy, dx;
            blur_glass_draw(s.key, it, qy, qx, s.h, s.w, delta, dy, dx);
            const int sy = qy + dy, sx = qx + dx;
            const int64_t src = static_cast<int64_t>(sy) * s.w + sx;
            // visited before (qy, qx) in this pass: its value is its own source's
            if (blur_glass_inside(sy, sx, s.h, s.w, delta) && src > static_cast<int64_t>(qy) * s.w + qx) {
              qy = sy;
              qx = sx;
              continue;
            }
            from = src;
            break;
          }
        }
        for (int ch = 0; ch < s.c; ++ch) next[ch * s.plane() + i] = cur[ch * s.plane() + from];
      }
#endif
      RFY_BARRIER();
      float* t = cur;
      cur = next;
      next = t;
    }
  }
  blur_gaussian_image(s, cur, s.img, tmp, taps, r);
}
inline int64_t op_glass_blur_scratch(int c, int h, int w, const float* p) {
  return 2 * blur_gaussian_radius(p[0]) + 1 + static_cast<int64_t>(h) * w * (c + 2);  // + the CPU's draws
}

// ---------------------------------------------------------------------------------------------------------------
// motion_blur (R, S), angle ~ U(-45, 45).

RFY_OP void op_motion_blur(const Sample& s) {
  const int width = blur_motion_width(s.p[0]);
  float* weight = s.scratch;
  float* dy = weight + width;
  float* dx = dy + width;
  float* count = dx + width;
  float* plane = count + 1;
  if (RFY_LEADER()) {
    const double angle = -45.0 + 90.0 * static_cast<double>(uniform(s.key, 0, 0));
    count[0] = static_cast<float>(blur_motion_taps(s.p[0], s.p[1], angle, s.h, s.w, weight, dy, dx));
  }
  RFY_BARRIER();
  const int n = static_cast<int>(count[0]);
  for (int ch = 0; ch < s.c; ++ch) {
    float* img = s.channel(ch);
    RFY_PAR_FOR(i, s.plane()) plane[i] = img[i];
    RFY_BARRIER();
    blur_motion_plane(plane, img, s.h, s.w, weight, dy, dx, n);
  }
}
inline int64_t op_motion_blur_scratch(int c, int h, int w, const float* p) {
  return 3 * blur_motion_width(p[0]) + 1 + static_cast<int64_t>(h) * w;
}

// ---------------------------------------------------------------------------------------------------------------
// zoom_blur (step, N): (x + sum_i clipped_zoom(x, 1 + i * step)) / (N + 1), float32 sums as the reference.

RFY_OP void op_zoom_blur(const Sample& s) {
  const int n = static_cast<int>(s.p[1] + 0.5f);
  float* plane = s.scratch;
  float* acc = plane + s.plane();
  float* tab = s.scratch + ((2 * s.plane() + 1) & ~int64_t(1));  // CPU tables (blur_zoom_plane)
  (void)tab;
  for (int ch = 0; ch < s.c; ++ch) {
    float* img = s.channel(ch);
    RFY_PAR_FOR(i, s.plane()) plane[i] = img[i];
    RFY_BARRIER();
    // acc[i] is only ever touched by iteration i (the same thread in every loop): no barrier between zooms.
    for (int k = 0; k < n; ++k) {
      const double z = blur_zoom_factor(s.p[0], k);
      const BlurZoomAxis ay = blur_zoom_axis(s.h, z), ax = blur_zoom_axis(s.w, z);
#if defined(__CUDACC__)
      RFY_PAR_FOR_2D(i, y, x, s.h, s.w) {
        const float v = static_cast<float>(blur_zoom_at(plane, s.w, ay, ax, y, x));
        acc[i] = k == 0 ? v : acc[i] + v;
      }
#else
      if (k == 0)
        blur_zoom_plane(plane, s.h, s.w, ay, ax, tab, [&](int64_t i, float v) { acc[i] = v; });
      else
        blur_zoom_plane(plane, s.h, s.w, ay, ax, tab, [&](int64_t i, float v) { acc[i] += v; });
#endif
    }
    RFY_PAR_FOR(i, s.plane()) img[i] = (plane[i] + (n > 0 ? acc[i] : 0.0f)) / static_cast<float>(n + 1);
    RFY_BARRIER();
  }
}
inline int64_t op_zoom_blur_scratch(int c, int h, int w, const float* p) {
  return ((2 * static_cast<int64_t>(h) * w + 1) & ~int64_t(1)) + 8 * static_cast<int64_t>(w) + 8;
}

// ---------------------------------------------------------------------------------------------------------------
// snow (mu, s, zoom, thr, R, S, blend)

RFY_OP void op_snow(const Sample& s) {
  const float mu = s.p[0], sd = s.p[1], thr = s.p[3], blend = s.p[6];
  const int width = blur_motion_width(s.p[4]);
  const int64_t np = s.plane();
  float* a = s.scratch;
  float* b = a + np;
  float* weight = b + np;
  float* dy = weight + width;
  float* dx = dy + width;
  float* count = dx + width;
  // 1. the grey layer N(mu, s^2), H x W
#if defined(__CUDACC__)
  RFY_PAR_FOR(i, np) a[i] = mu + sd * normal(s.key, 0, static_cast<uint64_t>(i));
#else
  normal_fill(s.key, 0, 0, np, a);
  for (int64_t i = 0; i < np; ++i) a[i] = mu + sd * a[i];
#endif
  if (RFY_LEADER()) {
    const double angle = -135.0 + 90.0 * static_cast<double>(uniform(s.key, 1, 0));
    count[0] = static_cast<float>(blur_motion_taps(s.p[4], s.p[5], angle, s.h, s.w, weight, dy, dx));
  }
  RFY_BARRIER();
  // 2. clipped zoom, threshold, clip, uint8
  const BlurZoomAxis ay = blur_zoom_axis(s.h, static_cast<double>(s.p[2]));
  const BlurZoomAxis ax = blur_zoom_axis(s.w, static_cast<double>(s.p[2]));
#if defined(__CUDACC__)
  RFY_PAR_FOR_2D(i, y, x, s.h, s.w) {
    float v = static_cast<float>(blur_zoom_at(a, s.w, ay, ax, y, x));
    if (v < thr) v = 0.0f;
    b[i] = quantize_u8(clamp01(v));
  }
#else
  blur_zoom_plane(a, s.h, s.w, ay, ax, s.scratch + ((2 * np + 3 * width + 2) & ~int64_t(1)), [&](int64_t i, float v) {
    if (v < thr) v = 0.0f;
    b[i] = quantize_u8(clamp01(v));
  });
#endif
  RFY_BARRIER();
  // 3. motion blur, back to 8 bits (rounded)
  blur_motion_plane(b, a, s.h, s.w, weight, dy, dx, static_cast<int>(count[0]));
  RFY_PAR_FOR(i, np) a[i] = floorf(clamp01(a[i]) * 255.0f + 0.5f) * (1.0f / 255.0f);
  RFY_BARRIER();
  // 4. whiten, add the layer and its 180-degree rotation
  RFY_PAR_FOR(i, np) {
    float* img = s.img;
    const float gray = s.c == 3 ? luma(img[i], img[np + i], img[2 * np + i]) : img[i];
    const float snow = a[i] + a[np - 1 - i];
    for (int ch = 0; ch < s.c; ++ch) {
      const float x = img[ch * np + i];
      // fmaxf as a select (it vectorises; libm's fmaxf is a call): the same value, NaN handling included.
      const float g = gray * 1.5f + 0.5f;
      const float v = blend * x + (1.0f - blend) * ((x >= g || g != g) ? x : g);
      img[ch * np + i] = clamp01(v + snow);
    }
  }
  RFY_BARRIER();
}
inline int64_t op_snow_scratch(int c, int h, int w, const float* p) {
  return ((2 * static_cast<int64_t>(h) * w + 3 * blur_motion_width(p[4]) + 2) & ~int64_t(1)) + 8 * static_cast<int64_t>(w) + 8;
}

}  // namespace rfy::corrupt
