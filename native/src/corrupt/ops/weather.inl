// Optimised ops: frost fog spatter. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
//
// fog (t, decay, mapsize): the published plasma_fractal (diamond-square on a mapsize x mapsize torus: each new point
//   is the mean of its 4 (wrap-around) neighbours + wibble * U(-wibble, wibble), wibble starts at 100 and is divided
//   by `decay` after each level; then rescaled to [0, 1]), cropped to the top-left H x W; x <- (x + t * map) *
//   m / (m + t) with m = max(x) over all values; one map for all channels.
//   Sizes: mapsize = max(p[2] rounded up to a power of two, the next power of two >= max(H, W)), so any H x W works
//   (for the presets' own sizes this is the published 256 / 64 / 32).
//   Randomness: every map point is written exactly once, so one stream (0) indexed by the point's position
//   y * mapsize + x makes the map a pure function of the key. Levels are sequential; each level's squares and
//   diamonds are parallel over cells (a barrier after each).
//
// frost (a, b, texture scale): out = a * x + b * texture.
//   Default: a PROCEDURAL frost texture of our own design, generated per sample from s.key (not the ImageNet-C
//   photos). Grey level g(y, x) =
//     film + (1 - film) * crystals, film = clamp(0.62 + 0.24 * 1.6 * fbm):
//       fbm: 5 octaves of smoothstep value noise (lattice values U(-1, 1) from stream 2 + octave), cell size
//       L / 3 halving per octave (octaves finer than 1.5 px are skipped), amplitude x 0.55 per octave, normalised
//       by the sum of amplitudes; L = sqrt(H * W).
//     crystals: max over D = clamp(round(100 * H * W / 224^2), 12, 160) random dendrites (stream 1) of an
//       anti-aliased line rendering: each dendrite is a trunk (random start anywhere in the image, random angle,
//       length U(0.04, 0.18) * L, half-width max(0.35, 0.7 * L / 224) * U(0.8, 1.4) px, brightness U(0.6, 1))
//       and 6 side branches at +-60 degrees (ice's hexagonal habit) spaced along it, alternating sides, each
//       (1 - t) * U(0.25, 0.5) of the trunk long, 0.7x as wide, 0.6..0.9 as bright. A segment at distance d
//       contributes brightness * max(coverage, glow) with coverage = clamp(hw + 0.5 - d, 0, 1) (box-filter
//       anti-aliasing) and glow = 0.3 * (1 - d / (3 hw + 1))^2 (a soft halo).
//   Tint (blue-white, from the photos' mean RGB (146, 167, 180) / 255 over frost1..5): R = 0.84 g, G = 0.95 g +
//   0.02, B = 0.98 g + 0.07. 1-channel images use the luma of the tinted texture. Measured statistics of the
//   tinted texture (luma, 3 seeds): 224 px mean 0.61 std 0.11; 64 px 0.58 / 0.095; 32 px 0.59 / 0.10 (the photos
//   frost1..5, measured with PIL: mean luma 0.63, per-image std 0.09..0.17, mean RGB (146, 167, 180)).
//   User textures (s.frost.data != nullptr): texture k = U{0..K-1} (stream 0, index 0; the published code draws
//   randint(5) of its 6 photos, we use all K), scaled by p[2] (1 for imagenet, .3 tiny, .2 cifar, as
//   cv2.resize(fx = fy = p[2]) with bilinear interpolation, sampled on the fly: src = (dst + 0.5) / scale - 0.5,
//   edge-clamped); if the scaled texture would be smaller than the image the scale is raised to just cover it.
//   Crop offsets U{0..Hs-H} x U{0..Ws-W} (stream 0, indices 1, 2; the published randint excludes the last offset).
//   1-channel images use the luma of the RGB texture.
//   Sizes: the procedural texture is generated at the image's own size (feature sizes scale with L = sqrt(H W),
//   line half-widths >= 0.35 px, the dendrite count with the area), so any H x W works; p[2] only scales user
//   textures.
//
// spatter (mu, s, sigma, thr, k, mud): layer = N(mu, s^2) (stream 0, index = pixel), gaussian sigma (skimage:
//   truncate 4, nearest), values < thr set to 0.
//   Water (mud = 0): Canny(50, 150) of the 8-bit layer (OpenCV's: 3x3 Sobel with replicated border, L1 magnitude,
//   non-maximum suppression with its tan(22.5) sectors and strict/non-strict comparisons, hysteresis with
//   8-connectivity), inverted; cv2.distanceTransform(DIST_L2, mask 5) = the 5x5 chamfer distance (weights 1, 1.4,
//   2.1969 in 16.16 fixed point, as OpenCV) truncated at 20. The reference runs OpenCV's two raster passes; this op
//   relaxes all 16 mask neighbours in place until nothing changes (a parallel Bellman-Ford; it converges to the
//   same minimum-path chamfer distance, in at most ~21 passes because of the truncation; checked equal to
//   OpenCV 5.0's distanceTransform(L2, 5) within 1e-4 px, and this whole water pipeline's m equal to OpenCV's on
//   four layers of 64..224 px, Canny edges bit-identical); then 3x3 box blur
//   (float, reflect-101), truncation to uint8, equalizeHist (OpenCV's LUT), emboss [[-2,-1,0],[-1,1,1],[0,1,2]]
//   (filter2D to uint8, saturating), 3x3 box blur on uint8 (rounded). m = layer_u8 * dist / max * k; x += m * col
//   with col = (175, 238, 238) / 255 on channels 0, 1, 2. The published code writes the colour in (intended)
//   OpenCV BGR order but adds it to the RGB array as is, so R gets 175 and G, B get 238: we reproduce that.
//   Canny hysteresis here is iterative propagation until no change (exact; a convergence check per pass).
//   Mud (mud = 1): m = gaussian_k(layer > thr) (skimage, sigma = k), m < 0.8 -> 0, x <- x (1 - m) + m * col with
//   col = (63, 42, 20) / 255 on channels 0, 1, 2 (again the array order of the published code).
//   1-channel images: the luma of the colour. Sizes: all steps are per pixel or fixed-size filters; any H x W.
#pragma once

#if !defined(__CUDACC__)
#include <vector>  // the CPU plasma's draws

#include "corrupt/random_fill.h"
#endif
#include "corrupt/ops/filters.inl"  // FilterV8 (CPU)

// Size helpers used both by the ops and by the host-side *_scratch functions.
#if defined(__CUDACC__)
#define RFY_WEATHER_HD __host__ __device__ inline
#else
#define RFY_WEATHER_HD inline
#endif

namespace rfy::corrupt {

// ------------------------------------------------------------------------------------------------------------
// fog

RFY_WEATHER_HD int weather_fog_mapsize(int h, int w, float p2) {
  const int need = h > w ? h : w;
  int preset = static_cast<int>(p2 + 0.5f);
  int m = 1;
  while (m < need || m < preset) m <<= 1;
  return m;
}

// min / max of v[0..n) (CPU: 8 independent lanes in one vector; min and max are exact in any order).
RFY_OP float weather_min_of(const float* v, int64_t n) {
  float lo = 3.0e38f;
#if defined(__CUDACC__)
  RFY_PAR_FOR(i, n) lo = fminf(lo, v[i]);
#else
  FilterV8 lane = {lo, lo, lo, lo, lo, lo, lo, lo};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const FilterV8 x = RFY_FILTER_LOAD8(v + i);
    lane = x < lane ? x : lane;
  }
  for (; i < n; ++i) lo = fminf(lo, v[i]);
  for (int l = 0; l < 8; ++l) lo = fminf(lo, lane[l]);
#endif
  return par_min(lo);
}
RFY_OP float weather_max_of(const float* v, int64_t n, float start) {
  float hi = start;
#if defined(__CUDACC__)
  RFY_PAR_FOR(i, n) hi = fmaxf(hi, v[i]);
#else
  FilterV8 lane = {hi, hi, hi, hi, hi, hi, hi, hi};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const FilterV8 x = RFY_FILTER_LOAD8(v + i);
    lane = x > lane ? x : lane;
  }
  for (; i < n; ++i) hi = fmaxf(hi, v[i]);
  for (int l = 0; l < 8; ++l) hi = fmaxf(hi, lane[l]);
