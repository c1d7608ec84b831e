// Reference implementations: frost fog spatter. See reference.h; the algorithms, the random-draw layout and every
// deviation from the published code are documented at the top of corrupt/ops/weather.inl.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {

namespace {

// ------------------------------------------------------------------------------------------------------------
// fog: plasma_fractal as the published NumPy code (corner grid, centre grid, np.roll wrap-around)

int fog_mapsize(int h, int w, float p2) {
  const int need = h > w ? h : w;
  const int preset = static_cast<int>(p2 + 0.5f);
  int m = 1;
  while (m < need || m < preset) m <<= 1;
  return m;
}

float wibbled_mean(const Sample& s, float sum, float wibble, int n, int y, int x) {
  const float u = uniform(s.key, 0, static_cast<uint64_t>(y) * n + x);
  return sum / 4.0f + wibble * (wibble * (2.0f * u - 1.0f));  // array / 4 + wibble * U(-wibble, wibble)
}

void plasma_fractal(const Sample& s, float* map, int n, float decay) {
  auto at = [&](int y, int x) -> float& { return map[static_cast<int64_t>(((y % n) + n) % n) * n + ((x % n) + n) % n]; };
  map[0] = 0.0f;
  float wibble = 100.0f;
  for (int step = n; step >= 2; step /= 2) {
    const int half = step / 2, cells = n / step;
    // fillsquares: corner grid c = map[0::step, 0::step]; (c + roll(c, -1, 0)) + roll(that, -1, 1)
    for (int i = 0; i < cells; ++i)
      for (int j = 0; j < cells; ++j) {
        const float sum = (at(i * step, j * step) + at((i + 1) * step, j * step)) +
                          (at(i * step, (j + 1) * step) + at((i + 1) * step, (j + 1) * step));
        at(i * step + half, j * step + half) = wibbled_mean(s, sum, wibble, n, i * step + half, j * step + half);
      }
    // filldiamonds: dr = centres, ul = corners (both read before either diamond set is written)
    for (int i = 0; i < cells; ++i)
      for (int j = 0; j < cells; ++j) {
        const int y = i * step, x = j * step + half;  // (dr + roll(dr, 1, 0)) + (ul + roll(ul, -1, 1))
        const float sum = (at(y + half, x) + at(y - half, x)) + (at(y, x - half) + at(y, x + half));
        at(y, x) = wibbled_mean(s, sum, wibble, n, y, x);
      }
    for (int i = 0; i < cells; ++i)
      for (int j = 0; j < cells; ++j) {
        const int y = i * step + half, x = j * step;  // (dr + roll(dr, 1, 1)) + (ul + roll(ul, -1, 0))
        const float sum = (at(y, x + half) + at(y, x - half)) + (at(y - half, x) + at(y + half, x));
        at(y, x) = wibbled_mean(s, sum, wibble, n, y, x);
      }
    wibble /= decay;
  }
  const int64_t nn = static_cast<int64_t>(n) * n;
  float lo = map[0];
  for (int64_t i = 0; i < nn; ++i) lo = std::fmin(lo, map[i]);
  float hi = 0.0f;
  for (int64_t i = 0; i < nn; ++i) hi = std::fmax(hi, map[i] - lo);
  for (int64_t i = 0; i < nn; ++i) map[i] = hi > 0.0f ? (map[i] - lo) / hi : 0.0f;
}

// ------------------------------------------------------------------------------------------------------------
// frost (procedural texture rendered segment by segment; user textures sampled as cv2.resize + crop)

constexpr int kOctaves = 5, kBranches = 6, kSegs = 1 + kBranches, kDendriteFloats = 4 + kSegs * 6;

int frost_dendrites(int h, int w) {
  const int n = static_cast<int>(100.0 * h * w / (224.0 * 224.0) + 0.5);
  return n < 12 ? 12 : (n > 160 ? 160 : n);
}
float frost_cell(int h, int w, int o) {
  float cell = std::sqrt(static_cast<float>(h) * static_cast<float>(w)) / 3.0f;
  for (int k = 0; k < o; ++k) cell *= 0.5f;
  return cell < 1.5f ? 0.0f : cell;
}

struct Segment {
  float x0, y0, x1, y1, hw, bright;
};

// The 7 segments of dendrite d (same draws as the op).
void frost_dendrite(const Sample& s, int d, Segment* seg) {
  const float L = std::sqrt(static_cast<float>(s.h) * static_cast<float>(s.w));
  const uint64_t base = static_cast<uint64_t>(d) * 16;
  const U32x4 r0 = random_bits(s.key, 1, base), r1 = random_bits(s.key, 1, base + 1);
  const float x0 = to_uniform(r0.v[0]) * s.w, y0 = to_uniform(r0.v[1]) * s.h;
  const float theta = to_uniform(r0.v[2]) * 6.2831853f;
  const float len = L * (0.04f + 0.14f * to_uniform(r0.v[3]));
  const float hw = std::fmax(0.35f, 0.7f * L / 224.0f) * (0.8f + 0.6f * to_uniform(r1.v[0]));
  const float bright = 0.6f + 0.4f * to_uniform(r1.v[1]);
  const float ct = std::cos(theta), st = std::sin(theta);
  seg[0] = {x0, y0, x0 + len * ct, y0 + len * st, hw, bright};
  for (int b = 0; b < kBranches; ++b) {
    const U32x4 rb = random_bits(s.key, 1, base + 2 + b);
    const float t = (b + 1.0f) / (kBranches + 1.0f) + 0.08f * (to_uniform(rb.v[0]) - 0.5f);
    const float phi = theta + ((b & 1) ? 1.0f : -1.0f) * 1.0471976f;
    const float bl = len * (1.0f - t) * (0.25f + 0.25f * to_uniform(rb.v[1]));
    const float bx = x0 + t * len * ct, by = y0 + t * len * st;
    seg[b + 1] = {bx, by, bx + bl * std::cos(phi), by + bl * std::sin(phi), 0.7f * hw,
                  bright * (0.6f + 0.3f * to_uniform(rb.v[2]))};
  }
}

void frost_texture_grey(const Sample& s, float* grey) {
  const int h = s.h, w = s.w;
  // crystals: rasterise each segment over its reach box, keeping the max
  for (int64_t i = 0; i < static_cast<int64_t>(h) * w; ++i) grey[i] = 0.0f;
  const int dendrites = frost_dendrites(h, w);
  for (int d = 0; d < dendrites; ++d) {
    Segment seg[kSegs];
    frost_dendrite(s, d, seg);
    for (const Segment& g : seg) {
      const float reach = 3.0f * g.hw + 1.0f;
      const int ya = std::max(0, static_cast<int>(std::floor(std::fmin(g.y0, g.y1) - reach)));
      const int yb = std::min(h - 1, static_cast<int>(std::ceil(std::fmax(g.y0, g.y1) + reach)));
      const int xa = std::max(0, static_cast<int>(std::floor(std::fmin(g.x0, g.x1) - reach)));
      const int xb = std::min(w - 1, static_cast<int>(std::ceil(std::fmax(g.x0, g.x1) + reach)));
      for (int y = ya; y <= yb; ++y)
        for (int x = xa; x <= xb; ++x) {
          const float px = x + 0.5f, py = y + 0.5f, ex = g.x1 - g.x0, ey = g.y1 - g.y0;
          const float ll = ex * ex + ey * ey;
          const float t = ll > 0.0f ? std::fmin(1.0f, std::fmax(0.0f, ((px - g.x0) * ex + (py - g.y0) * ey) / ll)) : 0.0f;
          const float dist = std::hypot(g.x0 + t * ex - px, g.y0 + t * ey - py);
          if (dist >= reach) continue;
          const float cover = std::fmin(1.0f, std::fmax(0.0f, g.hw + 0.5f - dist));
          const float glow = 0.3f * (1.0f - dist / reach) * (1.0f - dist / reach);
          float& c = grey[static_cast<int64_t>(y) * w + x];
          c = std::fmax(c, g.bright * std::fmax(cover, glow));
        }
    }
  }
  // film: fbm of smoothstep value noise; g = film + (1 - film) * crystals
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double fbm = 0, amp = 1, norm = 0;
      for (int o = 0; o < kOctaves; ++o) {
        const float cell = frost_cell(h, w, o);
        if (cell == 0.0f) break;
        const int gx = static_cast<int>(w / cell) + 2;
        const float fy = (y + 0.5f) / cell, fx = (x + 0.5f) / cell;
        const int iy = static_cast<int>(fy), ix = static_cast<int>(fx);
        auto lat = [&](int yy, int xx) { return 2.0f * uniform(s.key, 2 + o, static_cast<uint64_t>(yy) * gx + xx) - 1.0f; };
        auto smooth = [](float t) { return t * t * (3.0f - 2.0f * t); };
        const float ty = smooth(fy - iy), tx = smooth(fx - ix);
        fbm += amp * ((lat(iy, ix) * (1 - tx) + lat(iy, ix + 1) * tx) * (1 - ty) +
                      (lat(iy + 1, ix) * (1 - tx) + lat(iy + 1, ix + 1) * tx) * ty);
        norm += amp;
        amp *= 0.55;
      }
      const float film = std::fmin(1.0f, std::fmax(0.0f, 0.62f + 0.24f * static_cast<float>(norm > 0 ? fbm / norm * 1.6 : 0.0)));
      float& g = grey[static_cast<int64_t>(y) * w + x];
      g = film + (1.0f - film) * g;
    }
}

