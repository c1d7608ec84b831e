// Optimised ops: brightness contrast saturate. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
//
// Sizes: none of these corruptions has a size-dependent parameter; they are per pixel (brightness, saturate) or
// per channel over the whole real H x W (contrast's mean), so any H x W works unchanged.
// 1-channel images: contrast acts on the single channel; brightness and saturate treat grey as R = G = B, go through
// HSV and back, and store the BT.601 luma() of the result (saturate with b > 0 gives grey hue 0, i.e. red, so its
// luma drops, as the reference's RGB-expanded grey image would).
// HSV: skimage.color.rgb2hsv / hsv2rgb formulas (ties for the max channel resolved blue over green over red, hue
// (h / 6) mod 1, hue and saturation 0 where max == min), evaluated in float32.
#pragma once

namespace rfy::corrupt {

struct ColorHsv {
  float h, s, v;
};

// Branchless (selects only), so the pixel loop vectorises; the same float operations as the branchy formulas.
RFY_OP ColorHsv color_rgb2hsv(float r, float g, float b) {
  // Plain compares, not fmaxf/fminf (whose NaN rules keep GCC from vectorising); equal for non-NaN inputs.
  const float gb_max = g > b ? g : b, gb_min = g < b ? g : b;
  const float v = r > gb_max ? r : gb_max;
  const float delta = v - (r < gb_min ? r : gb_min);
  const bool grey = delta == 0.0f;
  const float safe = grey ? 1.0f : delta;
  // skimage assigns red, then green, then blue: the last channel equal to the max wins.
  const bool bmax = b == v, gmax = g == v;
  const float num = bmax ? r - g : (gmax ? b - r : g - b);
  const float off = bmax ? 4.0f : (gmax ? 2.0f : 0.0f);
  float h = off + num / safe;
  h = h / 6.0f;  // Python's % 1.0: result in [0, 1)
  h = h < 0.0f ? h + 1.0f : h;
  h = h >= 1.0f ? h - 1.0f : h;
  const float sat = delta / (grey ? 1.0f : v);
  return ColorHsv{grey ? 0.0f : h, grey ? 0.0f : sat, v};
}

RFY_OP void color_hsv2rgb(ColorHsv c, float& r, float& g, float& b) {
  const float h6 = c.h * 6.0f;
  const float hi = floorf(h6);
  const float f = h6 - hi;
  const float p = c.v * (1.0f - c.s);
  const float q = c.v * (1.0f - f * c.s);
  const float t = c.v * (1.0f - (1.0f - f) * c.s);
  const float v = c.v;
  // The sector int(hi) % 6 as a float (hi is an integer; 6 wraps to 0; negative sectors, which only NaN-free
  // inputs outside [0, 1] hue could give, take sector 5 as the switch's default did). Float compares, because GCC
  // turns integer compares of one value into a switch and stops vectorising.
  const float k = hi == 6.0f ? 0.0f : (hi < 0.0f || hi > 6.0f ? 5.0f : hi);
  // Sector k: (v t p) (q v p) (p v t) (p q v) (t p v) (v p q), as a chain of independent selects.
  const bool k0 = k == 0.0f, k1 = k == 1.0f, k2 = k == 2.0f, k3 = k == 3.0f, k4 = k == 4.0f, k5 = k == 5.0f;
  float ro = p, go = p, bo = p;
  ro = k1 ? q : ro;
  ro = k4 ? t : ro;
  ro = k0 ? v : ro;
  ro = k5 ? v : ro;
  go = k3 ? q : go;
  go = k0 ? t : go;
  go = k1 ? v : go;
  go = k2 ? v : go;
  bo = k5 ? q : bo;
  bo = k2 ? t : bo;
  bo = k3 ? v : bo;
  bo = k4 ? v : bo;
  r = ro;
  g = go;
  b = bo;
}

// Applies an HSV edit (kMode 0: V = clip(V + a); kMode 1: S = clip(S * a + b)) to every pixel.
template <int kMode>
RFY_OP void color_hsv_pixel(float a, float b_add, float r, float g, float b, float& ro, float& go, float& bo) {
  ColorHsv c = color_rgb2hsv(r, g, b);
  if (kMode == 0)
    c.v = clamp01(c.v + a);
  else
    c.s = clamp01(c.s * a + b_add);
  color_hsv2rgb(c, ro, go, bo);
}
template <int kMode>
RFY_OP void color_hsv_edit(const Sample& s, float a, float b_add) {
  const int64_t hw = s.plane();
  float* r = s.channel(0);
  if (s.c == 3) {
    float* g = s.channel(1);
    float* b = s.channel(2);
    RFY_PAR_FOR(i, hw) {
      float ro, go, bo;
      color_hsv_pixel<kMode>(a, b_add, r[i], g[i], b[i], ro, go, bo);
      r[i] = ro;
      g[i] = go;
      b[i] = bo;
    }
  } else {
    RFY_PAR_FOR(i, hw) {
      float ro, go, bo;
      const float x = r[i];
      color_hsv_pixel<kMode>(a, b_add, x, x, x, ro, go, bo);
      r[i] = luma(ro, go, bo);
    }
  }
  RFY_BARRIER();
}

// skimage HSV: V = clip(V + c, 0, 1).
RFY_OP void op_brightness(const Sample& s) { color_hsv_edit<0>(s, s.p[0], 0.0f); }
inline int64_t op_brightness_scratch(int, int, int, const float*) { return 0; }

// (x - m) * c + m with m the per-channel mean over H x W.
RFY_OP void op_contrast(const Sample& s) {
  const int64_t hw = s.plane();
  const float c = s.p[0];
  for (int ch = 0; ch < s.c; ++ch) {
    float* x = s.channel(ch);
    double part = 0.0;
#if defined(__CUDA_ARCH__)
    RFY_PAR_FOR(i, hw) part += x[i];
#else
    // 32 running sums: eight independent chains of 4-wide double adds hide the add latency (with two chains the
    // sum was half of the op's time at 224 x 224). For uint8 images under 2^21 pixels every order gives the same
    // double (the values are multiples of 2^-32 in [0, 1], so every partial sum is exact); for float32 input the
    // mean may move by an ulp. The sums start from the first 32 values rather than zeros (0 + v is v): GCC zeroed
    // the array with rep stos, a twentieth of the op at 32 x 32.
    constexpr int kLanes = 32;
    double lane[kLanes];
    int64_t i0 = 0;
    if (hw >= kLanes) {
      for (int k = 0; k < kLanes; ++k) lane[k] = x[k];
      i0 = kLanes;
    } else {
      for (int k = 0; k < kLanes; ++k) lane[k] = 0.0;
    }
    for (; i0 + kLanes <= hw; i0 += kLanes)
      for (int k = 0; k < kLanes; ++k) lane[k] += x[i0 + k];
    for (; i0 < hw; ++i0) lane[i0 % kLanes] += x[i0];
    for (int w = kLanes / 2; w >= 1; w /= 2)
      for (int k = 0; k < w; ++k) lane[k] += lane[k + w];
    part = lane[0];
#endif
    const float m = static_cast<float>(par_sum(part) / static_cast<double>(hw));  // every thread has read x
    RFY_PAR_FOR(i, hw) x[i] = (x[i] - m) * c + m;
    RFY_BARRIER();
  }
}
inline int64_t op_contrast_scratch(int, int, int, const float*) { return 0; }

// skimage HSV: S = clip(S * a + b, 0, 1).
RFY_OP void op_saturate(const Sample& s) { color_hsv_edit<1>(s, s.p[0], s.p[1]); }
inline int64_t op_saturate_scratch(int, int, int, const float*) { return 0; }

}  // namespace rfy::corrupt