#endif
  return par_max(hi);
}

#if !defined(__CUDACC__)
// CPU: the last diamond-square level (step 2, three quarters of the points) row by row, 8 columns at a time, for
// n >= 16. Each vector evaluates a whole run of a row; lanes at columns the pass does not own are computed from
// stale or not-yet-written neighbours and blended away (squares' even lanes are overwritten by the odd-row
// diamonds). Per point the same float operations in the same order as the generic loops, so the same values.
// Runs cover columns [1, n - 1), the last one overlapping its predecessor (recomputing the same values); the
// wrap-around column is scalar.
inline void weather_plasma_finest(float* map, const float* u, int n, float wibble) {
  typedef int WeatherI8 __attribute__((vector_size(32)));
  const WeatherI8 new_at_odd = {8, 1, 10, 3, 12, 5, 14, 7}, new_at_even = {0, 9, 2, 11, 4, 13, 6, 15};
  const int mask = n - 1;
  auto runs = [n](auto&& f) {
    int x = 1;
    for (; x + 8 <= n - 1; x += 8) f(x);
    if (x < n - 1) f(n - 9);
  };
  // squares: odd rows, odd columns; (top + bottom) left + (top + bottom) right
  for (int py = 1; py < n; py += 2) {
    const float* a = map + static_cast<int64_t>(py - 1) * n;
    const float* b = map + static_cast<int64_t>((py + 1) & mask) * n;
    float* o = map + static_cast<int64_t>(py) * n;
    const float* uu = u + static_cast<int64_t>(py) * n;
    runs([&](int x) {
      const FilterV8 sum = (RFY_FILTER_LOAD8(a + x - 1) + RFY_FILTER_LOAD8(b + x - 1)) +
                           (RFY_FILTER_LOAD8(a + x + 1) + RFY_FILTER_LOAD8(b + x + 1));
      RFY_FILTER_STORE8(o + x, sum / 4.0f + wibble * (wibble * (2.0f * RFY_FILTER_LOAD8(uu + x) - 1.0f)));
    });
    const float sum = (a[n - 2] + b[n - 2]) + (a[0] + b[0]);
    o[n - 1] = sum / 4.0f + wibble * (wibble * (2.0f * uu[n - 1] - 1.0f));
  }
  // diamonds on even rows, odd columns: (down + up) + (left + right)
  for (int py = 0; py < n; py += 2) {
    const float* up = map + static_cast<int64_t>((py - 1) & mask) * n;
    const float* dn = map + static_cast<int64_t>(py + 1) * n;
    float* o = map + static_cast<int64_t>(py) * n;
    const float* uu = u + static_cast<int64_t>(py) * n;
    runs([&](int x) {
      const FilterV8 sum = (RFY_FILTER_LOAD8(dn + x) + RFY_FILTER_LOAD8(up + x)) +
                           (RFY_FILTER_LOAD8(o + x - 1) + RFY_FILTER_LOAD8(o + x + 1));
      const FilterV8 v = sum / 4.0f + wibble * (wibble * (2.0f * RFY_FILTER_LOAD8(uu + x) - 1.0f));
      const FilterV8 old = RFY_FILTER_LOAD8(o + x);
      RFY_FILTER_STORE8(o + x, __builtin_shuffle(old, v, new_at_odd));
    });
    const float sum = (dn[n - 1] + up[n - 1]) + (o[n - 2] + o[0]);
    o[n - 1] = sum / 4.0f + wibble * (wibble * (2.0f * uu[n - 1] - 1.0f));
  }
  // diamonds on odd rows, even columns: (right + left) + (up + down)
  for (int py = 1; py < n; py += 2) {
    const float* up = map + static_cast<int64_t>(py - 1) * n;
    const float* dn = map + static_cast<int64_t>((py + 1) & mask) * n;
    float* o = map + static_cast<int64_t>(py) * n;
    const float* uu = u + static_cast<int64_t>(py) * n;
    runs([&](int x) {
      const FilterV8 sum = (RFY_FILTER_LOAD8(o + x + 1) + RFY_FILTER_LOAD8(o + x - 1)) +
                           (RFY_FILTER_LOAD8(up + x) + RFY_FILTER_LOAD8(dn + x));
      const FilterV8 v = sum / 4.0f + wibble * (wibble * (2.0f * RFY_FILTER_LOAD8(uu + x) - 1.0f));
      const FilterV8 old = RFY_FILTER_LOAD8(o + x);
      RFY_FILTER_STORE8(o + x, __builtin_shuffle(old, v, new_at_even));
    });
    const float sum = (o[1] + o[n - 1]) + (up[0] + dn[0]);
    o[0] = sum / 4.0f + wibble * (wibble * (2.0f * uu[0] - 1.0f));
  }
}
#endif

// The plasma fractal into map[n * n], not yet rescaled: the rescaled value is weather_plasma_at(map[i], lo, hi)
// (fog rescales only the H x W crop it reads). All threads call it. n is a power of two.
RFY_OP void weather_plasma_raw(const RngKey& key, float* map, int n, float decay, float& lo, float& hi) {
#if defined(__CUDACC__)
#define RFY_PLASMA_UNIFORM(at) uniform(key, 0, static_cast<uint64_t>(at))
#else
  // CPU: every point's draw up front as one run of consecutive indices (the diamond-square passes visit strided
  // points, one scalar Philox call each). The same values: draw `at` is uniform(key, 0, at).
  static thread_local std::vector<float> draws;
  draws.resize(static_cast<size_t>(n) * n);
  float* u = draws.data();
  uniform_fill(key, 0, 0, static_cast<int64_t>(n) * n, u);
#define RFY_PLASMA_UNIFORM(at) u[at]
#endif
  if (RFY_LEADER()) map[0] = 0.0f;
  RFY_BARRIER();
  const int mask = n - 1;
  float wibble = 100.0f;
  for (int step = n; step >= 2; step /= 2) {
#if !defined(__CUDACC__)
    if (step == 2 && n >= 16) {
      weather_plasma_finest(map, u, n, wibble);
      break;
    }
#endif
    const int half = step / 2, cells = n / step;
    // squares: centre of each square = mean of its 4 corners + noise
    RFY_PAR_FOR_2D(i, cy, x, cells, cells) {
      (void)i;
      const int cx = x;
      const int y0 = cy * step, x0 = cx * step;
      const int y1 = (y0 + step) & mask, x1 = (x0 + step) & mask;
      const float sum = (map[y0 * n + x0] + map[y1 * n + x0]) + (map[y0 * n + x1] + map[y1 * n + x1]);
      const int64_t at = static_cast<int64_t>(y0 + half) * n + (x0 + half);
      map[at] = sum / 4.0f + wibble * (wibble * (2.0f * RFY_PLASMA_UNIFORM(at) - 1.0f));
    }
    RFY_BARRIER();
    // diamonds: the edge midpoints = mean of their 4 neighbours at distance half (wrap-around) + noise; the two
    // sets read only corners and centres, so they need no barrier between them
    RFY_PAR_FOR_2D(i, cy, x, cells, cells) {  // (cy * step, cx * step + half): (down + up) + (left + right)
      (void)i;
      const int cx = x;
      const int py = cy * step, px = cx * step + half;
      const int yu = (py - half) & mask, yd = (py + half) & mask, xl = (px - half) & mask, xr = (px + half) & mask;
      const float sum = (map[yd * n + px] + map[yu * n + px]) + (map[py * n + xl] + map[py * n + xr]);
      const int64_t at = static_cast<int64_t>(py) * n + px;
      map[at] = sum / 4.0f + wibble * (wibble * (2.0f * RFY_PLASMA_UNIFORM(at) - 1.0f));
    }
    RFY_PAR_FOR_2D(i, cy, x, cells, cells) {  // (cy * step + half, cx * step): (right + left) + (up + down)
      (void)i;
      const int cx = x;
      const int py = cy * step + half, px = cx * step;
      const int yu = (py - half) & mask, yd = (py + half) & mask, xl = (px - half) & mask, xr = (px + half) & mask;
      const float sum = (map[py * n + xr] + map[py * n + xl]) + (map[yu * n + px] + map[yd * n + px]);
      const int64_t at = static_cast<int64_t>(py) * n + px;
      map[at] = sum / 4.0f + wibble * (wibble * (2.0f * RFY_PLASMA_UNIFORM(at) - 1.0f));
    }
    RFY_BARRIER();
    wibble /= decay;
  }
  const int64_t nn = static_cast<int64_t>(n) * n;
  lo = weather_min_of(map, nn);
  // max(map - lo) as max(map) - lo: rounding is monotonic, so the same float, and a vectorisable max (the
  // select-based running max of the differences is one serial dependency chain).
  hi = weather_max_of(map, nn, -3.0e38f) - lo;
}
#undef RFY_PLASMA_UNIFORM