// ------------------------------------------------------------------------------------------------------------
// spatter helpers (OpenCV / skimage semantics)

// skimage.filters.gaussian (scipy gaussian_filter, truncate 4, mode 'nearest'), in place; tmp: one plane.
void gaussian_nearest(float* plane, float* tmp, int h, int w, float sigma) {
  const int r = sigma > 0.0f ? static_cast<int>(4.0f * sigma + 0.5f) : 0;
  double taps[256];
  double sum = 0;
  for (int k = -r; k <= r; ++k) sum += taps[k + r] = std::exp(-0.5 * k * k / (double(sigma) * sigma));
  for (int k = 0; k <= 2 * r; ++k) taps[k] /= sum;
  auto clampi = [](int v, int n) { return v < 0 ? 0 : (v >= n ? n - 1 : v); };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double acc = 0;
      for (int k = -r; k <= r; ++k) acc += taps[k + r] * plane[static_cast<int64_t>(y) * w + clampi(x + k, w)];
      tmp[static_cast<int64_t>(y) * w + x] = static_cast<float>(acc);
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double acc = 0;
      for (int k = -r; k <= r; ++k) acc += taps[k + r] * tmp[static_cast<int64_t>(clampi(y + k, h)) * w + x];
      plane[static_cast<int64_t>(y) * w + x] = static_cast<float>(acc);
    }
}

