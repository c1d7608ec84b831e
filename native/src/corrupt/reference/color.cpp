// Reference implementations: brightness contrast saturate. See reference.h.
//
// brightness and saturate follow make_imagenet_c.py: skimage.color.rgb2hsv, edit V or S, skimage.color.hsv2rgb,
// written out per pixel in double precision. 1-channel images run as R = G = B and store the BT.601 luma.
// contrast: per-channel mean over H x W, then (x - m) * c + m.
#include <cmath>

#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {
namespace {

// skimage.color.rgb2hsv for one pixel.
void rgb2hsv(double r, double g, double b, double& h, double& s, double& v) {
  v = std::fmax(r, std::fmax(g, b));
  const double delta = v - std::fmin(r, std::fmin(g, b));
  if (delta == 0.0) {  // grey (and black): hue and saturation 0
    h = 0.0;
    s = 0.0;
    return;
  }
  s = delta / v;
  // skimage writes the red-max hue, then overwrites with green-max, then blue-max: the last match wins.
  double hue = 0.0;
  if (r == v) hue = (g - b) / delta;
  if (g == v) hue = 2.0 + (b - r) / delta;
  if (b == v) hue = 4.0 + (r - g) / delta;
  hue /= 6.0;
  h = hue - std::floor(hue);  // Python's % 1.0
}

// skimage.color.hsv2rgb for one pixel.
void hsv2rgb(double h, double s, double v, double& r, double& g, double& b) {
  const double hi = std::floor(h * 6.0);
  const double f = h * 6.0 - hi;
  const double p = v * (1.0 - s);
  const double q = v * (1.0 - f * s);
  const double t = v * (1.0 - (1.0 - f) * s);
  switch (static_cast<int>(hi) % 6) {
    case 0: r = v; g = t; b = p; break;
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = t; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = t; g = p; b = v; break;
    default: r = v; g = p; b = q; break;
  }
}

double clip01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }

// Runs `edit(h, s, v)` on every pixel's HSV triple.
template <typename Edit>
void hsv_edit(const Sample& s, Edit edit) {
  const int64_t hw = s.plane();
  float* red = s.channel(0);
  float* green = s.c == 3 ? s.channel(1) : red;
  float* blue = s.c == 3 ? s.channel(2) : red;
  for (int64_t i = 0; i < hw; ++i) {
    double h, sat, v;
    rgb2hsv(red[i], green[i], blue[i], h, sat, v);
    edit(h, sat, v);
    double r, g, b;
    hsv2rgb(h, sat, v, r, g, b);
    if (s.c == 3) {
      red[i] = static_cast<float>(r);
      green[i] = static_cast<float>(g);
      blue[i] = static_cast<float>(b);
    } else {
      red[i] = static_cast<float>(r + 0.587 * (g - r) + 0.114 * (b - r));  // BT.601 luma, exact on grey
    }
  }
}

}  // namespace

void brightness(const Sample& s) {
  const double c = s.p[0];
  hsv_edit(s, [c](double&, double&, double& v) { v = clip01(v + c); });
}

void contrast(const Sample& s) {
  const int64_t hw = s.plane();
  const double c = s.p[0];
  for (int ch = 0; ch < s.c; ++ch) {
    float* x = s.channel(ch);
    double sum = 0.0;
    for (int64_t i = 0; i < hw; ++i) sum += x[i];
    const double m = sum / static_cast<double>(hw);
    for (int64_t i = 0; i < hw; ++i) x[i] = static_cast<float>((x[i] - m) * c + m);
  }
}

void saturate(const Sample& s) {
  const double a = s.p[0], b = s.p[1];
  hsv_edit(s, [a, b](double&, double& sat, double&) { sat = clip01(sat * a + b); });
}

}  // namespace rfy::corrupt::reference