RFY_OP float weather_plasma_at(float v, float lo, float hi) { return hi > 0.0f ? (v - lo) / hi : 0.0f; }

// The plasma fractal into map[n * n], rescaled to [0, 1]. All threads call it. n is a power of two.
RFY_OP void weather_plasma(const RngKey& key, float* map, int n, float decay) {
  float lo, hi;
  weather_plasma_raw(key, map, n, decay, lo, hi);
  RFY_PAR_FOR(i, static_cast<int64_t>(n) * n) map[i] = weather_plasma_at(map[i], lo, hi);
  RFY_BARRIER();
}

RFY_OP void op_fog(const Sample& s) {
  const float t = s.p[0];
  const int n = weather_fog_mapsize(s.h, s.w, s.p[2]);
  float* map = s.scratch;
  float lo, hi;
  weather_plasma_raw(s.key, map, n, s.p[1], lo, hi);
  RFY_PAR_FOR_2D(i, y, x, s.h, s.w) {
    float& v = map[static_cast<int64_t>(y) * n + x];
    (void)i;
    v = weather_plasma_at(v, lo, hi);
  }
  RFY_BARRIER();
  const float m = weather_max_of(s.img, s.size(), -3.0e38f);
  const float scale = m / (m + t);
  RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w) s.img[i] = (s.img[i] + t * map[static_cast<int64_t>(y) * n + x]) * scale;
  RFY_BARRIER();
}
inline int64_t op_fog_scratch(int c, int h, int w, const float* p) {
  const int64_t n = weather_fog_mapsize(h, w, p[2]);
  return n * n;
}

// ------------------------------------------------------------------------------------------------------------
// frost

constexpr int kFrostOctaves = 5;
constexpr int kFrostBranches = 6;
constexpr int kFrostSegs = 1 + kFrostBranches;
constexpr int kFrostDendriteFloats = 4 + kFrostSegs * 6;  // bbox, then (x0, y0, x1, y1, half width, brightness)

RFY_WEATHER_HD int weather_frost_dendrites(int h, int w) {
  const double d = 100.0 * static_cast<double>(h) * w / (224.0 * 224.0);
  int n = static_cast<int>(d + 0.5);
  return n < 12 ? 12 : (n > 160 ? 160 : n);
}
// Cell size of octave o (0 when skipped) and its lattice dimensions.
RFY_WEATHER_HD float weather_frost_cell(int h, int w, int o) {
  const float L = sqrtf(static_cast<float>(h) * static_cast<float>(w));
  float cell = L / 3.0f;
  for (int k = 0; k < o; ++k) cell *= 0.5f;
  return cell < 1.5f ? 0.0f : cell;
}
RFY_WEATHER_HD int64_t weather_frost_lattice(int h, int w, int o, int& gy, int& gx) {
  const float cell = weather_frost_cell(h, w, o);
  if (cell == 0.0f) {
    gy = gx = 0;
    return 0;
  }
  gy = static_cast<int>(h / cell) + 2;
  gx = static_cast<int>(w / cell) + 2;
  return static_cast<int64_t>(gy) * gx;
}
// Tables (dendrites, then the lattices), then one plane the reference renders into (unused by the op).
RFY_WEATHER_HD int64_t weather_frost_table_floats(int h, int w) {
  int64_t total = static_cast<int64_t>(weather_frost_dendrites(h, w)) * kFrostDendriteFloats;
  for (int o = 0; o < kFrostOctaves; ++o) {
    int gy, gx;
    total += weather_frost_lattice(h, w, o, gy, gx);
  }
  return total;
}

// Parameters of dendrite d into out[kFrostDendriteFloats] (a pure function of (key, d)).
RFY_OP void weather_frost_make_dendrite(const RngKey& key, int h, int w, int d, float* out) {
  const float L = sqrtf(static_cast<float>(h) * static_cast<float>(w));
  const uint64_t base = static_cast<uint64_t>(d) * 16;
  const U32x4 r0 = random_bits(key, 1, base), r1 = random_bits(key, 1, base + 1);
  const float x0 = to_uniform(r0.v[0]) * w, y0 = to_uniform(r0.v[1]) * h;
  const float theta = to_uniform(r0.v[2]) * 6.2831853f;
  const float len = L * (0.04f + 0.14f * to_uniform(r0.v[3]));
  const float hw0 = fmaxf(0.35f, 0.7f * L / 224.0f) * (0.8f + 0.6f * to_uniform(r1.v[0]));
  const float bright = 0.6f + 0.4f * to_uniform(r1.v[1]);
  const float ct = cosf(theta), st = sinf(theta);
  float* seg = out + 4;
  seg[0] = x0;
  seg[1] = y0;
  seg[2] = x0 + len * ct;
  seg[3] = y0 + len * st;
  seg[4] = hw0;
  seg[5] = bright;
  for (int b = 0; b < kFrostBranches; ++b) {
    const U32x4 rb = random_bits(key, 1, base + 2 + b);
    const float t = (b + 1.0f) / (kFrostBranches + 1.0f) + 0.08f * (to_uniform(rb.v[0]) - 0.5f);
    const float side = (b & 1) ? 1.0f : -1.0f;
    const float phi = theta + side * 1.0471976f;
    const float bl = len * (1.0f - t) * (0.25f + 0.25f * to_uniform(rb.v[1]));
    const float bx = x0 + t * len * ct, by = y0 + t * len * st;
    float* sb = seg + 6 * (b + 1);
    sb[0] = bx;
    sb[1] = by;
    sb[2] = bx + bl * cosf(phi);
    sb[3] = by + bl * sinf(phi);
    sb[4] = 0.7f * hw0;
    sb[5] = bright * (0.6f + 0.3f * to_uniform(rb.v[2]));
  }
  float bx0 = 3.0e38f, by0 = 3.0e38f, bx1 = -3.0e38f, by1 = -3.0e38f;
  for (int k = 0; k < kFrostSegs; ++k) {
    const float* sg = seg + 6 * k;
    const float reach = 3.0f * sg[4] + 1.0f;
    bx0 = fminf(bx0, fminf(sg[0], sg[2]) - reach);
    bx1 = fmaxf(bx1, fmaxf(sg[0], sg[2]) + reach);
    by0 = fminf(by0, fminf(sg[1], sg[3]) - reach);
    by1 = fmaxf(by1, fmaxf(sg[1], sg[3]) + reach);
  }
  out[0] = bx0;
  out[1] = by0;
  out[2] = bx1;
  out[3] = by1;
}

RFY_OP float weather_frost_smooth(float t) { return t * t * (3.0f - 2.0f * t); }

// Per-octave lattice geometry (computed once per sample by every thread).
struct WeatherFrostOctaves {
  int count;
  float cell[kFrostOctaves];
  int gx[kFrostOctaves];
  int64_t offset[kFrostOctaves];
};
RFY_OP WeatherFrostOctaves weather_frost_octaves(int h, int w, int dendrites) {
  WeatherFrostOctaves o;
  o.count = 0;
  int64_t at = static_cast<int64_t>(dendrites) * kFrostDendriteFloats;
  for (int k = 0; k < kFrostOctaves; ++k) {
    int gy, gx;
    const int64_t n = weather_frost_lattice(h, w, k, gy, gx);
    if (n == 0) break;
    o.cell[k] = weather_frost_cell(h, w, k);
    o.gx[k] = gx;
    o.offset[k] = at;
    at += n;
    o.count = k + 1;
  }
  return o;
}