int reflect101(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

// cv2.Canny(u8, low, high) (aperture 3, L1 gradient): edges -> out[i] = 2, else 0. mag, stack: planes.
void canny(const float* u8, float* out, float* mag, float* stack, int h, int w, int low, int high) {
  auto px = [&](int y, int x) {
    y = y < 0 ? 0 : (y >= h ? h - 1 : y);  // Sobel with BORDER_REPLICATE
    x = x < 0 ? 0 : (x >= w ? w - 1 : x);
    return static_cast<int>(u8[static_cast<int64_t>(y) * w + x]);
  };
  auto sobel = [&](int y, int x, int& dx, int& dy) {
    dx = -px(y - 1, x - 1) + px(y - 1, x + 1) - 2 * px(y, x - 1) + 2 * px(y, x + 1) - px(y + 1, x - 1) + px(y + 1, x + 1);
    dy = -px(y - 1, x - 1) - 2 * px(y - 1, x) - px(y - 1, x + 1) + px(y + 1, x - 1) + 2 * px(y + 1, x) + px(y + 1, x + 1);
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      int dx, dy;
      sobel(y, x, dx, dy);
      mag[static_cast<int64_t>(y) * w + x] = static_cast<float>(std::abs(dx) + std::abs(dy));
    }
  auto M = [&](int y, int x) { return (y < 0 || y >= h || x < 0 || x >= w) ? 0 : static_cast<int>(mag[static_cast<int64_t>(y) * w + x]); };
  const int64_t TG22 = 13573;  // tan(22.5 deg) in 17.15 fixed point, as OpenCV
  int64_t top = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int64_t i = static_cast<int64_t>(y) * w + x;
      out[i] = 0.0f;  // not an edge
      const int m = M(y, x);
      if (m <= low) continue;
      int xs, ys;
      sobel(y, x, xs, ys);
      const int64_t ax = std::abs(xs), ay = static_cast<int64_t>(std::abs(ys)) << 15, tg22x = ax * TG22;
      bool keep;
      if (ay < tg22x) {
        keep = m > M(y, x - 1) && m >= M(y, x + 1);
      } else if (ay > tg22x + (ax << 16)) {
        keep = m > M(y - 1, x) && m >= M(y + 1, x);
      } else {
        const int sg = (xs ^ ys) < 0 ? -1 : 1;
        keep = m > M(y - 1, x - sg) && m > M(y + 1, x + sg);
      }
      if (!keep) continue;
      if (m > high) {
        out[i] = 2.0f;
        stack[top++] = static_cast<float>(i);
      } else {
        out[i] = 1.0f;  // weak: kept only if connected to a strong edge
      }
    }
  while (top > 0) {
    const int64_t i = static_cast<int64_t>(stack[--top]);
    const int y = static_cast<int>(i / w), x = static_cast<int>(i % w);
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int yy = y + dy, xx = x + dx;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const int64_t j = static_cast<int64_t>(yy) * w + xx;
        if (out[j] == 1.0f) {
          out[j] = 2.0f;
          stack[top++] = static_cast<float>(j);
        }
      }
  }
  for (int64_t i = 0; i < static_cast<int64_t>(h) * w; ++i) out[i] = out[i] == 2.0f ? 2.0f : 0.0f;
}

