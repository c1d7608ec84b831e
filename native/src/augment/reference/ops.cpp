#include <algorithm>
#include <cmath>

#include "augment/reference/reference.h"
#include "robustify/augment.h"

namespace rfy::augment::reference {
namespace {

Image8 like(const Image8& in) {
  Image8 out = in;
  return out;
}

std::vector<int> channel_histogram(const Image8& im, int ch) {
  std::vector<int> h(256, 0);
  for (int y = 0; y < im.h; ++y)
    for (int x = 0; x < im.w; ++x) ++h[im.at(ch, y, x)];
  return h;
}

Image8 point(const Image8& in, const std::vector<std::vector<int>>& luts) {
  Image8 out = like(in);
  for (int ch = 0; ch < in.c; ++ch)
    for (int y = 0; y < in.h; ++y)
      for (int x = 0; x < in.w; ++x) out.at(ch, y, x) = static_cast<uint8_t>(luts[ch][in.at(ch, y, x)]);
  return out;
}

Image8 autocontrast(const Image8& in) {
  std::vector<std::vector<int>> luts;
  for (int ch = 0; ch < in.c; ++ch) {
    const std::vector<int> h = channel_histogram(in, ch);
    int lo = 0, hi = 255;
    while (lo < 256 && h[lo] == 0) ++lo;
    while (hi >= 0 && h[hi] == 0) --hi;
    std::vector<int> lut(256);
    if (hi <= lo) {
      for (int i = 0; i < 256; ++i) lut[i] = i;
    } else {
      const double scale = 255.0 / (hi - lo);
      const double offset = -lo * scale;
      for (int i = 0; i < 256; ++i) {
        int v = static_cast<int>(i * scale + offset);
        if (v < 0) v = 0;
        if (v > 255) v = 255;
        lut[i] = v;
      }
    }
    luts.push_back(lut);
  }
  return point(in, luts);
}

Image8 equalize(const Image8& in) {
  std::vector<std::vector<int>> luts;
  for (int ch = 0; ch < in.c; ++ch) {
    const std::vector<int> h = channel_histogram(in, ch);
    std::vector<int> histo;
    for (int v : h)
      if (v) histo.push_back(v);
    std::vector<int> lut(256);
    for (int i = 0; i < 256; ++i) lut[i] = i;
    if (histo.size() > 1) {
      long long sum = 0;
      for (int v : histo) sum += v;
      const long long step = (sum - histo.back()) / 255;
      if (step) {
        long long n = step / 2;
        for (int i = 0; i < 256; ++i) {
          lut[i] = static_cast<int>(std::min<long long>(n / step, 255));
          n += h[i];
        }
      }
    }
    luts.push_back(lut);
  }
  return point(in, luts);
}

Image8 posterize(const Image8& in, int bits) {
  const int mask = ~((1 << (8 - bits)) - 1) & 255;
  std::vector<int> lut(256);
  for (int i = 0; i < 256; ++i) lut[i] = i & mask;
  return point(in, std::vector<std::vector<int>>(in.c, lut));
}

Image8 solarize(const Image8& in, double threshold) {
  std::vector<int> lut(256);
  for (int i = 0; i < 256; ++i) lut[i] = i < threshold ? i : 255 - i;
  return point(in, std::vector<std::vector<int>>(in.c, lut));
}

int clip_coord(int v, int n) { return v < 0 ? 0 : (v >= n ? n - 1 : v); }

// Geometry.c: ImagingGenericTransform with affine_transform and bilinear_filter8, fill 0.
Image8 affine(const Image8& in, const double* a) {
  Image8 out = like(in);
  for (int ch = 0; ch < in.c; ++ch) {
    for (int y = 0; y < in.h; ++y) {
      for (int x = 0; x < in.w; ++x) {
        const double xin = x + 0.5, yin = y + 0.5;
        double xx = a[0] * xin + a[1] * yin + a[2];
        double yy = a[3] * xin + a[4] * yin + a[5];
        if (xx < 0.0 || xx >= in.w || yy < 0.0 || yy >= in.h) {
          out.at(ch, y, x) = 0;
          continue;
        }
        xx -= 0.5;
        yy -= 0.5;
        const int xi = static_cast<int>(std::floor(xx)), yi = static_cast<int>(std::floor(yy));
        const double dx = xx - xi, dy = yy - yi;
        const int x0 = clip_coord(xi, in.w), x1 = clip_coord(xi + 1, in.w);
        const int row = clip_coord(yi, in.h);
        double v1 = in.at(ch, row, x0) + (in.at(ch, row, x1) - in.at(ch, row, x0)) * dx;
        double v2 = v1;
        if (yi + 1 >= 0 && yi + 1 < in.h)
          v2 = in.at(ch, yi + 1, x0) + (in.at(ch, yi + 1, x1) - in.at(ch, yi + 1, x0)) * dx;
        v1 = v1 + (v2 - v1) * dy;
        out.at(ch, y, x) = static_cast<uint8_t>(v1);
      }
    }
  }
  return out;
}

// Blend.c: ImagingBlend(degenerate, image, factor).
uint8_t blend(int degenerate, int value, float factor) {
  const float t = static_cast<float>(degenerate + factor * (value - degenerate));
  if (t <= 0.0f) return 0;
  if (t >= 255.0f) return 255;
  return static_cast<uint8_t>(t);
}

int luma(int r, int g, int b) { return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16; }

Image8 grey_of(const Image8& in) {
  Image8 g;
  g.c = 1;
  g.h = in.h;
  g.w = in.w;
  g.px.resize(static_cast<size_t>(in.h) * in.w);
  for (int y = 0; y < in.h; ++y)
    for (int x = 0; x < in.w; ++x)
      g.at(0, y, x) = static_cast<uint8_t>(in.c == 1 ? in.at(0, y, x)
                                                     : luma(in.at(0, y, x), in.at(1, y, x), in.at(2, y, x)));
  return g;
}

Image8 enhance(const Image8& in, int op, float factor) {
  Image8 degenerate = like(in);
  if (op == RFY_AUGMENT_COLOR) {
    const Image8 g = grey_of(in);
    for (int ch = 0; ch < in.c; ++ch)
      for (int y = 0; y < in.h; ++y)
        for (int x = 0; x < in.w; ++x) degenerate.at(ch, y, x) = g.at(0, y, x);
  } else if (op == RFY_AUGMENT_CONTRAST) {
    const Image8 g = grey_of(in);
    double sum = 0.0;
    for (uint8_t v : g.px) sum += v;
    const int mean = static_cast<int>(sum / static_cast<double>(g.px.size()) + 0.5);
    for (auto& v : degenerate.px) v = static_cast<uint8_t>(mean);
  } else if (op == RFY_AUGMENT_BRIGHTNESS) {
    for (auto& v : degenerate.px) v = 0;
  } else {  // sharpness: ImageFilter.SMOOTH through Filter.c's 3x3 float kernel, borders copied
    const float k[9] = {1.0f / 13, 1.0f / 13, 1.0f / 13, 1.0f / 13, 5.0f / 13, 1.0f / 13, 1.0f / 13, 1.0f / 13, 1.0f / 13};
    for (int ch = 0; ch < in.c; ++ch)
      for (int y = 1; y < in.h - 1; ++y)
        for (int x = 1; x < in.w - 1; ++x) {
          float ss = 0.5f;
          for (int r = 0; r < 3; ++r) {
            const int yy = y + 1 - r;  // Filter.c sums the row below first
            ss += static_cast<float>(in.at(ch, yy, x - 1)) * k[3 * r] +
                  static_cast<float>(in.at(ch, yy, x)) * k[3 * r + 1] +
                  static_cast<float>(in.at(ch, yy, x + 1)) * k[3 * r + 2];
          }
          degenerate.at(ch, y, x) = ss <= 0.0f ? 0 : (ss >= 255.0f ? 255 : static_cast<uint8_t>(ss));
        }
  }
  Image8 out = like(in);
  for (size_t i = 0; i < in.px.size(); ++i) out.px[i] = blend(degenerate.px[i], in.px[i], factor);
  return out;
}

}  // namespace

Image8 apply_step(const Image8& in, const Step& step) {
  switch (step.op) {
    case RFY_AUGMENT_AUTOCONTRAST: return autocontrast(in);
    case RFY_AUGMENT_EQUALIZE: return equalize(in);
    case RFY_AUGMENT_POSTERIZE: return posterize(in, static_cast<int>(step.value));
    case RFY_AUGMENT_SOLARIZE: return solarize(in, step.value);
    case RFY_AUGMENT_COLOR:
    case RFY_AUGMENT_CONTRAST:
    case RFY_AUGMENT_BRIGHTNESS:
    case RFY_AUGMENT_SHARPNESS: return enhance(in, step.op, static_cast<float>(step.value));
    default: return affine(in, step.m);
  }
}

std::vector<float> augmix(const Image8& image, const Task& task) {
  std::vector<float> mix(image.px.size(), 0.0f);
  for (int chain = 0; chain < task.width; ++chain) {
    Image8 aug = image;
    for (int k = 0; k < task.depth[chain]; ++k) aug = apply_step(aug, task.steps[chain][k]);
    for (size_t i = 0; i < mix.size(); ++i) mix[i] = mix[i] + task.ws[chain] * (aug.px[i] * (1.0f / 255.0f));
  }
  std::vector<float> out(mix.size());
  for (size_t i = 0; i < mix.size(); ++i)
    out[i] = (1.0f - task.m) * (image.px[i] * (1.0f / 255.0f)) + task.m * mix[i];
  return out;
}

}  // namespace rfy::augment::reference
