// Optimised ops: gaussian_noise shot_noise impulse_noise speckle_noise. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
//
// Sizes: the noise corruptions are per value and have no size-dependent parameter; any H x W works unchanged.
// 1-channel images: noise is drawn per channel value, as for RGB.
// Randomness: stream 0 of the sample's key; value i of the planar [c][h][w] image (i = (ch * H + y) * W + x) uses
// index i (impulse), the Box-Muller pair of index i / 2 (gaussian, speckle: cosine branch for even i, sine for odd), or the counter block [i * kNoisePoissonDraws, (i + 1) * kNoisePoissonDraws)
// (shot noise: the Poisson sampler takes successive indices of it until it accepts).
// On AVX2 CPUs the fast CPU path runs these four ops from corrupt/noise_avx2.h instead (the same draws and
// arithmetic, bit-identical; test_corrupt_noise_color checks it): keep the two in step.
#pragma once

namespace rfy::corrupt {

// Counter indices reserved per value for the Poisson sampler (2 PTRS trials per index; the chance that 2 * 32
// trials all reject is below 1e-50, after which the sampler falls back to the rounded mean).
constexpr int kNoisePoissonDraws = 32;
// Below this mean: inversion by sequential search (one uniform); at or above: Hormann's PTRS.
constexpr double kNoisePoissonInversionMax = 10.0;

// log(k!) = lgamma(k + 1) for integer k >= 0: Stirling's series (as NumPy's random_loggam), shifted up to k >= 7.
RFY_OP double noise_log_factorial(double k) {
  const double a[10] = {8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04,
                        -5.952380952380952e-04, 8.417508417508418e-04, -1.917526917526918e-03,
                        6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01,
                        -1.39243221690590e+00};
  double x = k + 1.0;
  if (x == 1.0 || x == 2.0) return 0.0;
  int shift = 0;
  if (x < 7.0) {
    shift = static_cast<int>(7.0 - x);
    x += shift;
  }
  const double x2 = 1.0 / (x * x);
  double gl0 = a[9];
  for (int j = 8; j >= 0; --j) gl0 = gl0 * x2 + a[j];
  double gl = gl0 / x + 0.9189385332046727418 + (x - 0.5) * log(x) - x;  // 0.5 * log(2 pi)
  for (int j = 0; j < shift; ++j) {
    x -= 1.0;
    gl -= log(x);
  }
  return gl;
}

// Poisson(lambda) for value `i`: a pure function of (key, i).
RFY_OP float noise_poisson(const RngKey& key, uint64_t i, float lambda_f) {
  const double lambda = lambda_f;
  const uint64_t base = i * kNoisePoissonDraws;
  if (!(lambda > 0.0)) return 0.0f;
  if (lambda < kNoisePoissonInversionMax) {
    // Inversion: the smallest k with F(k) > u.
    const double u = to_uniform(random_bits(key, 0, base).v[0]);
    double p = exp(-lambda), cdf = p;
    int k = 0;
    while (u >= cdf && k < 200) {
      ++k;
      p *= lambda / k;
      cdf += p;
    }
    return static_cast<float>(k);
  }
  // PTRS: transformed rejection with squeeze (W. Hormann, "The transformed rejection method for generating Poisson
  // random variables", 1993), two trials per counter index (words 0, 1 and 2, 3).
  const double slam = sqrt(lambda), loglam = log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double log_inv_alpha = log(1.1239 + 1.1328 / (b - 3.4));
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (int d = 0; d < kNoisePoissonDraws; ++d) {
    const U32x4 r = random_bits(key, 0, base + d);
    for (int t = 0; t < 2; ++t) {
      const double u = static_cast<double>(to_uniform_open(r.v[2 * t])) - 0.5;
      const double v = to_uniform_open(r.v[2 * t + 1]);
      const double us = 0.5 - fabs(u);
      const double kd = floor((2.0 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return static_cast<float>(kd);
      if (kd < 0.0 || (us < 0.013 && v > us)) continue;
      if (log(v) + log_inv_alpha - log(a / (us * us) + b) <= -lambda + kd * loglam - noise_log_factorial(kd))
        return static_cast<float>(kd);
    }
  }
  return floorf(lambda_f + 0.5f);
}

// Value i takes Box-Muller pair i / 2 of stream 0: the cosine branch for even i, the sine branch for odd i (one
// Philox draw per two values). op(x, n) is the per-value update.
template <typename Op>
RFY_OP void noise_normal_pairs(const Sample& s, Op op) {
  const int64_t n = s.size(), pairs = n / 2;
  float* img = s.img;
  RFY_PAR_FOR(j, pairs) {
    float a, b;
    normal_pair_from(random_bits(s.key, 0, static_cast<uint64_t>(j)), a, b);
    img[2 * j] = op(img[2 * j], a);
    img[2 * j + 1] = op(img[2 * j + 1], b);
  }
  if ((n & 1) && RFY_LEADER()) {
    float a, b;
    normal_pair_from(random_bits(s.key, 0, static_cast<uint64_t>(pairs)), a, b);
    img[n - 1] = op(img[n - 1], a);
  }
  RFY_BARRIER();
}

// x + N(0, c^2).
RFY_OP void op_gaussian_noise(const Sample& s) {
  const float c = s.p[0];
  noise_normal_pairs(s, [c](float x, float z) { return x + c * z; });
}
inline int64_t op_gaussian_noise_scratch(int, int, int, const float*) { return 0; }

// Poisson(x * c) / c.
RFY_OP void op_shot_noise(const Sample& s) {
  const float c = s.p[0];
  RFY_PAR_FOR(i, s.size()) {
    const float x = clamp01(s.img[i]);
    s.img[i] = noise_poisson(s.key, static_cast<uint64_t>(i), x * c) / c;
  }
  RFY_BARRIER();
}
inline int64_t op_shot_noise_scratch(int, int, int, const float*) { return 0; }

// skimage random_noise(mode='s&p', amount=c, salt_vs_pepper=0.5): each value flips with probability c (word 0),
// to 1 (salt) or 0 (pepper) with probability 1/2 each (word 1).
RFY_OP void op_impulse_noise(const Sample& s) {
  const float c = s.p[0];
  RFY_PAR_FOR(i, s.size()) {
    const U32x4 r = random_bits(s.key, 0, static_cast<uint64_t>(i));
    if (to_uniform(r.v[0]) < c) s.img[i] = to_uniform(r.v[1]) < 0.5f ? 1.0f : 0.0f;
  }
  RFY_BARRIER();
}
inline int64_t op_impulse_noise_scratch(int, int, int, const float*) { return 0; }

// x + x * N(0, c^2).
RFY_OP void op_speckle_noise(const Sample& s) {
  const float c = s.p[0];
  noise_normal_pairs(s, [c](float x, float z) { return x + x * (c * z); });
}
inline int64_t op_speckle_noise_scratch(int, int, int, const float*) { return 0; }

}  // namespace rfy::corrupt
