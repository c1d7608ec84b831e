// Reference implementations: gaussian_noise shot_noise impulse_noise speckle_noise. See reference.h.
//
// As make_imagenet_c.py, with NumPy's global RNG replaced by the counter-based Philox draws the fast path uses
// (stream 0; value i of the planar [c][h][w] image uses index i (impulse), Box-Muller pair i / 2 (gaussian and
// speckle: cosine branch for even i, sine for odd), or for shot noise the successive indices
// i * 32, i * 32 + 1, ... until its Poisson sampler accepts).
#include <cmath>

#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {
namespace {

constexpr uint64_t kPoissonDraws = 32;  // counter indices reserved per value (as the fast path)

// Poisson(lambda) from the draws of value i: inversion by sequential search below lambda = 10 (one uniform),
// Hormann's PTRS transformed rejection (1993) above (two trials per counter index).
double poisson(const RngKey& key, uint64_t i, float lambda_f) {
  const double lambda = lambda_f;
  if (!(lambda > 0.0)) return 0.0;
  const uint64_t base = i * kPoissonDraws;
  if (lambda < 10.0) {
    const double u = to_uniform(random_bits(key, 0, base).v[0]);
    double p = std::exp(-lambda), cdf = p;
    int k = 0;
    while (u >= cdf && k < 200) {
      ++k;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }
  const double b = 0.931 + 2.53 * std::sqrt(lambda);
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (uint64_t d = 0; d < kPoissonDraws; ++d) {
    const U32x4 r = random_bits(key, 0, base + d);
    for (int t = 0; t < 2; ++t) {
      const double u = static_cast<double>(to_uniform_open(r.v[2 * t])) - 0.5;
      const double v = to_uniform_open(r.v[2 * t + 1]);
      const double us = 0.5 - std::fabs(u);
      const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;  // squeeze: accept without the density
      if (k < 0.0 || (us < 0.013 && v > us)) continue;
      const double log_pmf = -lambda + k * std::log(lambda) - std::lgamma(k + 1.0);
      if (std::log(v * inv_alpha / (a / (us * us) + b)) <= log_pmf) return k;
    }
  }
  return std::floor(lambda + 0.5);
}

}  // namespace

// N(0, 1) for value i: the Box-Muller pair of index i / 2, cosine branch for even i, sine branch for odd i.
float normal_of_value(const RngKey& key, uint64_t i) {
  float first, second;
  normal_pair_from(random_bits(key, 0, i / 2), first, second);
  return (i & 1) ? second : first;
}

void gaussian_noise(const Sample& s) {
  const float c = s.p[0];
  for (int64_t i = 0; i < s.size(); ++i) s.img[i] += c * normal_of_value(s.key, static_cast<uint64_t>(i));
}

void shot_noise(const Sample& s) {
  const float c = s.p[0];
  for (int64_t i = 0; i < s.size(); ++i) {
    const float x = clamp01(s.img[i]);
    s.img[i] = static_cast<float>(poisson(s.key, static_cast<uint64_t>(i), x * c) / c);
  }
}

void impulse_noise(const Sample& s) {
  const float amount = s.p[0];
  for (int64_t i = 0; i < s.size(); ++i) {
    const U32x4 r = random_bits(s.key, 0, static_cast<uint64_t>(i));
    const bool flipped = to_uniform(r.v[0]) < amount;
    const bool salted = to_uniform(r.v[1]) < 0.5f;
    if (flipped) s.img[i] = salted ? 1.0f : 0.0f;
  }
}

void speckle_noise(const Sample& s) {
  const float c = s.p[0];
  for (int64_t i = 0; i < s.size(); ++i) s.img[i] += s.img[i] * (c * normal_of_value(s.key, static_cast<uint64_t>(i)));
}

}  // namespace rfy::corrupt::reference
