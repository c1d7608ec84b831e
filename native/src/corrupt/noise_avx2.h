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

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // as in philox_avx2.h
// The sixteen-lane (AVX-512) gaussian, speckle and impulse noise: the same draws and arithmetic as above and as
// ops/noise.inl. The ragged tail is one more masked step (the unused lanes' draws are discarded), not scalar code:
// at 28 x 28 the scalar tail of the eight-lane loop was a tenth of the time.
template <bool kSpeckle>
RFY_AVX512 __m512 avx512_noise_update(__m512 x, __m512 c, __m512 z) {
  return kSpeckle ? _mm512_add_ps(x, _mm512_mul_ps(x, _mm512_mul_ps(c, z))) : _mm512_add_ps(x, _mm512_mul_ps(c, z));
}

// Values v0 .. v0 + 31 (those below n) from the 16 pairs of r: lane l's cosine branch to value v0 + 2l, sine to
// v0 + 2l + 1.
template <bool kSpeckle>
RFY_AVX512 void avx512_noise_pairs_step(const Philox16& r, __m512 c, float* img, int64_t v0, int64_t n) {
  const __m512i lo_idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi_idx = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  __m512 a, b;
  avx512_normal_pairs(r, a, b);
  const __m512 z0 = _mm512_permutex2var_ps(a, lo_idx, b), z1 = _mm512_permutex2var_ps(a, hi_idx, b);
  float* p = img + v0;
  if (v0 + 32 <= n) {
    _mm512_storeu_ps(p, avx512_noise_update<kSpeckle>(_mm512_loadu_ps(p), c, z0));
    _mm512_storeu_ps(p + 16, avx512_noise_update<kSpeckle>(_mm512_loadu_ps(p + 16), c, z1));
    return;
  }
  const int64_t left = n - v0;
  const __mmask16 m0 = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
  const __mmask16 m1 = left >= 32 ? __mmask16(0xFFFF) : left <= 16 ? __mmask16(0) : __mmask16((1u << (left - 16)) - 1);
  _mm512_mask_storeu_ps(p, m0, avx512_noise_update<kSpeckle>(_mm512_maskz_loadu_ps(m0, p), c, z0));
  _mm512_mask_storeu_ps(p + 16, m1, avx512_noise_update<kSpeckle>(_mm512_maskz_loadu_ps(m1, p + 16), c, z1));
}

template <bool kSpeckle>
__attribute__((RFY_AVX512_TARGET, noinline)) void avx512_noise_normal_pairs(const Sample& s) {
  const int64_t n = s.size(), pairs = (n + 1) / 2;  // an odd n's last value takes the cosine branch of its pair
  const __m512 c = _mm512_set1_ps(s.p[0]);
  int64_t j = 0;
  for (; j + 32 <= pairs; j += 32) {
    Philox16 r[2];
    philox16<2>(s.key, 0, static_cast<uint64_t>(j), r);
    avx512_noise_pairs_step<kSpeckle>(r[0], c, s.img, 2 * j, n);
    avx512_noise_pairs_step<kSpeckle>(r[1], c, s.img, 2 * j + 32, n);
  }
  for (; j < pairs; j += 16) {
    Philox16 r[1];
    philox16<1>(s.key, 0, static_cast<uint64_t>(j), r);
    avx512_noise_pairs_step<kSpeckle>(r[0], c, s.img, 2 * j, n);
  }
}

// Values v0 .. v0 + 15 (those below n) of impulse noise from the sixteen blocks of r.
RFY_AVX512 void avx512_impulse_step(const Philox16& r, __m512 c, float* img, int64_t v0, int64_t n) {
  const __mmask16 inside = v0 + 16 <= n ? __mmask16(0xFFFF) : __mmask16((1u << (n - v0)) - 1);
  const __mmask16 flip = _mm512_cmp_ps_mask(avx512_uniform(r.w[0]), c, _CMP_LT_OQ) & inside;
  const __mmask16 salt = _mm512_cmp_ps_mask(avx512_uniform(r.w[1]), _mm512_set1_ps(0.5f), _CMP_LT_OQ);
  _mm512_mask_storeu_ps(img + v0, flip, _mm512_maskz_mov_ps(salt, _mm512_set1_ps(1.0f)));
}

__attribute__((RFY_AVX512_TARGET, noinline)) void avx512_impulse_noise(const Sample& s) {
  const int64_t n = s.size();
  const __m512 c = _mm512_set1_ps(s.p[0]);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    Philox16 r[2];
    philox16<2>(s.key, 0, static_cast<uint64_t>(i), r);
    avx512_impulse_step(r[0], c, s.img, i, n);
    avx512_impulse_step(r[1], c, s.img, i + 16, n);
  }
  for (; i < n; i += 16) {
    Philox16 r[1];
    philox16<1>(s.key, 0, static_cast<uint64_t>(i), r);
    avx512_impulse_step(r[0], c, s.img, i, n);
  }
}

#pragma GCC diagnostic pop

// The AVX-512 version of the sample's corruption, when there is one: returns false (and does nothing) otherwise.
// Only for indices below 2^32 (philox16's limit).
inline bool avx512_noise_op(const Sample& s) {
  if (static_cast<uint64_t>(s.size()) + 64 > (uint64_t{1} << 32)) return false;
  switch (s.corruption) {
    case RFY_CORRUPT_GAUSSIAN_NOISE: avx512_noise_normal_pairs<false>(s); return true;
    case RFY_CORRUPT_SPECKLE_NOISE: avx512_noise_normal_pairs<true>(s); return true;
    case RFY_CORRUPT_IMPULSE_NOISE: avx512_impulse_noise(s); return true;
    default: return false;
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