// cv2.distanceTransform(src, DIST_L2, 5) to the nearest `zero` pixel (edge pixels here): OpenCV's two raster
// passes of the 5x5 chamfer mask in 16.16 fixed point. Result in pixels (float), then truncated at `cap`.
void chamfer5(const float* edges, float* dist, int h, int w, float cap) {
  const int64_t HV = 65536, DIAG = 91750, LONG = 143976, INF = int64_t(1) << 40;
  // Stored as exact integers in floats is not possible for INF: keep values capped at cap * 65536 + LONG (paths
  // through a capped pixel are never shorter than the cap, so the truncated result is unchanged).
  const double top = double(cap) * 65536.0 + LONG;
  auto D = [&](int y, int x) -> double { return (y < 0 || y >= h || x < 0 || x >= w) ? double(INF) : dist[static_cast<int64_t>(y) * w + x]; };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double t;
      if (edges[static_cast<int64_t>(y) * w + x] == 2.0f) {
        t = 0;
      } else {
        t = std::fmin(D(y - 2, x - 1), D(y - 2, x + 1)) + LONG;
        t = std::fmin(t, std::fmin(D(y - 1, x - 2), D(y - 1, x + 2)) + LONG);
        t = std::fmin(t, std::fmin(D(y - 1, x - 1), D(y - 1, x + 1)) + DIAG);
        t = std::fmin(t, std::fmin(D(y - 1, x), D(y, x - 1)) + HV);
      }
      dist[static_cast<int64_t>(y) * w + x] = static_cast<float>(std::fmin(t, top));
    }
  for (int y = h - 1; y >= 0; --y)
    for (int x = w - 1; x >= 0; --x) {
      double t = dist[static_cast<int64_t>(y) * w + x];
      if (t > HV) {
        t = std::fmin(t, std::fmin(D(y + 2, x - 1), D(y + 2, x + 1)) + LONG);
        t = std::fmin(t, std::fmin(D(y + 1, x - 2), D(y + 1, x + 2)) + LONG);
        t = std::fmin(t, std::fmin(D(y + 1, x - 1), D(y + 1, x + 1)) + DIAG);
        t = std::fmin(t, std::fmin(D(y + 1, x), D(y, x + 1)) + HV);
        dist[static_cast<int64_t>(y) * w + x] = static_cast<float>(std::fmin(t, top));
      }
    }
  for (int64_t i = 0; i < static_cast<int64_t>(h) * w; ++i)
    dist[i] = std::fmin(static_cast<float>(dist[i] * (1.0 / 65536.0)), cap);  // cv2.threshold(TRUNC, 20)
}

// cv2.blur(3x3) of a float plane (reflect 101): src -> dst.
void box3_float(const float* src, float* dst, int h, int w) {
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float acc = 0.0f;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) acc += src[static_cast<int64_t>(reflect101(y + dy, h)) * w + reflect101(x + dx, w)];
      dst[static_cast<int64_t>(y) * w + x] = acc * (1.0f / 9.0f);
    }
}