// The film (fbm value noise, before the clamp) at pixel (y, x): used per pixel on the GPU; the CPU computes the
// same expression row by row (weather_frost_film_row).
RFY_OP float weather_frost_film(const float* table, const WeatherFrostOctaves& oct, int y, int x) {
  float fbm = 0.0f, amp = 1.0f, norm = 0.0f;
  for (int o = 0; o < oct.count; ++o) {
    const float* lat = table + oct.offset[o];
    const int gx = oct.gx[o];
    const float fy = (y + 0.5f) / oct.cell[o], fx = (x + 0.5f) / oct.cell[o];
    const int iy = static_cast<int>(fy), ix = static_cast<int>(fx);
    const float ty = weather_frost_smooth(fy - iy), tx = weather_frost_smooth(fx - ix);
    const float v00 = lat[iy * gx + ix], v01 = lat[iy * gx + ix + 1];
    const float v10 = lat[(iy + 1) * gx + ix], v11 = lat[(iy + 1) * gx + ix + 1];
    fbm += amp * ((v00 * (1 - tx) + v01 * tx) * (1 - ty) + (v10 * (1 - tx) + v11 * tx) * ty);
    norm += amp;
    amp *= 0.55f;
  }
  return 0.62f + 0.24f * (norm > 0.0f ? fbm / norm * 1.6f : 0.0f);
}

// max / min / clamp to [0, 1] as selects (they vectorise; arguments are never NaN here, and never -0).
RFY_OP float weather_max(float a, float b) { return a > b ? a : b; }
RFY_OP float weather_min(float a, float b) { return a < b ? a : b; }
RFY_OP float weather_clamp01(float v) { return weather_min(1.0f, weather_max(0.0f, v)); }

// Brightness segment sg (x0, y0, x1, y1, half width, brightness) gives pixel centre (px, py): 0 outside its reach.
RFY_OP float weather_frost_segment_value(float x0, float y0, float ex, float ey, float ll, float hw, float reach,
                                         float bright, float px, float py) {
  float t = ll > 0.0f ? ((px - x0) * ex + (py - y0) * ey) / ll : 0.0f;
  t = weather_min(1.0f, weather_max(0.0f, t));
  const float qx = x0 + t * ex - px, qy = y0 + t * ey - py;
  const float dist = sqrtf(qx * qx + qy * qy);
  const float cover = weather_min(1.0f, weather_max(0.0f, hw + 0.5f - dist));
  const float g = 1.0f - dist / reach;
  const float v = bright * weather_max(cover, 0.3f * g * g);
  return dist < reach ? v : 0.0f;
}

// The pixel box a segment can reach (clamped to the image; empty when yb < ya or xb < xa).
RFY_OP void weather_frost_segment_box(const float* sg, int h, int w, int& ya, int& yb, int& xa, int& xb) {
  const float reach = 3.0f * sg[4] + 1.0f;
  const float lo_y = floorf(weather_min(sg[1], sg[3]) - reach), hi_y = ceilf(weather_max(sg[1], sg[3]) + reach);
  const float lo_x = floorf(weather_min(sg[0], sg[2]) - reach), hi_x = ceilf(weather_max(sg[0], sg[2]) + reach);
  ya = lo_y < 0.0f ? 0 : (lo_y > h ? h : static_cast<int>(lo_y));
  yb = hi_y > h - 1.0f ? h - 1 : (hi_y < -1.0f ? -1 : static_cast<int>(hi_y));
  xa = lo_x < 0.0f ? 0 : (lo_x > w ? w : static_cast<int>(lo_x));
  xb = hi_x > w - 1.0f ? w - 1 : (hi_x < -1.0f ? -1 : static_cast<int>(hi_x));
}

// crystal[h * w] <- max over all segments of their value (crystal zeroed by the caller, after a barrier).
RFY_OP void weather_frost_crystals(const float* table, int dendrites, int h, int w, float* crystal) {
  const int nseg = dendrites * kFrostSegs;
#if defined(__CUDA_ARCH__)
  // One warp per segment, its lanes over the segment's box; max through atomicMax on the (non-negative) bits.
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, nwarps = blockDim.x >> 5;
  for (int sgi = warp; sgi < nseg; sgi += nwarps) {
    const float* sg = table + static_cast<int64_t>(sgi / kFrostSegs) * kFrostDendriteFloats + 4 + 6 * (sgi % kFrostSegs);
    int ya, yb, xa, xb;
    weather_frost_segment_box(sg, h, w, ya, yb, xa, xb);
    if (yb < ya || xb < xa) continue;
    const float ex = sg[2] - sg[0], ey = sg[3] - sg[1], ll = ex * ex + ey * ey;
    const float reach = 3.0f * sg[4] + 1.0f;
    const int bw = xb - xa + 1, n = bw * (yb - ya + 1);
    for (int p = lane; p < n; p += 32) {
      const int dy = p / bw, y = ya + dy, x = xa + (p - dy * bw);
      const float v = weather_frost_segment_value(sg[0], sg[1], ex, ey, ll, sg[4], reach, sg[5], x + 0.5f, y + 0.5f);
      if (v > 0.0f) atomicMax(reinterpret_cast<int*>(crystal + static_cast<int64_t>(y) * w + x), __float_as_int(v));
    }
  }
#else
  for (int sgi = 0; sgi < nseg; ++sgi) {
    const float* sg = table + static_cast<int64_t>(sgi / kFrostSegs) * kFrostDendriteFloats + 4 + 6 * (sgi % kFrostSegs);
    int ya, yb, xa, xb;
    weather_frost_segment_box(sg, h, w, ya, yb, xa, xb);
    if (yb < ya || xb < xa) continue;
    const float x0 = sg[0], y0 = sg[1], hw = sg[4], bright = sg[5];
    const float ex = sg[2] - x0, ey = sg[3] - y0, ll = ex * ex + ey * ey;
    const float reach = 3.0f * hw + 1.0f, r1 = reach + 1.0f;
    for (int y = ya; y <= yb; ++y) {
      const float py = y + 0.5f;
      int xl = xa, xr = xb;
      if (ey != 0.0f) {
        // the row meets the segment's reach only where |y0 + t ey - py| <= reach: a conservative column span
        float ta = (py - r1 - y0) / ey, tb = (py + r1 - y0) / ey;
        if (ta > tb) {
          const float sw = ta;
          ta = tb;
          tb = sw;
        }
        ta = weather_max(ta, 0.0f);
        tb = weather_min(tb, 1.0f);
        if (ta > tb) continue;
        const float xa_f = x0 + ta * ex, xb_f = x0 + tb * ex;
        const float lo = floorf(weather_min(xa_f, xb_f) - r1 - 1.0f), hi = ceilf(weather_max(xa_f, xb_f) + r1);
        if (lo > xl) xl = static_cast<int>(lo);
        if (hi < xr) xr = static_cast<int>(hi);
      }
      float* row = crystal + static_cast<int64_t>(y) * w;
      for (int x = xl; x <= xr; ++x)
        row[x] = weather_max(row[x], weather_frost_segment_value(x0, y0, ex, ey, ll, hw, reach, bright, x + 0.5f, py));
    }
  }
#endif
}

RFY_OP void weather_frost_tint(float g, float* rgb) {
  rgb[0] = clamp01(0.84f * g);
  rgb[1] = clamp01(0.95f * g + 0.02f);
  rgb[2] = clamp01(0.98f * g + 0.07f);
}

// Bilinear sample (cv2.resize INTER_LINEAR geometry) of channel ch of user texture k at scaled pixel (ys, xs).
RFY_OP float weather_frost_user(const FrostTextures& t, int64_t k, float scale, int ys, int xs, int ch) {
  float sy = (ys + 0.5f) / scale - 0.5f, sx = (xs + 0.5f) / scale - 0.5f;
  sy = fminf(fmaxf(sy, 0.0f), static_cast<float>(t.height - 1));
  sx = fminf(fmaxf(sx, 0.0f), static_cast<float>(t.width - 1));
  const int y0 = static_cast<int>(sy), x0 = static_cast<int>(sx);
  const int y1 = y0 + 1 < t.height ? y0 + 1 : y0, x1 = x0 + 1 < t.width ? x0 + 1 : x0;
  const float dy = sy - y0, dx = sx - x0;
  const uint8_t* base = t.data + k * t.stride[0] + ch * t.stride[3];
  auto at = [&](int yy, int xx) { return static_cast<float>(base[yy * t.stride[1] + xx * t.stride[2]]); };
  const float v = (at(y0, x0) * (1 - dx) + at(y0, x1) * dx) * (1 - dy) + (at(y1, x0) * (1 - dx) + at(y1, x1) * dx) * dy;
  return v * (1.0f / 255.0f);
}

