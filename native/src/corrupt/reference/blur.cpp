// Reference implementations: defocus_blur glass_blur motion_blur zoom_blur gaussian_blur snow. See reference.h.
// Plain single-threaded code following the published algorithms (hendrycks/robustness make_imagenet_c.py; motion
// blur as imagecorruptions' NumPy version). Size rules, random streams and indices are those of ops/blur.inl.
// glass_blur keeps the published sequential walk here (the fast/CUDA op uses a parallel variant).
#include <cmath>
#include <cstdint>

#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {
namespace {

int clamp_index(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

// cv2 BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba).
int reflect101(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

// skimage.filters.gaussian of one plane: scipy gaussian_filter, truncate 4, mode 'nearest'; `src` and `dst` may be
// the same plane, `tmp` is another h * w plane, `taps` holds 2r + 1 floats.
int gaussian_kernel(float sigma, float* taps) {
  const int r = sigma > 0.0f ? static_cast<int>(4.0 * sigma + 0.5) : 0;
  double sum = 0.0;
  for (int k = -r; k <= r; ++k) sum += std::exp(-0.5 * k * k / (static_cast<double>(sigma) * sigma));
  for (int k = -r; k <= r; ++k)
    taps[k + r] = r == 0 ? 1.0f : static_cast<float>(std::exp(-0.5 * k * k / (static_cast<double>(sigma) * sigma)) / sum);
  return r;
}

void gaussian_plane(const float* src, float* dst, float* tmp, int h, int w, const float* taps, int r) {
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double acc = 0.0;
      for (int k = -r; k <= r; ++k) acc += taps[k + r] * static_cast<double>(src[y * w + clamp_index(x + k, w)]);
      tmp[y * w + x] = static_cast<float>(acc);
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double acc = 0.0;
      for (int k = -r; k <= r; ++k) acc += taps[k + r] * static_cast<double>(tmp[clamp_index(y + k, h) * w + x]);
      dst[y * w + x] = static_cast<float>(acc);
    }
}

// ---- clipped_zoom, for any H x W: crop the centre, scipy.ndimage.zoom(order=1), trim the centre.
struct Axis {
  int crop, off, zoomed, trim;
};

Axis zoom_axis(int n, double z) {
  Axis a;
  a.crop = static_cast<int>(std::ceil(n / z));          // ch = ceil(h / z)
  if (a.crop > n) a.crop = n;
  a.off = (n - a.crop) / 2;                             // top = (h - ch) // 2
  a.zoomed = static_cast<int>(std::nearbyint(a.crop * z));  // round(ch * z), half to even as Python's round
  if (a.zoomed < n) a.zoomed = n;
  a.trim = (a.zoomed - n) / 2;                          // (zh - h) // 2
  return a;
}

// scipy maps zoomed index o to crop coordinate o * (crop - 1) / (zoomed - 1) and interpolates linearly.
void zoom_coordinate(const Axis& a, int out_index, int& i0, int& i1, double& t) {
  const double scale = a.zoomed > 1 ? static_cast<double>(a.crop - 1) / (a.zoomed - 1) : 1.0;
  const double c = (out_index + a.trim) * scale;
  int k = static_cast<int>(std::floor(c));
  t = c - std::floor(c);
  if (k > a.crop - 1) k = a.crop - 1;
  i0 = a.off + k;
  i1 = a.off + (k + 1 < a.crop ? k + 1 : k);
}

double zoom_pixel(const float* plane, int w, const Axis& ay, const Axis& ax, int y, int x) {
  int y0, y1, x0, x1;
  double ty, tx;
  zoom_coordinate(ay, y, y0, y1, ty);
  zoom_coordinate(ax, x, x0, x1, tx);
  const double top = plane[y0 * w + x0] * (1.0 - tx) + plane[y0 * w + x1] * tx;
  const double bottom = plane[y1 * w + x0] * (1.0 - tx) + plane[y1 * w + x1] * tx;
  return top * (1.0 - ty) + bottom * ty;
}

// ---- imagecorruptions' _motion_blur: taps, shifts, accumulation with edge replication.
struct MotionTap {
  double weight;
  int dy, dx;
};
constexpr int kMaxMotionTaps = 257;

int motion_taps(double radius, double sigma, double angle_deg, int h, int w, MotionTap* taps) {
  const int width = 2 * static_cast<int>(radius + 0.5) + 1;  // getOptimalKernelWidth1D
  const double pi = 3.141592653589793;
  double z = 0.0;
  for (int i = 0; i < width; ++i) z += std::exp(-double(i) * i / (2 * sigma * sigma)) / (std::sqrt(2 * pi) * sigma);
  const double rad = angle_deg * (pi / 180.0);
  const double p0 = width * std::sin(rad), p1 = width * std::cos(rad);
  const double hyp = std::hypot(p0, p1);
  int n = 0;
  for (int i = 0; i < width && n < kMaxMotionTaps; ++i) {
    const int dy = -static_cast<int>(std::ceil(i * p0 / hyp - 0.5));
    const int dx = -static_cast<int>(std::ceil(i * p1 / hyp - 0.5));
    if (std::abs(dy) >= h || std::abs(dx) >= w) break;  // "simulated motion exceeded image borders"
    taps[n++] = {std::exp(-double(i) * i / (2 * sigma * sigma)) / (std::sqrt(2 * pi) * sigma) / z, dy, dx};
  }
  return n;
}

void motion_plane(const float* src, float* dst, int h, int w, const MotionTap* taps, int n) {
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double acc = 0.0;
      for (int k = 0; k < n; ++k)  // shift(image, dx, dy)[y, x] = image[clamp(y - dy), clamp(x - dx)]
        acc += taps[k].weight * src[clamp_index(y - taps[k].dy, h) * w + clamp_index(x - taps[k].dx, w)];
      dst[y * w + x] = static_cast<float>(acc);
    }
}

}  // namespace

