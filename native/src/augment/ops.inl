// The optimised augment ops, one source for the fast CPU path and CUDA (see corrupt/parallel.h): one sample is a
// set of planar float planes holding 8-bit values (0..255, integers), every op reads one plane set and writes
// another, rounding exactly as Pillow does, so the result is bit-identical to the reference path.
#pragma once

#include <cmath>
#include <cstdint>

#include "augment/task.h"
#include "corrupt/parallel.h"
#include "robustify/augment.h"

namespace rfy::augment {

// Per-sample floats: orig, two ping-pong planes, the mix accumulator (each 64-float aligned), then 3 x 256
// histogram counters and 3 x 256 lookup-table entries.
RFY_HD int64_t plane_floats(int c, int h, int w) { return (static_cast<int64_t>(c) * h * w + 63) / 64 * 64; }
RFY_HD int64_t sample_floats(int c, int h, int w) { return 4 * plane_floats(c, h, w) + 2 * 3 * 256; }

struct Planes {
  float* orig;  // the input image, 0..255
  float* a;
  float* b;
  float* mix;       // sum of w_i * chain_i / 255
  int32_t* hist;    // [c][256]
  float* lut;       // [c][256]
  int c, h, w;

  RFY_OP int64_t plane() const { return static_cast<int64_t>(h) * w; }
  RFY_OP int64_t size() const { return plane() * c; }
};

RFY_OP Planes make_planes(float* floats, int c, int h, int w) {
  const int64_t p = plane_floats(c, h, w);
  Planes s;
  s.orig = floats;
  s.a = floats + p;
  s.b = floats + 2 * p;
  s.mix = floats + 3 * p;
  s.hist = reinterpret_cast<int32_t*>(floats + 4 * p);
  s.lut = floats + 4 * p + 3 * 256;
  s.c = c;
  s.h = h;
  s.w = w;
  return s;
}

RFY_OP int clamp_index(int v, int n) { return v < 0 ? 0 : (v < n ? v : n - 1); }

RFY_OP void hist_add(int32_t* bin) {
#if defined(__CUDA_ARCH__)
  atomicAdd(bin, 1);
#else
  ++*bin;
#endif
}

RFY_OP void histogram(const Planes& s, const float* in) {
  RFY_PAR_FOR(i, s.c * 256) s.hist[i] = 0;
  RFY_BARRIER();
  for (int ch = 0; ch < s.c; ++ch) {
    const float* plane = in + ch * s.plane();
    int32_t* bins = s.hist + ch * 256;
    RFY_PAR_FOR(i, s.plane()) hist_add(bins + static_cast<int>(plane[i]));
  }
  RFY_BARRIER();
}

RFY_OP void apply_lut(const Planes& s, const float* in, float* out) {
  for (int ch = 0; ch < s.c; ++ch) {
    const int64_t offset = ch * s.plane();
    const float* lut = s.lut + ch * 256;
    RFY_PAR_FOR(i, s.plane()) out[offset + i] = lut[static_cast<int>(in[offset + i])];
  }
  RFY_BARRIER();
}

// ImageOps.autocontrast (cutoff 0): each channel's [min, max] stretched to [0, 255].
RFY_OP void autocontrast_lut(const Planes& s) {
  if (RFY_LEADER()) {
    for (int ch = 0; ch < s.c; ++ch) {
      const int32_t* h = s.hist + ch * 256;
      float* lut = s.lut + ch * 256;
      int lo = 0, hi = 255;
      while (lo < 256 && h[lo] == 0) ++lo;
      while (hi >= 0 && h[hi] == 0) --hi;
      if (hi <= lo) {
        for (int i = 0; i < 256; ++i) lut[i] = static_cast<float>(i);
        continue;
      }
      const double scale = 255.0 / (hi - lo), offset = -lo * scale;
      for (int i = 0; i < 256; ++i) {
        const int v = static_cast<int>(i * scale + offset);
        lut[i] = static_cast<float>(v < 0 ? 0 : (v > 255 ? 255 : v));
      }
    }
  }
  RFY_BARRIER();
}

// ImageOps.equalize: Pillow's cumulative-histogram table per channel.
RFY_OP void equalize_lut(const Planes& s) {
  if (RFY_LEADER()) {
    for (int ch = 0; ch < s.c; ++ch) {
      const int32_t* h = s.hist + ch * 256;
      float* lut = s.lut + ch * 256;
      int64_t total = 0, last = 0;
      int nonzero = 0;
      for (int i = 0; i < 256; ++i)
        if (h[i]) {
          total += h[i];
          last = h[i];
          ++nonzero;
        }
      const int64_t step = nonzero <= 1 ? 0 : (total - last) / 255;
      if (step == 0) {
        for (int i = 0; i < 256; ++i) lut[i] = static_cast<float>(i);
        continue;
      }
      int64_t n = step / 2;
      for (int i = 0; i < 256; ++i) {
        const int64_t v = n / step;
        lut[i] = static_cast<float>(v > 255 ? 255 : v);
        n += h[i];
      }
    }
  }
  RFY_BARRIER();
}

RFY_OP void point_lut(const Planes& s, int op, double value) {
  RFY_PAR_FOR(i, s.c * 256) {
    const int v = static_cast<int>(i & 255);
    float r;
    if (op == RFY_AUGMENT_POSTERIZE) {
      const int bits = static_cast<int>(value);
      r = static_cast<float>(v & ~((1 << (8 - bits)) - 1) & 255);
    } else {  // solarize
      r = static_cast<float>(v < value ? v : 255 - v);
    }
    s.lut[i] = r;
  }
  RFY_BARRIER();
}

// Image.transform(AFFINE, BILINEAR) with fill 0: Pillow samples the input at the output pixel centre mapped by
// `m`, outside the image gives 0, neighbours clamp at the edges, and the result truncates to 8 bits.
RFY_OP void affine(const Planes& s, const float* in, float* out, const double* m) {
  const int H = s.h, W = s.w;
  RFY_PAR_FOR_3D(i, ch, y, x, s.c, H, W) {
    const double xo = x + 0.5, yo = y + 0.5;
    const double xi = m[0] * xo + m[1] * yo + m[2];
    const double yi = m[3] * xo + m[4] * yo + m[5];
    float v = 0.0f;
    if (xi >= 0.0 && xi < W && yi >= 0.0 && yi < H) {
      const double xs = xi - 0.5, ys = yi - 0.5;
      const int x0 = static_cast<int>(floor(xs)), y0 = static_cast<int>(floor(ys));
      const double dx = xs - x0, dy = ys - y0;
      const int xa = clamp_index(x0, W), xb = clamp_index(x0 + 1, W);
      const float* plane = in + ch * s.plane();
      const float* row = plane + static_cast<int64_t>(clamp_index(y0, H)) * W;
      double v1 = row[xa] + (static_cast<double>(row[xb]) - row[xa]) * dx;
      double v2 = v1;
      if (y0 + 1 >= 0 && y0 + 1 < H) {
        const float* row1 = plane + static_cast<int64_t>(y0 + 1) * W;
        v2 = row1[xa] + (static_cast<double>(row1[xb]) - row1[xa]) * dx;
      }
      v1 = v1 + (v2 - v1) * dy;
      v = static_cast<float>(static_cast<int>(v1));
    }
    out[i] = v;
  }
  RFY_BARRIER();
}

// Image.blend(degenerate, image, factor) on 8-bit values: computed in float, clipped, truncated.
RFY_OP float blend_u8(float degenerate, float v, float factor) {
  const float t = degenerate + factor * (v - degenerate);
  return t <= 0.0f ? 0.0f : (t >= 255.0f ? 255.0f : static_cast<float>(static_cast<int>(t)));
}

// Pillow's "L" conversion of an RGB pixel (ITU-R 601-2 luma in 16-bit fixed point, rounded).
RFY_OP int luma_u8(float r, float g, float b) {
  return (static_cast<int>(r) * 19595 + static_cast<int>(g) * 38470 + static_cast<int>(b) * 7471 + 0x8000) >> 16;
}

RFY_OP void enhance_color(const Planes& s, const float* in, float* out, float factor) {
  const int64_t p = s.plane();
  if (s.c == 1) {  // the grey degenerate of a grey image is the image: identity
    RFY_PAR_FOR(i, p) out[i] = in[i];
  } else {
    RFY_PAR_FOR(i, p) {
      const float l = static_cast<float>(luma_u8(in[i], in[p + i], in[2 * p + i]));
      for (int ch = 0; ch < 3; ++ch) out[ch * p + i] = blend_u8(l, in[ch * p + i], factor);
    }
  }
  RFY_BARRIER();
}

RFY_OP void enhance_contrast(const Planes& s, const float* in, float* out, float factor) {
  const int64_t p = s.plane();
  double partial = 0.0;
  RFY_PAR_FOR(i, p) partial += s.c == 1 ? in[i] : luma_u8(in[i], in[p + i], in[2 * p + i]);
  const double total = corrupt::par_sum(partial);
  const float mean = static_cast<float>(static_cast<int>(total / static_cast<double>(p) + 0.5));
  RFY_PAR_FOR(i, s.size()) out[i] = blend_u8(mean, in[i], factor);
  RFY_BARRIER();
}

RFY_OP void enhance_brightness(const Planes& s, const float* in, float* out, float factor) {
  RFY_PAR_FOR(i, s.size()) out[i] = blend_u8(0.0f, in[i], factor);
  RFY_BARRIER();
}

// ImageFilter.SMOOTH (3x3, weights 1 with centre 5, / 13; border pixels copied) blended with the image.
RFY_OP void enhance_sharpness(const Planes& s, const float* in, float* out, float factor) {
  const int H = s.h, W = s.w;
  const float k1 = 1.0f / 13.0f, k5 = 5.0f / 13.0f;
  RFY_PAR_FOR_3D(i, ch, y, x, s.c, H, W) {
    const float v = in[i];
    float smooth = v;
    if (y > 0 && y < H - 1 && x > 0 && x < W - 1) {
      const float* up = in + i - W;
      const float* mid = in + i;
      const float* down = in + i + W;
      float ss = 0.5f;
      ss += down[-1] * k1 + down[0] * k1 + down[1] * k1;
      ss += mid[-1] * k1 + mid[0] * k5 + mid[1] * k1;
      ss += up[-1] * k1 + up[0] * k1 + up[1] * k1;
      smooth = ss <= 0.0f ? 0.0f : (ss >= 255.0f ? 255.0f : static_cast<float>(static_cast<int>(ss)));
    }
    out[i] = blend_u8(smooth, v, factor);
  }
  RFY_BARRIER();
}

// out = op(in). `in` and `out` are distinct planes of `s`.
RFY_OP void apply_step(const Planes& s, const Step& step, const float* in, float* out) {
  const float factor = static_cast<float>(step.value);
  switch (step.op) {
    case RFY_AUGMENT_AUTOCONTRAST:
      histogram(s, in);
      autocontrast_lut(s);
      apply_lut(s, in, out);
      break;
    case RFY_AUGMENT_EQUALIZE:
      histogram(s, in);
      equalize_lut(s);
      apply_lut(s, in, out);
      break;
    case RFY_AUGMENT_POSTERIZE:
    case RFY_AUGMENT_SOLARIZE:
      point_lut(s, step.op, step.value);
      apply_lut(s, in, out);
      break;
    case RFY_AUGMENT_COLOR: enhance_color(s, in, out, factor); break;
    case RFY_AUGMENT_CONTRAST: enhance_contrast(s, in, out, factor); break;
    case RFY_AUGMENT_BRIGHTNESS: enhance_brightness(s, in, out, factor); break;
    case RFY_AUGMENT_SHARPNESS: enhance_sharpness(s, in, out, factor); break;
    default: affine(s, in, out, step.m); break;
  }
}

// AugMix on one loaded sample: the chains from `orig`, their weighted sum into `mix`, then the final blend
// (1 - m) * orig / 255 + m * mix, left in `mix`.
RFY_OP void augmix_sample(const Planes& s, const Task& t) {
  RFY_PAR_FOR(i, s.size()) s.mix[i] = 0.0f;
  RFY_BARRIER();
  for (int chain = 0; chain < t.width; ++chain) {
    const float* in = s.orig;
    float* out = s.a;
    for (int k = 0; k < t.depth[chain]; ++k) {
      apply_step(s, t.steps[chain][k], in, out);
      in = out;
      out = out == s.a ? s.b : s.a;
    }
    const float w = t.ws[chain];
    RFY_PAR_FOR(i, s.size()) s.mix[i] = s.mix[i] + w * (in[i] * (1.0f / 255.0f));
    RFY_BARRIER();
  }
  const float m = t.m;
  RFY_PAR_FOR(i, s.size()) s.mix[i] = (1.0f - m) * (s.orig[i] * (1.0f / 255.0f)) + m * s.mix[i];
  RFY_BARRIER();
}

}  // namespace rfy::augment