// The texture scale actually used for user textures, and the scaled size.
RFY_OP float weather_frost_user_scale(const FrostTextures& t, int h, int w, float p2, int& hs, int& ws) {
  float scale = p2 > 0.0f ? p2 : 1.0f;
  for (int it = 0; it < 2; ++it) {
    hs = static_cast<int>(t.height * scale + 0.5f);
    ws = static_cast<int>(t.width * scale + 0.5f);
    if (hs >= h && ws >= w) break;
    const float need = fmaxf(static_cast<float>(h) / t.height, static_cast<float>(w) / t.width);
    scale = fmaxf(scale, need * 1.0001f);
  }
  if (hs < h) hs = h;
  if (ws < w) ws = w;
  return scale;
}

// CPU: the film of row y into film[w] (the same expression as weather_frost_film, octave by octave), with per
// octave column tables (ix, tx: 2 x w) and cached x-interpolated lattice rows (2 x w), all in `buf`
// (kFrostOctaves * 4 * w floats); cached_iy[o] is the lattice row those hold (-1: none).
RFY_OP void weather_frost_film_row(const float* table, const WeatherFrostOctaves& oct, int w, int y, float* buf,
                                   int* cached_iy, float* film) {
  for (int x = 0; x < w; ++x) film[x] = 0.0f;
  float amp = 1.0f, norm = 0.0f;
  for (int o = 0; o < oct.count; ++o) {
    const float* lat = table + oct.offset[o];
    const int gx = oct.gx[o];
    float* col_ix = buf + static_cast<int64_t>(o) * 4 * w;
    float* col_tx = col_ix + w;
    float* top = col_tx + w;
    float* bot = top + w;
    const float fy = (y + 0.5f) / oct.cell[o];
    const int iy = static_cast<int>(fy);
    const float ty = weather_frost_smooth(fy - iy);
    if (iy != cached_iy[o]) {
      const float* l0 = lat + iy * gx;
      const float* l1 = l0 + gx;
      for (int x = 0; x < w; ++x) {
        const int ix = static_cast<int>(col_ix[x]);
        const float tx = col_tx[x];
        top[x] = l0[ix] * (1 - tx) + l0[ix + 1] * tx;
        bot[x] = l1[ix] * (1 - tx) + l1[ix + 1] * tx;
      }
      cached_iy[o] = iy;
    }
    for (int x = 0; x < w; ++x) film[x] += amp * (top[x] * (1 - ty) + bot[x] * ty);
    norm += amp;
    amp *= 0.55f;
  }
  for (int x = 0; x < w; ++x) film[x] = 0.62f + 0.24f * (norm > 0.0f ? film[x] / norm * 1.6f : 0.0f);
}

RFY_OP void op_frost(const Sample& s) {
  const float a = s.p[0], b = s.p[1];
  const int64_t hw = s.plane();
  if (s.frost.data != nullptr) {
    int hs, ws;
    const float scale = weather_frost_user_scale(s.frost, s.h, s.w, s.p[2], hs, ws);
    const U32x4 r = random_bits(s.key, 0, 0);
    const int64_t k = static_cast<int64_t>(r.v[0] % static_cast<uint32_t>(s.frost.count));
    const int oy = static_cast<int>(r.v[1] % static_cast<uint32_t>(hs - s.h + 1));
    const int ox = static_cast<int>(r.v[2] % static_cast<uint32_t>(ws - s.w + 1));
    RFY_PAR_FOR_2D(i, y, x, s.h, s.w) {
      float rgb[3];
      for (int ch = 0; ch < 3; ++ch) rgb[ch] = weather_frost_user(s.frost, k, scale, oy + y, ox + x, ch);
      if (s.c == 1) {
        s.img[i] = a * s.img[i] + b * luma(rgb[0], rgb[1], rgb[2]);
      } else {
        for (int ch = 0; ch < 3; ++ch) s.img[ch * hw + i] = a * s.img[ch * hw + i] + b * rgb[ch];
      }
    }
    RFY_BARRIER();
    return;
  }
  const int dendrites = weather_frost_dendrites(s.h, s.w);
  float* table = s.scratch;
  float* crystal = table + weather_frost_table_floats(s.h, s.w);
  RFY_PAR_FOR(d, dendrites) weather_frost_make_dendrite(s.key, s.h, s.w, static_cast<int>(d), table + d * kFrostDendriteFloats);
  {
    float* lat = table + static_cast<int64_t>(dendrites) * kFrostDendriteFloats;
    for (int o = 0; o < kFrostOctaves; ++o) {
      int gy, gx;
      const int64_t count = weather_frost_lattice(s.h, s.w, o, gy, gx);
#if defined(__CUDACC__)
      RFY_PAR_FOR(i, count) lat[i] = 2.0f * uniform(s.key, 2 + o, static_cast<uint64_t>(i)) - 1.0f;
#else
      uniform_fill(s.key, 2 + o, 0, count, lat);
      for (int64_t i = 0; i < count; ++i) lat[i] = 2.0f * lat[i] - 1.0f;
#endif
      lat += count;
    }
  }
  RFY_PAR_FOR(i, hw) crystal[i] = 0.0f;
  RFY_BARRIER();
  weather_frost_crystals(table, dendrites, s.h, s.w, crystal);
  RFY_BARRIER();
  const WeatherFrostOctaves oct = weather_frost_octaves(s.h, s.w, dendrites);
#if defined(__CUDA_ARCH__)
  RFY_PAR_FOR_2D(i, y, x, s.h, s.w) {
    const float f = weather_clamp01(weather_frost_film(table, oct, y, x));
    float rgb[3];
    weather_frost_tint(f + (1.0f - f) * crystal[i], rgb);
    if (s.c == 1) {
      s.img[i] = a * s.img[i] + b * luma(rgb[0], rgb[1], rgb[2]);
    } else {
      for (int ch = 0; ch < 3; ++ch) s.img[ch * hw + i] = a * s.img[ch * hw + i] + b * rgb[ch];
    }
  }
#else
  const int w = s.w;
  float* buf = crystal + hw;
  float* film = buf + static_cast<int64_t>(kFrostOctaves) * 4 * w;
  int cached_iy[kFrostOctaves];
  for (int o = 0; o < oct.count; ++o) {
    float* col_ix = buf + static_cast<int64_t>(o) * 4 * w;
    float* col_tx = col_ix + w;
    for (int x = 0; x < w; ++x) {
      const float fx = (x + 0.5f) / oct.cell[o];
      const int ix = static_cast<int>(fx);
      col_ix[x] = static_cast<float>(ix);
      col_tx[x] = weather_frost_smooth(fx - ix);
    }
    cached_iy[o] = -1;
  }
  for (int y = 0; y < s.h; ++y) {
    weather_frost_film_row(table, oct, w, y, buf, cached_iy, film);
    const float* cr = crystal + static_cast<int64_t>(y) * w;
    float* o0 = s.img + static_cast<int64_t>(y) * w;
    if (s.c == 1) {
      for (int x = 0; x < w; ++x) {
        const float f = weather_clamp01(film[x]);
        const float g = f + (1.0f - f) * cr[x];
        o0[x] = a * o0[x] + b * luma(clamp01(0.84f * g), clamp01(0.95f * g + 0.02f), clamp01(0.98f * g + 0.07f));
      }
    } else {
      float* o1 = o0 + hw;
      float* o2 = o1 + hw;
      for (int x = 0; x < w; ++x) {
        const float f = weather_clamp01(film[x]);
        const float g = f + (1.0f - f) * cr[x];
        o0[x] = a * o0[x] + b * clamp01(0.84f * g);
        o1[x] = a * o1[x] + b * clamp01(0.95f * g + 0.02f);
        o2[x] = a * o2[x] + b * clamp01(0.98f * g + 0.07f);
      }
    }
  }
#endif
  RFY_BARRIER();
}
inline int64_t op_frost_scratch(int c, int h, int w, const float* p) {
  // tables, the crystal plane, and (CPU) the film row buffers
  return weather_frost_table_floats(h, w) + static_cast<int64_t>(h) * w + (4 * kFrostOctaves + 1) * static_cast<int64_t>(w);
}