// cv2.equalizeHist of an 8-bit plane (values in floats), in place.
void equalize_hist(float* plane, int64_t n, float* hist, float* lut) {
  for (int b = 0; b < 256; ++b) hist[b] = 0.0f;
  for (int64_t i = 0; i < n; ++i) hist[static_cast<int>(plane[i])] += 1.0f;
  int i = 0;
  while (hist[i] == 0.0f) ++i;
  if (hist[i] == static_cast<float>(n)) {
    for (int64_t k = 0; k < n; ++k) plane[k] = static_cast<float>(i);
    return;
  }
  const float scale = 255.0f / static_cast<float>(n - static_cast<int64_t>(hist[i]));
  double sum = 0;
  for (int b = 0; b <= i; ++b) lut[b] = 0.0f;
  for (++i; i < 256; ++i) {
    sum += hist[i];
    lut[i] = std::fmin(255.0f, std::rint(static_cast<float>(sum) * scale));
  }
  for (int64_t k = 0; k < n; ++k) plane[k] = lut[static_cast<int>(plane[k])];
}

}  // namespace

void frost(const Sample& s) {
  const float a = s.p[0], b = s.p[1];
  const int64_t hw = s.plane();
  if (s.frost.data != nullptr) {
    const FrostTextures& t = s.frost;
    // texture scale (raised to cover the image if needed) and the scaled size
    float scale = s.p[2] > 0.0f ? s.p[2] : 1.0f;
    int hs = 0, ws = 0;
    for (int it = 0; it < 2; ++it) {
      hs = static_cast<int>(t.height * scale + 0.5f);
      ws = static_cast<int>(t.width * scale + 0.5f);
      if (hs >= s.h && ws >= s.w) break;
      scale = std::fmax(scale, std::fmax(static_cast<float>(s.h) / t.height, static_cast<float>(s.w) / t.width) * 1.0001f);
    }
    hs = std::max(hs, s.h);
    ws = std::max(ws, s.w);
    const U32x4 r = random_bits(s.key, 0, 0);
    const int64_t k = r.v[0] % static_cast<uint32_t>(t.count);
    const int oy = static_cast<int>(r.v[1] % static_cast<uint32_t>(hs - s.h + 1));
    const int ox = static_cast<int>(r.v[2] % static_cast<uint32_t>(ws - s.w + 1));
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) {
        float rgb[3];
        for (int ch = 0; ch < 3; ++ch) {
          // cv2.resize INTER_LINEAR: source coordinate (dst + 0.5) / scale - 0.5, clamped to the edge
          const float sy = std::fmin(std::fmax((oy + y + 0.5f) / scale - 0.5f, 0.0f), float(t.height - 1));
          const float sx = std::fmin(std::fmax((ox + x + 0.5f) / scale - 0.5f, 0.0f), float(t.width - 1));
          const int y0 = static_cast<int>(sy), x0 = static_cast<int>(sx);
          const int y1 = std::min<int>(y0 + 1, t.height - 1), x1 = std::min<int>(x0 + 1, t.width - 1);
          const float fy = sy - y0, fx = sx - x0;
          auto px = [&](int yy, int xx) {
            return static_cast<float>(t.data[k * t.stride[0] + yy * t.stride[1] + xx * t.stride[2] + ch * t.stride[3]]);
          };
          rgb[ch] = ((px(y0, x0) * (1 - fx) + px(y0, x1) * fx) * (1 - fy) + (px(y1, x0) * (1 - fx) + px(y1, x1) * fx) * fy) / 255.0f;
        }
        const int64_t i = static_cast<int64_t>(y) * s.w + x;
        if (s.c == 1)
          s.img[i] = a * s.img[i] + b * luma(rgb[0], rgb[1], rgb[2]);
        else
          for (int ch = 0; ch < 3; ++ch) s.img[ch * hw + i] = a * s.img[ch * hw + i] + b * rgb[ch];
      }
    return;
  }
  float* grey = s.scratch;
  frost_texture_grey(s, grey);
  for (int64_t i = 0; i < hw; ++i) {
    const float g = grey[i];
    const float rgb[3] = {clamp01(0.84f * g), clamp01(0.95f * g + 0.02f), clamp01(0.98f * g + 0.07f)};  // tint
    if (s.c == 1)
      s.img[i] = a * s.img[i] + b * luma(rgb[0], rgb[1], rgb[2]);
    else
      for (int ch = 0; ch < 3; ++ch) s.img[ch * hw + i] = a * s.img[ch * hw + i] + b * rgb[ch];
  }
}

