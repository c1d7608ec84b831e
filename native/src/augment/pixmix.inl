// PixMix on one sample, one source for the fast CPU path and CUDA (see corrupt/parallel.h). The augment ops come
// from ops.inl; procedural mixing pictures from the corruption engine's plasma fractal (fog's generator).
#pragma once

#include <cstdint>

#include "augment/ops.inl"
#include "corrupt/fast_math.h"
#include "corrupt/sample.h"
// Only the op files: corrupt/ops/ops.inl also defines the corruption dispatcher, a non-inline device function that
// must exist once per CUDA library (cuda/corrupt.cu).
#include "corrupt/ops/filters.inl"
#include "corrupt/ops/weather.inl"

namespace rfy::augment {

// Side of the square plasma map covering an H x W image (a power of two).
RFY_HD int plasma_side(int h, int w) {
  const int need = h > w ? h : w;
  int n = 1;
  while (n < need) n <<= 1;
  return n;
}
// PixMix's per-sample floats: the AugMix planes, then the plasma map.
RFY_HD int64_t pixmix_sample_floats(int c, int h, int w) {
  const int64_t n = plasma_side(h, w);
  return sample_floats(c, h, w) + (n * n + 63) / 64 * 64;
}

// e^x for x in [-87, 88] (clamped outside), Cephes-style: straight-line float arithmetic, the same on CPU and GPU.
RFY_HD float fm_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = floorf(x * 1.44269504088896341f + 0.5f);
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.0f;
  return e * corrupt::fm_bits_to_float((static_cast<int32_t>(n) + 127) << 23);
}

// base^e for base >= 0 (0^e = 0: every exponent PixMix raises a zero base to is positive).
RFY_HD float fm_pow(float base, float e) { return base > 0.0f ? fm_exp(e * corrupt::fm_log(base)) : 0.0f; }

// PixMix's add and multiply of x (the mix so far) and y (the partner), clipped to [0, 1].
RFY_HD float pixmix_combine(float x, float y, int multiply, float a, float b) {
  float out;
  if (multiply) {
    const float y2 = 2.0f * y;
    out = fm_pow(2.0f * x, a) * fm_pow(y2 > 1e-37f ? y2 : 1e-37f, b) / 2.0f;
  } else {
    out = (a * (2.0f * x - 1.0f) + b * (2.0f * y - 1.0f) + 1.0f) / 2.0f;
  }
  return out > 0.0f ? (out < 1.0f ? out : 1.0f) : 0.0f;  // NaN -> 0
}

// The plasma key of one channel of one sample and view: a counter space of its own (corruption slot 64 + channel,
// which no corruption uses), so pictures are independent of every corruption's draws.
RFY_OP corrupt::RngKey picture_key(const PixMixTask& t, int channel) {
  const uint64_t sample = static_cast<uint64_t>(t.sample_id);
  return corrupt::RngKey{static_cast<uint32_t>(t.seed) ^ (t.view * 0x9E3779B9u),
                         static_cast<uint32_t>(t.seed >> 32) ^ 0x7F4A7C15u, static_cast<uint32_t>(sample),
                         static_cast<uint32_t>(sample >> 32), static_cast<uint32_t>(64 + channel), 0u};
}

// The sample's mixing picture into s.b, values k / 255.
RFY_OP void load_picture(const Planes& s, const PixMixTask& t, const Pictures& pics, float* map) {
  if (pics.data != nullptr) {
    const uint8_t* base = pics.data + t.picture * pics.stride[0];
    RFY_PAR_FOR_3D(i, ch, y, x, s.c, s.h, s.w)
    s.b[i] = static_cast<float>(base[y * pics.stride[1] + x * pics.stride[2] + ch * pics.stride[3]]) * (1.0f / 255.0f);
    RFY_BARRIER();
    return;
  }
  const int n = plasma_side(s.h, s.w);
  for (int ch = 0; ch < s.c; ++ch) {
    corrupt::weather_plasma(picture_key(t, ch), map, n, 2.0f);
    float* plane = s.b + ch * s.plane();
    RFY_PAR_FOR_2D(i, y, x, s.h, s.w) {
      plane[i] = static_cast<float>(static_cast<int>(map[static_cast<int64_t>(y) * n + x] * 255.0f + 0.5f)) *
                 (1.0f / 255.0f);
    }
    RFY_BARRIER();
  }
}

// PixMix on a loaded sample; the result is left in s.mix.
RFY_OP void pixmix_sample(const Planes& s, const PixMixTask& t, const Pictures& pics, float* map) {
  if (t.rounds > 0) load_picture(s, t, pics, map);
  if (t.augment_first) {
    apply_step(s, t.first, s.orig, s.a);
    RFY_PAR_FOR(i, s.size()) s.mix[i] = s.a[i] * (1.0f / 255.0f);
  } else {
    RFY_PAR_FOR(i, s.size()) s.mix[i] = s.orig[i] * (1.0f / 255.0f);
  }
  RFY_BARRIER();
  for (int r = 0; r < t.rounds; ++r) {
    const MixRound& m = t.round[r];
    if (!m.from_picture) apply_step(s, m.step, s.orig, s.a);
    const float* partner = m.from_picture ? s.b : s.a;
    const float scale = m.from_picture ? 1.0f : 1.0f / 255.0f;
    RFY_PAR_FOR(i, s.size()) s.mix[i] = pixmix_combine(s.mix[i], partner[i] * scale, m.multiply, m.a, m.b);
    RFY_BARRIER();
  }
}

}  // namespace rfy::augment