// ------------------------------------------------------------------------------------------------------------
// spatter

// OpenCV distanceTransform(DIST_L2, 5) weights in 16.16 fixed point, and the truncation at 20.
constexpr float kSpatterHV = 65536.0f, kSpatterDiag = 91750.0f, kSpatterLong = 143976.0f;
constexpr float kSpatterCap = 20.0f * 65536.0f;

RFY_WEATHER_HD int weather_spatter_radius(const float* p) {  // gaussian_radius(sigma, 4) of both Gaussians
  const int r1 = p[2] > 0.0f ? static_cast<int>(4.0f * p[2] + 0.5f) : 0;
  const int r2 = p[4] > 0.0f ? static_cast<int>(4.0f * p[4] + 0.5f) : 0;
  return r1 > r2 ? r1 : r2;
}
// Scratch layout: 7 planes (layer, tmp, mag, edge map, dist, dist2, spare), 2 x 256 floats, the taps.
inline int64_t op_spatter_scratch(int c, int h, int w, const float* p) {
  return 7 * static_cast<int64_t>(h) * w + 512 + 2 * weather_spatter_radius(p) + 1;
}

// One Sobel pair of the 8-bit plane u (integer values in floats), replicated border.
RFY_OP void weather_sobel(const float* u, int h, int w, int y, int x, int& dx, int& dy) {
  const int ym = y > 0 ? y - 1 : 0, yp = y + 1 < h ? y + 1 : h - 1;
  const int xm = x > 0 ? x - 1 : 0, xp = x + 1 < w ? x + 1 : w - 1;
  auto at = [&](int yy, int xx) { return static_cast<int>(u[static_cast<int64_t>(yy) * w + xx]); };
  dx = (at(ym, xp) - at(ym, xm)) + 2 * (at(y, xp) - at(y, xm)) + (at(yp, xp) - at(yp, xm));
  dy = (at(yp, xm) - at(ym, xm)) + 2 * (at(yp, x) - at(ym, x)) + (at(yp, xp) - at(ym, xp));
}

// Canny NMS classification at (y, x) as OpenCV: 0 not an edge, 1 weak candidate, 2 strong.
RFY_OP float weather_canny_class(const float* u, const float* mag, int h, int w, int y, int x, float low,
                                 float high) {
  const int64_t i = static_cast<int64_t>(y) * w + x;
  const float m = mag[i];
  if (!(m > low)) return 0.0f;
  int xs, ys;
  weather_sobel(u, h, w, y, x, xs, ys);
  auto M = [&](int yy, int xx) {
    return (yy < 0 || yy >= h || xx < 0 || xx >= w) ? 0.0f : mag[static_cast<int64_t>(yy) * w + xx];
  };
  const int64_t ax = xs < 0 ? -xs : xs, ay = static_cast<int64_t>(ys < 0 ? -ys : ys) << 15;
  const int64_t tg22x = ax * 13573;
  bool keep;
  if (ay < tg22x) {
    keep = m > M(y, x - 1) && m >= M(y, x + 1);
  } else {
    const int64_t tg67x = tg22x + (ax << 16);
    if (ay > tg67x) {
      keep = m > M(y - 1, x) && m >= M(y + 1, x);
    } else {
      const int sg = (xs ^ ys) < 0 ? -1 : 1;
      keep = m > M(y - 1, x - sg) && m > M(y + 1, x + sg);
    }
  }
  if (!keep) return 0.0f;
  return m > high ? 2.0f : 1.0f;
}

#if !defined(__CUDA_ARCH__)
// CPU stages of spatter's water path (results identical to the GPU code's: integer-valued floats throughout).

// Sobel (replicated border) of the 8-bit plane u8: L1 magnitude into mag, the derivatives into sxp, syp.
RFY_OP void weather_cpu_sobel(const float* u8, int h, int w, float* mag, float* sxp, float* syp) {
  for (int y = 0; y < h; ++y) {
    const float* a = u8 + static_cast<int64_t>(y > 0 ? y - 1 : 0) * w;
    const float* b = u8 + static_cast<int64_t>(y) * w;
    const float* c = u8 + static_cast<int64_t>(y + 1 < h ? y + 1 : h - 1) * w;
    const int64_t row = static_cast<int64_t>(y) * w;
    auto one = [&](int x, int xm, int xp) {
      const float dx = (a[xp] - a[xm]) + 2.0f * (b[xp] - b[xm]) + (c[xp] - c[xm]);
      const float dy = (c[xm] - a[xm]) + 2.0f * (c[x] - a[x]) + (c[xp] - a[xp]);
      sxp[row + x] = dx;
      syp[row + x] = dy;
      mag[row + x] = (dx < 0.0f ? -dx : dx) + (dy < 0.0f ? -dy : dy);
    };
    one(0, 0, w > 1 ? 1 : 0);
    for (int x = 1; x < w - 1; ++x) one(x, x - 1, x + 1);
    if (w > 1) one(w - 1, w - 2, w - 1);
  }
}

// Canny non-maximum suppression + double threshold (0 / 1 weak / 2 strong), OpenCV's sectors; zero: w zeros.
RFY_OP void weather_cpu_canny(const float* mag, const float* sxp, const float* syp, int h, int w, float low,
                              float high, const float* zero, float* emap) {
  for (int y = 0; y < h; ++y) {
    const int64_t row = static_cast<int64_t>(y) * w;
    const float* U = y > 0 ? mag + row - w : zero;
    const float* C = mag + row;
    const float* D = y + 1 < h ? mag + row + w : zero;
    auto one = [&](int x, float l, float r, float ul, float ur, float dl, float dr) {
      const float m = C[x];
      const int xs = static_cast<int>(sxp[row + x]), ys = static_cast<int>(syp[row + x]);
      const int ax = xs < 0 ? -xs : xs, ay = (ys < 0 ? -ys : ys) << 15;
      const int tg22x = ax * 13573, tg67x = tg22x + (ax << 16);
      const bool neg = (xs ^ ys) < 0;
      const bool hor = m > l && m >= r;
      const bool ver = m > U[x] && m >= D[x];
      const bool dia = neg ? (m > ur && m > dl) : (m > ul && m > dr);
      const bool keep = ay < tg22x ? hor : (ay > tg67x ? ver : dia);
      emap[row + x] = (m > low && keep) ? (m > high ? 2.0f : 1.0f) : 0.0f;
    };
    if (w == 1) {
      one(0, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f);
      continue;
    }
    one(0, 0.0f, C[1], 0.0f, U[1], 0.0f, D[1]);
    for (int x = 1; x < w - 1; ++x) one(x, C[x - 1], C[x + 1], U[x - 1], U[x + 1], D[x - 1], D[x + 1]);
    one(w - 1, C[w - 2], 0.0f, U[w - 2], 0.0f, D[w - 2], 0.0f);
  }
}

// Hysteresis: flood strong edges into 8-connected weak candidates (the fixpoint of the GPU's passes).
RFY_OP void weather_cpu_hysteresis(float* emap, int h, int w, int32_t* stack) {
  int64_t top = 0;
  const int64_t P = static_cast<int64_t>(h) * w;
  for (int64_t i = 0; i < P; ++i)
    if (emap[i] == 2.0f) stack[top++] = static_cast<int32_t>(i);
  while (top > 0) {
    const int32_t i = stack[--top];
    const int y = i / w, x = i - y * w;
    for (int yy = y - 1; yy <= y + 1; ++yy) {
      if (yy < 0 || yy >= h) continue;
      for (int xx = x - 1; xx <= x + 1; ++xx) {
        if (xx < 0 || xx >= w) continue;
        const int32_t j = yy * w + xx;
        if (emap[j] == 1.0f) {
          emap[j] = 2.0f;
          stack[top++] = j;
        }
      }
    }
  }
}