void defocus_blur(const Sample& s) {
  const float radius = s.p[0], alias = s.p[1];
  // disk(radius, alias_blur): grid -8..8 (r <= 8) or np.arange(-r, r + 1)
  const int k = radius <= 8.0f ? 17 : static_cast<int>(std::ceil(2.0 * radius + 1.0));
  const double start = radius <= 8.0f ? -8.0 : -static_cast<double>(radius);
  float* kernel = s.scratch;
  float* tmp = kernel + k * k;
  float* plane = tmp + k * k;
  float sum = 0.0f;
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      const double y = start + i, x = start + j;
      kernel[i * k + j] = x * x + y * y <= double(radius) * radius ? 1.0f : 0.0f;
      sum += kernel[i * k + j];
    }
  for (int i = 0; i < k * k; ++i) kernel[i] /= sum;
  // cv2.GaussianBlur(aliased_disk, (g, g), sigmaX=alias) on the float32 kernel, BORDER_REFLECT_101
  const int g = radius <= 8.0f ? 3 : 5;
  double gw[5], gsum = 0.0;
  for (int t = 0; t < g; ++t) {
    const double x = t - (g - 1) * 0.5;
    gw[t] = std::exp(-x * x / (2.0 * double(alias) * alias));
    gsum += gw[t];
  }
  float taps[5];
  for (int t = 0; t < g; ++t) taps[t] = static_cast<float>(gw[t] / gsum);
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      float acc = 0.0f;
      for (int t = 0; t < g; ++t) acc += taps[t] * kernel[i * k + reflect101(j + t - g / 2, k)];
      tmp[i * k + j] = acc;
    }
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      float acc = 0.0f;
      for (int t = 0; t < g; ++t) acc += taps[t] * tmp[reflect101(i + t - g / 2, k) * k + j];
      kernel[i * k + j] = acc;
    }
  // cv2.filter2D(x[..., ch], -1, kernel) per channel: correlation, anchor at the centre, BORDER_REFLECT_101
  for (int ch = 0; ch < s.c; ++ch) {
    float* img = s.channel(ch);
    for (int64_t i = 0; i < s.plane(); ++i) plane[i] = img[i];
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) {
        double acc = 0.0;
        for (int ky = 0; ky < k; ++ky)
          for (int kx = 0; kx < k; ++kx)
            acc += double(kernel[ky * k + kx]) *
                   plane[reflect101(y + ky - k / 2, s.h) * s.w + reflect101(x + kx - k / 2, s.w)];
        img[y * s.w + x] = static_cast<float>(acc);
      }
  }
}

void glass_blur(const Sample& s) {
  const float sigma = s.p[0];
  const int delta = static_cast<int>(s.p[1] + 0.5f), iters = static_cast<int>(s.p[2] + 0.5f);
  float* taps = s.scratch;
  const int r = gaussian_kernel(sigma, taps);
  float* tmp = taps + 2 * r + 1;
  const int h = s.h, w = s.w;
  // 1. x = np.uint8(gaussian(x, sigma) * 255)
  for (int ch = 0; ch < s.c; ++ch) gaussian_plane(s.channel(ch), s.channel(ch), tmp, h, w, taps, r);
  for (int64_t i = 0; i < s.size(); ++i) s.img[i] = quantize_u8(s.img[i]);
  // 2. the sequential walk, in place: for h in range(H - delta, delta, -1): for w in range(W - delta, delta, -1):
  //    dx, dy = randint(-delta, delta, size=2); x[h, w] = x[h + dy, w + dx]  (NumPy's view "swap" copies)
  if (delta >= 1) {
    const uint32_t range = 2u * static_cast<uint32_t>(delta);
    for (int it = 0; it < iters; ++it)
      for (int y = h - delta; y > delta; --y)
        for (int x = w - delta; x > delta; --x) {
          const U32x4 bits = random_bits(s.key, 0, (static_cast<uint64_t>(it) * h + y) * w + x);
          const int dx = static_cast<int>(bits.v[0] % range) - delta;
          const int dy = static_cast<int>(bits.v[1] % range) - delta;
          for (int ch = 0; ch < s.c; ++ch) s.channel(ch)[y * w + x] = s.channel(ch)[(y + dy) * w + (x + dx)];
        }
  }
  // 3. gaussian(x / 255, sigma) again
  for (int ch = 0; ch < s.c; ++ch) gaussian_plane(s.channel(ch), s.channel(ch), tmp, h, w, taps, r);
}

