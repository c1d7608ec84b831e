// The per-value noise corruptions (gaussian, speckle, impulse, shot) of ops/noise.inl, written with philox_avx2.h for
// the fast CPU path on AVX2 CPUs: eight counter blocks per step, bit-identical to the shared ops (same draws, same
// float operations in the same order); the ragged tail goes through the shared scalar code. CPU only.
#pragma once

#include "corrupt/ops/ops.inl"
#include "corrupt/philox_avx2.h"
#include "corrupt/poisson_cache.h"

namespace rfy::corrupt {

// noise_normal_pairs on eight lanes: value 2j gets pair j's cosine branch z, 2j + 1 its sine branch; the update
// is x + c z (gaussian) or x + x (c z) (speckle). (Templates, not lambdas: a lambda would not inherit the
// function's AVX2 target.)
template <bool kSpeckle>
RFY_AVX2 __m256 avx2_noise_update(__m256 x, __m256 c, __m256 z) {
  return kSpeckle ? _mm256_add_ps(x, _mm256_mul_ps(x, _mm256_mul_ps(c, z))) : _mm256_add_ps(x, _mm256_mul_ps(c, z));
}
template <bool kSpeckle>
RFY_AVX2 float avx2_noise_update(float x, float c, float z) {
  return kSpeckle ? x + x * (c * z) : x + c * z;
}

template <bool kSpeckle>
RFY_AVX2 void avx2_noise_normal_pairs(const Sample& s) {
  const int64_t n = s.size(), pairs = n / 2;
  const float c = s.p[0];
  const __m256 cv = _mm256_set1_ps(c);
  float* img = s.img;
  int64_t j = 0;
  if (static_cast<uint64_t>(pairs) + 16 <= (uint64_t{1} << 32)) {
    for (; j + 16 <= pairs; j += 16) {
      Philox8 r[2];
      philox8<2>(s.key, 0, static_cast<uint64_t>(j), r);
      for (int k = 0; k < 2; ++k) {
        __m256 a, b;
        avx2_normal_pairs(r[k], a, b);
        // Interleave (a0 b0 a1 b1 ...): values 2 (j + 8k) .. 2 (j + 8k) + 15.
        const __m256 lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
        const __m256 z0 = _mm256_permute2f128_ps(lo, hi, 0x20), z1 = _mm256_permute2f128_ps(lo, hi, 0x31);
        float* p = img + 2 * (j + 8 * k);
        _mm256_storeu_ps(p, avx2_noise_update<kSpeckle>(_mm256_loadu_ps(p), cv, z0));
        _mm256_storeu_ps(p + 8, avx2_noise_update<kSpeckle>(_mm256_loadu_ps(p + 8), cv, z1));
      }
    }
  }
  for (; j < pairs; ++j) {
    float a, b;
    normal_pair_from(random_bits(s.key, 0, static_cast<uint64_t>(j)), a, b);
    img[2 * j] = avx2_noise_update<kSpeckle>(img[2 * j], c, a);
    img[2 * j + 1] = avx2_noise_update<kSpeckle>(img[2 * j + 1], c, b);
  }
  if (n & 1) {
    float a, b;
    normal_pair_from(random_bits(s.key, 0, static_cast<uint64_t>(pairs)), a, b);
    img[n - 1] = avx2_noise_update<kSpeckle>(img[n - 1], c, a);
  }
}

// op_impulse_noise: value i flips when to_uniform(word 0) < c, to 1 when to_uniform(word 1) < 0.5, else to 0.
RFY_AVX2 void avx2_impulse_noise(const Sample& s) {
  const int64_t n = s.size();
  const __m256 c = _mm256_set1_ps(s.p[0]), half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
  int64_t i = 0;
  if (static_cast<uint64_t>(n) + 16 <= (uint64_t{1} << 32)) {
    for (; i + 16 <= n; i += 16) {
      Philox8 r[2];
      philox8<2>(s.key, 0, static_cast<uint64_t>(i), r);
      for (int k = 0; k < 2; ++k) {
        const __m256 flip = _mm256_cmp_ps(avx2_uniform(r[k].w[0]), c, _CMP_LT_OQ);
        const __m256 salt = _mm256_and_ps(_mm256_cmp_ps(avx2_uniform(r[k].w[1]), half, _CMP_LT_OQ), one);
        float* p = s.img + i + 8 * k;
        _mm256_storeu_ps(p, _mm256_blendv_ps(_mm256_loadu_ps(p), salt, flip));
      }
    }
  }
  const float cf = s.p[0];
  for (; i < n; ++i) {
    const U32x4 r = random_bits(s.key, 0, static_cast<uint64_t>(i));
    if (to_uniform(r.v[0]) < cf) s.img[i] = to_uniform(r.v[1]) < 0.5f ? 1.0f : 0.0f;
  }
}

// op_shot_noise: Poisson(x c) / c with value i's draws in counter block [32 i, 32 i + 32). Draw 0 of sixteen
// values at a time comes from philox8; the sampler runs per value through the thread's PoissonCache.
RFY_AVX2 void avx2_shot_noise(const Sample& s) {
  static thread_local PoissonCache cache;
  const float c = s.p[0];
  const int64_t n = s.size();
  int64_t i = 0;
  if ((static_cast<uint64_t>(n) + 16) * kNoisePoissonDraws <= (uint64_t{1} << 32)) {
    alignas(32) uint32_t w[4][16];
    for (; i + 16 <= n; i += 16) {
      Philox8 r[2];
      philox8<2>(s.key, 0, static_cast<uint64_t>(i) * kNoisePoissonDraws, r, kNoisePoissonDraws);
      for (int k = 0; k < 2; ++k)
        for (int j = 0; j < 4; ++j) _mm256_store_si256(reinterpret_cast<__m256i*>(w[j] + 8 * k), r[k].w[j]);
      for (int l = 0; l < 16; ++l) {
        const U32x4 first{{w[0][l], w[1][l], w[2][l], w[3][l]}};
        const float x = clamp01(s.img[i + l]);
        s.img[i + l] = poisson_cached(cache, s.key, static_cast<uint64_t>(i + l), first, x * c) / c;
      }
    }
  }
  for (; i < n; ++i) {
    const float x = clamp01(s.img[i]);
    const U32x4 first = random_bits(s.key, 0, static_cast<uint64_t>(i) * kNoisePoissonDraws);
    s.img[i] = poisson_cached(cache, s.key, static_cast<uint64_t>(i), first, x * c) / c;
  }
}

// The AVX2 version of the sample's corruption, when there is one: returns false (and does nothing) otherwise.
RFY_AVX2 bool avx2_noise_op(const Sample& s) {
  switch (s.corruption) {
    case RFY_CORRUPT_GAUSSIAN_NOISE: avx2_noise_normal_pairs<false>(s); return true;
    case RFY_CORRUPT_SPECKLE_NOISE: avx2_noise_normal_pairs<true>(s); return true;
    case RFY_CORRUPT_IMPULSE_NOISE: avx2_impulse_noise(s); return true;
    case RFY_CORRUPT_SHOT_NOISE: avx2_shot_noise(s); return true;
    default: return false;
  }
}

inline bool has_avx2_noise_op(int corruption) {
  return corruption == RFY_CORRUPT_GAUSSIAN_NOISE || corruption == RFY_CORRUPT_SPECKLE_NOISE ||
         corruption == RFY_CORRUPT_IMPULSE_NOISE || corruption == RFY_CORRUPT_SHOT_NOISE;
}

}  // namespace rfy::corrupt