// Chamfer 5x5 distance relaxation to its fixpoint, row by row (rows down, then up, ...); cand: w floats.
RFY_OP void weather_cpu_chamfer(float* dist, int h, int w, float* cand) {
  const int kOff[14][2] = {{-1, 0}, {1, 0}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}, {-1, -2}, {-1, 2},
                                  {1, -2}, {1, 2}, {-2, -1}, {-2, 1}, {2, -1}, {2, 1}};
  for (int pass = 0;; ++pass) {
    int64_t changed = 0;
    for (int yi = 0; yi < h; ++yi) {
      const int y = (pass & 1) ? h - 1 - yi : yi;
      float* d = dist + static_cast<int64_t>(y) * w;
      for (int x = 0; x < w; ++x) cand[x] = d[x];
      for (int q = 0; q < 14; ++q) {
        const int yy = y + kOff[q][0], dx = kOff[q][1];
        if (yy < 0 || yy >= h) continue;
        const float wgt = q < 2 ? kSpatterHV : (q < 6 ? kSpatterDiag : kSpatterLong);
        const float* r = dist + static_cast<int64_t>(yy) * w + dx;
        const int xa = dx < 0 ? -dx : 0, xb = dx > 0 ? w - dx : w;
        for (int x = xa; x < xb; ++x) {
          const float v = r[x] + wgt;
          cand[x] = v < cand[x] ? v : cand[x];
        }
      }
      for (int x = 1; x < w; ++x) {
        const float v = cand[x - 1] + kSpatterHV;
        if (v < cand[x]) cand[x] = v;
      }
      for (int x = w - 2; x >= 0; --x) {
        const float v = cand[x + 1] + kSpatterHV;
        if (v < cand[x]) cand[x] = v;
      }
      int64_t c = 0;
      for (int x = 0; x < w; ++x) {
        c += cand[x] < d[x];
        d[x] = cand[x];
      }
      changed += c;
    }
    if (changed == 0) break;
  }
}

// 3 x 3 box sum (reflect 101) of src into dst; every partial sum is an exact integer in float.
RFY_OP void weather_cpu_box3(const float* src, int h, int w, float* dst, float* rowbuf) {
  for (int y = 0; y < h; ++y) {
    const float* a = src + static_cast<int64_t>(border_index(y - 1, h, kBorderReflect101)) * w;
    const float* b = src + static_cast<int64_t>(y) * w;
    const float* c = src + static_cast<int64_t>(border_index(y + 1, h, kBorderReflect101)) * w;
    for (int x = 0; x < w; ++x) rowbuf[x] = a[x] + b[x] + c[x];
    float* o = dst + static_cast<int64_t>(y) * w;
    for (int x = 1; x < w - 1; ++x) o[x] = rowbuf[x - 1] + rowbuf[x] + rowbuf[x + 1];
    for (int x : {0, w - 1}) {
      o[x] = rowbuf[border_index(x - 1, w, kBorderReflect101)] + rowbuf[x] +
             rowbuf[border_index(x + 1, w, kBorderReflect101)];
    }
  }
}
#endif