void fog(const Sample& s) {
  const float t = s.p[0];
  const int n = fog_mapsize(s.h, s.w, s.p[2]);
  float* map = s.scratch;
  plasma_fractal(s, map, n, s.p[1]);
  float m = s.img[0];
  for (int64_t i = 0; i < s.size(); ++i) m = std::fmax(m, s.img[i]);  // max_val = x.max()
  for (int ch = 0; ch < s.c; ++ch)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) {
        float& v = s.channel(ch)[static_cast<int64_t>(y) * s.w + x];
        v = (v + t * map[static_cast<int64_t>(y) * n + x]) * (m / (m + t));
      }
}

void spatter(const Sample& s) {
  const float mu = s.p[0], sd = s.p[1], sigma = s.p[2], thr = s.p[3], k = s.p[4];
  const int h = s.h, w = s.w;
  const int64_t P = s.plane();
  float *layer = s.scratch, *tmp = layer + P, *mag = tmp + P, *edges = mag + P, *dist = edges + P, *dist2 = dist + P,
        *stack = dist2 + P, *hist = stack + P, *lut = hist + 256;
  // liquid_layer = normal(loc=mu, scale=s); gaussian(sigma); < thr -> 0
  for (int64_t i = 0; i < P; ++i) layer[i] = mu + sd * normal(s.key, 0, static_cast<uint64_t>(i));
  gaussian_nearest(layer, tmp, h, w, sigma);
  for (int64_t i = 0; i < P; ++i)
    if (layer[i] < thr) layer[i] = 0.0f;

  if (s.p[5] > 0.5f) {  // mud
    for (int64_t i = 0; i < P; ++i) dist[i] = layer[i] > thr ? 1.0f : 0.0f;
    gaussian_nearest(dist, tmp, h, w, k);
    const float col[3] = {63.0f / 255.0f, 42.0f / 255.0f, 20.0f / 255.0f};
    for (int64_t i = 0; i < P; ++i) {
      const float m = dist[i] < 0.8f ? 0.0f : dist[i];
      for (int ch = 0; ch < s.c; ++ch) {
        float& v = s.channel(ch)[i];
        v = v * (1.0f - m) + m * (s.c == 1 ? luma(col[0], col[1], col[2]) : col[ch]);
      }
    }
    return;
  }
  // water
  float* u8 = tmp;
  for (int64_t i = 0; i < P; ++i) u8[i] = static_cast<float>(to_u8(layer[i]));  // (layer * 255).astype(uint8)
  canny(u8, edges, mag, stack, h, w, 50, 150);                                   // 255 - Canny: edges are the zeros
  chamfer5(edges, dist, h, w, 20.0f);                                            // distanceTransform + TRUNC 20
  box3_float(dist, dist2, h, w);                                                 // cv2.blur
  for (int64_t i = 0; i < P; ++i) dist2[i] = std::floor(dist2[i]);               // .astype(uint8)
  equalize_hist(dist2, P, hist, lut);
  const int ker[3][3] = {{-2, -1, 0}, {-1, 1, 1}, {0, 1, 2}};
  for (int y = 0; y < h; ++y)  // filter2D(CV_8U): correlation, reflect 101, saturate
    for (int x = 0; x < w; ++x) {
      int acc = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          acc += ker[dy + 1][dx + 1] * static_cast<int>(dist2[static_cast<int64_t>(reflect101(y + dy, h)) * w + reflect101(x + dx, w)]);
      dist[static_cast<int64_t>(y) * w + x] = static_cast<float>(std::min(255, std::max(0, acc)));
    }
  float mmax = 0.0f;
  for (int y = 0; y < h; ++y)  // cv2.blur on uint8 (rounded), then m = liquid_layer * dist
    for (int x = 0; x < w; ++x) {
      int acc = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) acc += static_cast<int>(dist[static_cast<int64_t>(reflect101(y + dy, h)) * w + reflect101(x + dx, w)]);
      const int64_t i = static_cast<int64_t>(y) * w + x;
      dist2[i] = u8[i] * static_cast<float>(static_cast<int>(std::lround(acc / 9.0)));
      mmax = std::fmax(mmax, dist2[i]);
    }
  const float col[3] = {175.0f / 255.0f, 238.0f / 255.0f, 238.0f / 255.0f};  // channel order of the published code
  for (int64_t i = 0; i < P; ++i) {
    const float m = mmax > 0.0f ? dist2[i] / mmax * k : 0.0f;
    for (int ch = 0; ch < s.c; ++ch) s.channel(ch)[i] += m * (s.c == 1 ? luma(col[0], col[1], col[2]) : col[ch]);
  }
}

}  // namespace rfy::corrupt::reference