void motion_blur(const Sample& s) {
  const double angle = -45.0 + 90.0 * static_cast<double>(uniform(s.key, 0, 0));  // np.random.uniform(-45, 45)
  MotionTap taps[kMaxMotionTaps];
  const int n = motion_taps(s.p[0], s.p[1], angle, s.h, s.w, taps);
  float* plane = s.scratch;
  for (int ch = 0; ch < s.c; ++ch) {
    for (int64_t i = 0; i < s.plane(); ++i) plane[i] = s.channel(ch)[i];
    motion_plane(plane, s.channel(ch), s.h, s.w, taps, n);
  }
}

void zoom_blur(const Sample& s) {
  const int n = static_cast<int>(s.p[1] + 0.5f);
  // np.arange(1, stop, step) as NumPy fills it: z_i = 1 + i * ((1 + step) - 1)
  const double step = std::nearbyint(double(s.p[0]) * 1e6) / 1e6;
  volatile double second = 1.0 + step;
  const double delta = second - 1.0;
  float* out = s.scratch;  // one plane: the float32 accumulator of the reference
  for (int ch = 0; ch < s.c; ++ch) {
    float* x = s.channel(ch);
    for (int64_t i = 0; i < s.plane(); ++i) out[i] = 0.0f;
    for (int k = 0; k < n; ++k) {
      volatile double product = k * delta;
      const double z = 1.0 + product;
      const Axis ay = zoom_axis(s.h, z), ax = zoom_axis(s.w, z);
      for (int y = 0; y < s.h; ++y)
        for (int xx = 0; xx < s.w; ++xx) out[y * s.w + xx] += static_cast<float>(zoom_pixel(x, s.w, ay, ax, y, xx));
    }
    for (int64_t i = 0; i < s.plane(); ++i) x[i] = (x[i] + out[i]) / static_cast<float>(n + 1);
  }
}

void gaussian_blur(const Sample& s) {
  float* taps = s.scratch;
  const int r = gaussian_kernel(s.p[0], taps);
  float* tmp = taps + 2 * r + 1;
  for (int ch = 0; ch < s.c; ++ch) gaussian_plane(s.channel(ch), s.channel(ch), tmp, s.h, s.w, taps, r);
}

void snow(const Sample& s) {
  const float mu = s.p[0], sd = s.p[1], zoom = s.p[2], thr = s.p[3], blend = s.p[6];
  const int h = s.h, w = s.w;
  const int64_t np = s.plane();
  float* layer = s.scratch;
  float* zoomed = layer + np;
  // 1. snow_layer = normal(size=(H, W), loc=mu, scale=s); clipped_zoom; values < thr -> 0
  for (int64_t i = 0; i < np; ++i) layer[i] = mu + sd * normal(s.key, 0, static_cast<uint64_t>(i));
  const Axis ay = zoom_axis(h, zoom), ax = zoom_axis(w, zoom);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float v = static_cast<float>(zoom_pixel(layer, w, ay, ax, y, x));
      if (v < thr) v = 0.0f;
      zoomed[y * w + x] = quantize_u8(clamp01(v));  // (np.clip(layer, 0, 1) * 255).astype(np.uint8)
    }
  // 2. motion blur (R, S, angle ~ U(-135, -45)), 8-bit result
  const double angle = -135.0 + 90.0 * static_cast<double>(uniform(s.key, 1, 0));
  MotionTap taps[kMaxMotionTaps];
  const int n = motion_taps(s.p[4], s.p[5], angle, h, w, taps);
  motion_plane(zoomed, layer, h, w, taps, n);
  for (int64_t i = 0; i < np; ++i) layer[i] = std::floor(clamp01(layer[i]) * 255.0f + 0.5f) / 255.0f;
  // 3. x = blend * x + (1 - blend) * max(x, gray(x) * 1.5 + 0.5); 4. x + layer + rot90(layer, 2), clipped
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int64_t i = int64_t(y) * w + x;
      const float gray = s.c == 3 ? luma(s.img[i], s.img[np + i], s.img[2 * np + i]) : s.img[i];
      const float flake = layer[i] + layer[int64_t(h - 1 - y) * w + (w - 1 - x)];
      for (int ch = 0; ch < s.c; ++ch) {
        const float v = s.img[ch * np + i];
        const float whitened = blend * v + (1.0f - blend) * std::fmax(v, gray * 1.5f + 0.5f);
        s.img[ch * np + i] = clamp01(whitened + flake);
      }
    }
}

}  // namespace rfy::corrupt::reference
