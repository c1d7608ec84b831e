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

// The plasma fractal into map[n * n], rescaled to [0, 1]. All threads call it.
RFY_OP void weather_plasma(const RngKey& key, float* map, int n, float decay) {
  if (RFY_LEADER()) map[0] = 0.0f;
  RFY_BARRIER();
  float wibble = 100.0f;
  for (int step = n; step >= 2; step /= 2) {
    const int half = step / 2, cells = n / step;
    const int64_t cc = static_cast<int64_t>(cells) * cells;
    // squares: centre of each square = mean of its 4 corners + noise
    RFY_PAR_FOR(i, cc) {
      const int y0 = static_cast<int>(i / cells) * step, x0 = static_cast<int>(i % cells) * step;
      const int y1 = (y0 + step) % n, x1 = (x0 + step) % n;
      const float sum = (map[y0 * n + x0] + map[y1 * n + x0]) + (map[y0 * n + x1] + map[y1 * n + x1]);
      const int64_t at = static_cast<int64_t>(y0 + half) * n + (x0 + half);
      map[at] = sum / 4.0f + wibble * (wibble * (2.0f * uniform(key, 0, static_cast<uint64_t>(at)) - 1.0f));
    }
    RFY_BARRIER();
    // diamonds: the edge midpoints = mean of their 4 neighbours at distance half (wrap-around) + noise
    RFY_PAR_FOR(i, 2 * cc) {
      const int set = static_cast<int>(i / cc);
      const int64_t j = i % cc;
      const int cy = static_cast<int>(j / cells), cx = static_cast<int>(j % cells);
      const int y = set == 0 ? cy * step : cy * step + half;
      const int x = set == 0 ? cx * step + half : cx * step;
      const int yu = (y - half + n) % n, yd = (y + half) % n, xl = (x - half + n) % n, xr = (x + half) % n;
      float sum;
      if (set == 0)  // (down + up) + (left + right), NumPy's order
        sum = (map[yd * n + x] + map[yu * n + x]) + (map[y * n + xl] + map[y * n + xr]);
      else  // (right + left) + (up + down)
        sum = (map[y * n + xr] + map[y * n + xl]) + (map[yu * n + x] + map[yd * n + x]);
      const int64_t at = static_cast<int64_t>(y) * n + x;
      map[at] = sum / 4.0f + wibble * (wibble * (2.0f * uniform(key, 0, static_cast<uint64_t>(at)) - 1.0f));
    }
    RFY_BARRIER();
    wibble /= decay;
  }
  const int64_t nn = static_cast<int64_t>(n) * n;
  float lo = 3.0e38f;
  RFY_PAR_FOR(i, nn) lo = fminf(lo, map[i]);
  lo = par_min(lo);
  float hi = -3.0e38f;
  RFY_PAR_FOR(i, nn) hi = fmaxf(hi, map[i] - lo);
  hi = par_max(hi);
  RFY_PAR_FOR(i, nn) map[i] = hi > 0.0f ? (map[i] - lo) / hi : 0.0f;
  RFY_BARRIER();
}

RFY_OP void op_fog(const Sample& s) {
  const float t = s.p[0];
  const int n = weather_fog_mapsize(s.h, s.w, s.p[2]);
  float* map = s.scratch;
  weather_plasma(s.key, map, n, s.p[1]);
  float m = -3.0e38f;
  RFY_PAR_FOR(i, s.size()) m = fmaxf(m, s.img[i]);
  m = par_max(m);
  const float scale = m / (m + t);
  const int64_t hw = s.plane();
  RFY_PAR_FOR(i, s.size()) {
    const int64_t r = i % hw;
    const int y = static_cast<int>(r / s.w), x = static_cast<int>(r % s.w);
    s.img[i] = (s.img[i] + t * map[static_cast<int64_t>(y) * n + x]) * scale;
  }
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

// Grey level of the procedural texture at pixel (y, x), from the tables in scratch.
RFY_OP float weather_frost_grey(const float* table, const WeatherFrostOctaves& oct, int dendrites, int y, int x) {
  // film: fbm value noise
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
  const float film = 0.62f + 0.24f * (norm > 0.0f ? fbm / norm * 1.6f : 0.0f);
  // crystals
  const float px = x + 0.5f, py = y + 0.5f;
  float crystal = 0.0f;
  for (int d = 0; d < dendrites; ++d) {
    const float* dd = table + static_cast<int64_t>(d) * kFrostDendriteFloats;
    if (px < dd[0] || px > dd[2] || py < dd[1] || py > dd[3]) continue;
    for (int k = 0; k < kFrostSegs; ++k) {
      const float* sg = dd + 4 + 6 * k;
      const float ex = sg[2] - sg[0], ey = sg[3] - sg[1];
      const float ll = ex * ex + ey * ey;
      float t = ll > 0.0f ? ((px - sg[0]) * ex + (py - sg[1]) * ey) / ll : 0.0f;
      t = fminf(1.0f, fmaxf(0.0f, t));
      const float qx = sg[0] + t * ex - px, qy = sg[1] + t * ey - py;
      const float dist = sqrtf(qx * qx + qy * qy);
      const float hw = sg[4], reach = 3.0f * hw + 1.0f;
      if (dist >= reach) continue;
      const float cover = fminf(1.0f, fmaxf(0.0f, hw + 0.5f - dist));
      const float g = 1.0f - dist / reach;
      crystal = fmaxf(crystal, sg[5] * fmaxf(cover, 0.3f * g * g));
    }
  }
  const float f = fminf(1.0f, fmaxf(0.0f, film));
  return f + (1.0f - f) * crystal;
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
    RFY_PAR_FOR(i, hw) {
      const int y = static_cast<int>(i / s.w), x = static_cast<int>(i % s.w);
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
  RFY_PAR_FOR(d, dendrites) weather_frost_make_dendrite(s.key, s.h, s.w, static_cast<int>(d), table + d * kFrostDendriteFloats);
  {
    float* lat = table + static_cast<int64_t>(dendrites) * kFrostDendriteFloats;
    for (int o = 0; o < kFrostOctaves; ++o) {
      int gy, gx;
      const int64_t count = weather_frost_lattice(s.h, s.w, o, gy, gx);
      RFY_PAR_FOR(i, count) lat[i] = 2.0f * uniform(s.key, 2 + o, static_cast<uint64_t>(i)) - 1.0f;
      lat += count;
    }
  }
  RFY_BARRIER();
  const WeatherFrostOctaves oct = weather_frost_octaves(s.h, s.w, dendrites);
  RFY_PAR_FOR(i, hw) {
    const int y = static_cast<int>(i / s.w), x = static_cast<int>(i % s.w);
    float rgb[3];
    weather_frost_tint(weather_frost_grey(table, oct, dendrites, y, x), rgb);
    if (s.c == 1) {
      s.img[i] = a * s.img[i] + b * luma(rgb[0], rgb[1], rgb[2]);
    } else {
      for (int ch = 0; ch < 3; ++ch) s.img[ch * hw + i] = a * s.img[ch * hw + i] + b * rgb[ch];
    }
  }
  RFY_BARRIER();
}
inline int64_t op_frost_scratch(int c, int h, int w, const float* p) {
  return weather_frost_table_floats(h, w) + static_cast<int64_t>(h) * w;
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

  RFY_PAR_FOR(i, P) layer[i] = mu + sd * normal(s.key, 0, static_cast<uint64_t>(i));
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
