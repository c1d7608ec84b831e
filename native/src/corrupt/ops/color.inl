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

RFY_OP ColorHsv color_rgb2hsv(float r, float g, float b) {
  const float v = fmaxf(r, fmaxf(g, b));
  const float delta = v - fminf(r, fminf(g, b));
  if (delta == 0.0f) return ColorHsv{0.0f, 0.0f, v};
  float h;
  // skimage assigns red, then green, then blue: the last channel equal to the max wins.
  if (b == v)
    h = 4.0f + (r - g) / delta;
  else if (g == v)
    h = 2.0f + (b - r) / delta;
  else
    h = (g - b) / delta;
  h = h / 6.0f;  // Python's % 1.0: result in [0, 1)
  if (h < 0.0f) h += 1.0f;
  if (h >= 1.0f) h -= 1.0f;
  return ColorHsv{h, delta / v, v};
}

RFY_OP void color_hsv2rgb(ColorHsv c, float& r, float& g, float& b) {
  const float h6 = c.h * 6.0f;
  const float hi = floorf(h6);
  const float f = h6 - hi;
  const float p = c.v * (1.0f - c.s);
  const float q = c.v * (1.0f - f * c.s);
  const float t = c.v * (1.0f - (1.0f - f) * c.s);
  const float v = c.v;
  switch (static_cast<int>(hi) % 6) {
    case 0: r = v; g = t; b = p; break;
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = t; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = t; g = p; b = v; break;
    default: r = v; g = p; b = q; break;
  }
}

// Applies an HSV edit (mode 0: V = clip(V + a); mode 1: S = clip(S * a + b)) to every pixel.
RFY_OP void color_hsv_edit(const Sample& s, int mode, float a, float b_add) {
  const int64_t hw = s.plane();
  float* r = s.channel(0);
  float* g = s.c == 3 ? s.channel(1) : r;
  float* b = s.c == 3 ? s.channel(2) : r;
  RFY_PAR_FOR(i, hw) {
    ColorHsv c = color_rgb2hsv(r[i], g[i], b[i]);
    if (mode == 0)
      c.v = clamp01(c.v + a);
    else
      c.s = clamp01(c.s * a + b_add);
    float ro, go, bo;
    color_hsv2rgb(c, ro, go, bo);
    if (s.c == 3) {
      r[i] = ro;
      g[i] = go;
      b[i] = bo;
    } else {
      r[i] = luma(ro, go, bo);
    }
  }
  RFY_BARRIER();
}

// skimage HSV: V = clip(V + c, 0, 1).
RFY_OP void op_brightness(const Sample& s) { color_hsv_edit(s, 0, s.p[0], 0.0f); }
inline int64_t op_brightness_scratch(int, int, int, const float*) { return 0; }

// (x - m) * c + m with m the per-channel mean over H x W.
RFY_OP void op_contrast(const Sample& s) {
  const int64_t hw = s.plane();
  const float c = s.p[0];
  for (int ch = 0; ch < s.c; ++ch) {
    float* x = s.channel(ch);
    double part = 0.0;
    RFY_PAR_FOR(i, hw) part += x[i];
    const float m = static_cast<float>(par_sum(part) / static_cast<double>(hw));  // every thread has read x
    RFY_PAR_FOR(i, hw) x[i] = (x[i] - m) * c + m;
    RFY_BARRIER();
  }
}
inline int64_t op_contrast_scratch(int, int, int, const float*) { return 0; }

// skimage HSV: S = clip(S * a + b, 0, 1).
RFY_OP void op_saturate(const Sample& s) { color_hsv_edit(s, 1, s.p[0], s.p[1]); }
inline int64_t op_saturate_scratch(int, int, int, const float*) { return 0; }

}  // namespace rfy::corrupt