RFY_OP void op_spatter(const Sample& s) {
  const float mu = s.p[0], sd = s.p[1], sigma = s.p[2], thr = s.p[3], k = s.p[4];
  const bool mud = s.p[5] > 0.5f;
  const int h = s.h, w = s.w;
  const int64_t P = s.plane();
  float* layer = s.scratch;
  float* tmp = layer + P;
  float* mag = tmp + P;
  float* emap = mag + P;
  float* dist = emap + P;
  float* dist2 = dist + P;
  float* taps = dist2 + 2 * P + 512;

#if defined(__CUDACC__)
  RFY_PAR_FOR(i, P) layer[i] = mu + sd * normal(s.key, 0, static_cast<uint64_t>(i));
#else
  normal_fill(s.key, 0, 0, P, layer);
  for (int64_t i = 0; i < P; ++i) layer[i] = mu + sd * layer[i];
#endif
  const int r1 = gaussian_radius(sigma, 4.0f);
  if (RFY_LEADER()) gaussian_taps(sigma, r1, taps);
  RFY_BARRIER();
  separable_blur_plane(layer, layer, tmp, h, w, taps, r1, kBorderNearest);
  RFY_PAR_FOR(i, P) if (layer[i] < thr) layer[i] = 0.0f;
  RFY_BARRIER();

  if (mud) {
    RFY_PAR_FOR(i, P) dist[i] = layer[i] > thr ? 1.0f : 0.0f;
    const int r2 = gaussian_radius(k, 4.0f);
    if (RFY_LEADER()) gaussian_taps(k, r2, taps);
    RFY_BARRIER();
    separable_blur_plane(dist, dist, tmp, h, w, taps, r2, kBorderNearest);
    const float col[3] = {63.0f / 255.0f, 42.0f / 255.0f, 20.0f / 255.0f};
    const float grey = luma(col[0], col[1], col[2]);
    RFY_PAR_FOR(i, P) {
      float m = dist[i];
      if (m < 0.8f) m = 0.0f;
      for (int ch = 0; ch < s.c; ++ch) {
        float& v = s.img[ch * P + i];
        v = v * (1.0f - m) + m * (s.c == 1 ? grey : col[ch]);
      }
    }
    RFY_BARRIER();
    return;
  }

#if defined(__CUDA_ARCH__)
  // 8-bit layer, Sobel L1 magnitude
  float* u8 = tmp;
  RFY_PAR_FOR(i, P) u8[i] = static_cast<float>(to_u8(layer[i]));
  RFY_BARRIER();
  RFY_PAR_FOR(i, P) {
    int dx, dy;
    weather_sobel(u8, h, w, static_cast<int>(i / w), static_cast<int>(i % w), dx, dy);
    mag[i] = static_cast<float>((dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy));
  }
  RFY_BARRIER();
  RFY_PAR_FOR(i, P) emap[i] = weather_canny_class(u8, mag, h, w, static_cast<int>(i / w), static_cast<int>(i % w), 50.0f, 150.0f);
  RFY_BARRIER();
  // hysteresis: grow strong edges into 8-connected weak candidates until nothing changes
  for (int64_t pass = 0; pass < P + 1; ++pass) {
    double changed = 0;
    RFY_PAR_FOR(j, P) {
      const int64_t i = (pass & 1) ? P - 1 - j : j;
      if (emap[i] != 1.0f) continue;
      const int y = static_cast<int>(i / w), x = static_cast<int>(i % w);
      bool grow = false;
      for (int ddy = -1; ddy <= 1 && !grow; ++ddy)
        for (int ddx = -1; ddx <= 1; ++ddx) {
          const int yy = y + ddy, xx = x + ddx;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          if (emap[static_cast<int64_t>(yy) * w + xx] == 2.0f) {
            grow = true;
            break;
          }
        }
      if (grow) {
        emap[i] = 2.0f;
        changed += 1;
      }
    }
    RFY_BARRIER();
    if (par_sum(changed) == 0) break;
  }
  // chamfer 5x5 distance to the nearest edge pixel, capped at 20 (16.16 fixed point in floats: exact integers)
  RFY_PAR_FOR(i, P) dist[i] = emap[i] == 2.0f ? 0.0f : kSpatterCap;
  RFY_BARRIER();
  for (int64_t pass = 0; pass < P + 1; ++pass) {
    double changed = 0;
    RFY_PAR_FOR(j, P) {
      const int64_t i = (pass & 1) ? P - 1 - j : j;
      const int y = static_cast<int>(i / w), x = static_cast<int>(i % w);
      float best = dist[i];
      for (int q = 0; q < 16; ++q) {
        // the 16 offsets of the 5x5 chamfer mask: 4 x HV, 4 x diagonal, 8 x knight's move
        const int ddy = q < 4 ? (q == 0 ? -1 : (q == 1 ? 1 : 0)) : (q < 8 ? ((q & 1) ? 1 : -1) : ((q & 4) ? ((q & 1) ? 2 : -2) : ((q & 1) ? 1 : -1)));
        const int ddx = q < 4 ? (q == 2 ? -1 : (q == 3 ? 1 : 0)) : (q < 8 ? ((q & 2) ? 1 : -1) : ((q & 4) ? ((q & 2) ? 1 : -1) : ((q & 2) ? 2 : -2)));
        const float wgt = q < 4 ? kSpatterHV : (q < 8 ? kSpatterDiag : kSpatterLong);
        const int yy = y + ddy, xx = x + ddx;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        best = fminf(best, dist[static_cast<int64_t>(yy) * w + xx] + wgt);
      }
      if (best < dist[i]) {
        dist[i] = best;
        changed += 1;
      }
    }
    RFY_BARRIER();
    if (par_sum(changed) == 0) break;
  }
  // to float, 3x3 box blur (reflect 101), truncate to uint8
  RFY_PAR_FOR(i, P) {
    const int y = static_cast<int>(i / w), x = static_cast<int>(i % w);
    float acc = 0.0f;
    for (int ddy = -1; ddy <= 1; ++ddy) {
      const int yy = border_index(y + ddy, h, kBorderReflect101);
      for (int ddx = -1; ddx <= 1; ++ddx) {
        const int xx = border_index(x + ddx, w, kBorderReflect101);
        acc += dist[static_cast<int64_t>(yy) * w + xx] * (1.0f / 65536.0f);
      }
    }
    dist2[i] = floorf(acc * (1.0f / 9.0f));
  }
  RFY_BARRIER();
  // equalizeHist (values are 0..20)
  float lut[21];
  {
    double hist[21];
    for (int b = 0; b <= 20; ++b) {
      double cnt = 0;
      RFY_PAR_FOR(i, P) cnt += dist2[i] == static_cast<float>(b) ? 1.0 : 0.0;
      hist[b] = par_sum(cnt);
    }
    int first = 0;
    while (first < 20 && hist[first] == 0) ++first;
    const double total = static_cast<double>(P);
    if (hist[first] == total) {
      for (int b = 0; b <= 20; ++b) lut[b] = static_cast<float>(first);
    } else {
      const float scale = 255.0f / static_cast<float>(total - hist[first]);
      double sum = 0;
      for (int b = 0; b <= 20; ++b) {
        if (b <= first) {
          lut[b] = 0.0f;
          continue;
        }
        sum += hist[b];
        lut[b] = static_cast<float>(rintf(static_cast<float>(sum) * scale));
        if (lut[b] > 255.0f) lut[b] = 255.0f;
      }
    }
  }
  RFY_PAR_FOR(i, P) dist[i] = lut[static_cast<int>(dist2[i])];
  RFY_BARRIER();
#else
  // 8-bit layer, Sobel L1 magnitude, NMS, hysteresis, chamfer distance, 3x3 box blur to uint8
  float* u8 = tmp;
  RFY_PAR_FOR(i, P) u8[i] = static_cast<float>(to_u8(layer[i]));
  float* spare = dist2 + P;
  weather_cpu_sobel(u8, h, w, mag, dist, dist2);
  for (int x = 0; x < w; ++x) spare[x] = 0.0f;
  weather_cpu_canny(mag, dist, dist2, h, w, 50.0f, 150.0f, spare, emap);
  weather_cpu_hysteresis(emap, h, w, reinterpret_cast<int32_t*>(spare));
  RFY_PAR_FOR(i, P) dist[i] = emap[i] == 2.0f ? 0.0f : kSpatterCap;
  weather_cpu_chamfer(dist, h, w, spare);
  weather_cpu_box3(dist, h, w, dist2, spare);
  RFY_PAR_FOR(i, P) dist2[i] = floorf(dist2[i] * (1.0f / 65536.0f) * (1.0f / 9.0f));
  // equalizeHist (values are 0..20)
  float lut[21];
  {
    int64_t counts[21] = {0};
    for (int64_t i = 0; i < P; ++i) ++counts[static_cast<int>(dist2[i])];
    double hist[21];
    for (int b = 0; b <= 20; ++b) hist[b] = static_cast<double>(counts[b]);
    int first = 0;
    while (first < 20 && hist[first] == 0) ++first;
    const double total = static_cast<double>(P);
    if (hist[first] == total) {
      for (int b = 0; b <= 20; ++b) lut[b] = static_cast<float>(first);
    } else {
      const float scale = 255.0f / static_cast<float>(total - hist[first]);
      double sum = 0;
      for (int b = 0; b <= 20; ++b) {
        if (b <= first) {
          lut[b] = 0.0f;
          continue;
        }
        sum += hist[b];
        lut[b] = static_cast<float>(rintf(static_cast<float>(sum) * scale));
        if (lut[b] > 255.0f) lut[b] = 255.0f;
      }
    }
  }
  RFY_PAR_FOR(i, P) dist[i] = lut[static_cast<int>(dist2[i])];
  RFY_BARRIER();
#endif
#if defined(__CUDA_ARCH__)
  // emboss (filter2D to uint8, reflect 101, saturating)
  {
    const float ker[9] = {-2, -1, 0, -1, 1, 1, 0, 1, 2};
    filter2d_plane(dist, dist2, h, w, ker, 3, 3, kBorderReflect101);
  }
  RFY_PAR_FOR(i, P) dist2[i] = fminf(255.0f, fmaxf(0.0f, dist2[i]));
  RFY_BARRIER();
  // 3x3 box blur on uint8 (rounded), m = layer_u8 * dist
  float mmax = 0.0f;
  RFY_PAR_FOR(i, P) {
    const int y = static_cast<int>(i / w), x = static_cast<int>(i % w);
    int acc = 0;
    for (int ddy = -1; ddy <= 1; ++ddy) {
      const int yy = border_index(y + ddy, h, kBorderReflect101);
      for (int ddx = -1; ddx <= 1; ++ddx)
        acc += static_cast<int>(dist2[static_cast<int64_t>(yy) * w + border_index(x + ddx, w, kBorderReflect101)]);
    }
    const float d = floorf(acc / 9.0f + 0.5f);
    const float m = u8[i] * d;
    dist[i] = m;
    mmax = fmaxf(mmax, m);
  }
#else
  // emboss (filter2D to uint8, reflect 101, saturating): integer sums, exact in any order
  for (int y = 0; y < h; ++y) {
    const float* ra = dist + static_cast<int64_t>(border_index(y - 1, h, kBorderReflect101)) * w;
    const float* rb = dist + static_cast<int64_t>(y) * w;
    const float* rc = dist + static_cast<int64_t>(border_index(y + 1, h, kBorderReflect101)) * w;
    float* o = dist2 + static_cast<int64_t>(y) * w;
    auto one = [&](int x, int xm, int xp) {
      const float v = 0.0f + (-2.0f * ra[xm] - ra[x]) + (rb[x] - rb[xm] + rb[xp]) + (rc[x] + 2.0f * rc[xp]);
      o[x] = v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
    };
    for (int x = 1; x < w - 1; ++x) one(x, x - 1, x + 1);
    for (int x : {0, w - 1}) one(x, border_index(x - 1, w, kBorderReflect101), border_index(x + 1, w, kBorderReflect101));
  }
  // 3x3 box blur on uint8 (rounded), m = layer_u8 * dist
  weather_cpu_box3(dist2, h, w, dist, spare);
  float mmax = 0.0f;
  for (int64_t i = 0; i < P; ++i) {
    const float m = u8[i] * floorf(dist[i] / 9.0f + 0.5f);
    dist[i] = m;
    mmax = m > mmax ? m : mmax;
  }
#endif
  mmax = par_max(mmax);
  const float col[3] = {175.0f / 255.0f, 238.0f / 255.0f, 238.0f / 255.0f};
  const float grey = luma(col[0], col[1], col[2]);
  RFY_PAR_FOR(i, P) {
    const float m = mmax > 0.0f ? dist[i] / mmax * k : 0.0f;
    for (int ch = 0; ch < s.c; ++ch) s.img[ch * P + i] += m * (s.c == 1 ? grey : col[ch]);
  }
  RFY_BARRIER();
}

}  // namespace rfy::corrupt
