// Philox-4x32-10 and the Box-Muller transform of philox.h / fast_math.h, eight counters at a time in AVX2
// registers, for the fast CPU path's per-value random corruptions. Every lane computes exactly what the scalar
// random_bits / normal_pair_from compute for its index (the same integer rounds; the same float operations in the
// same order, no FMA), so results are bit-identical to the scalar code, the reference path and (up to libm ulps)
// CUDA. GCC's auto-vectorisation of the scalar rounds widens each 32 x 32 -> 64 multiply to a full 64-bit
// multiply plus shuffles; _mm256_mul_epu32 does it in one instruction per four lanes.
// CPU only: functions here carry target("avx2") and may be called only after cpu_has_avx2().
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "core/simd.h"
#include "corrupt/philox.h"

#define RFY_AVX2 __attribute__((target("avx2"), always_inline)) inline

namespace rfy::corrupt {

struct Philox8 {
  __m256i w[4];  // word k of the eight blocks
};

// hi and lo 32 bits of a * m for each of the eight lanes.
RFY_AVX2 void avx2_mulhilo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// random_bits(key, stream, index0 + stride * lane) for lane = 0..8 * kSets - 1, as kSets blocks of eight lanes.
// Needs every index below 2^32 (the high index bits, part of the tag, are then 0 for every lane); callers fall
// back to the scalar random_bits otherwise. Two sets interleave two independent dependency chains per round: one
// chain alone is latency-bound (multiply, shift, blend, xor per round).
template <int kSets>
RFY_AVX2 void philox8(const RngKey& key, uint32_t stream, uint64_t index0, Philox8* out, uint32_t stride = 1) {
  const uint32_t tag = (stream & 0xFFu) | ((key.severity & 0xFu) << 8) | ((key.corruption & 0xFFu) << 12);
  __m256i c0[kSets], c1[kSets], c2[kSets], c3[kSets];
  const __m256i lanes =
      _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(static_cast<int>(stride)));
  for (int k = 0; k < kSets; ++k) {
    c0[k] = _mm256_add_epi32(
        _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(index0) + 8u * stride * static_cast<uint32_t>(k))),
        lanes);
    c1[k] = _mm256_set1_epi32(static_cast<int>(tag));
    c2[k] = _mm256_set1_epi32(static_cast<int>(key.sample_lo));
    c3[k] = _mm256_set1_epi32(static_cast<int>(key.sample_hi));
  }
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  uint32_t k0 = key.seed_lo, k1 = key.seed_hi;
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const __m256i key0 = _mm256_set1_epi32(static_cast<int>(k0)), key1 = _mm256_set1_epi32(static_cast<int>(k1));
#pragma GCC unroll 4
    for (int k = 0; k < kSets; ++k) {
      __m256i hi0, lo0, hi1, lo1;
      avx2_mulhilo(c0[k], m0, hi0, lo0);
      avx2_mulhilo(c2[k], m1, hi1, lo1);
      c0[k] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[k]), key0);
      c2[k] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[k]), key1);
      c1[k] = lo1;
      c3[k] = lo0;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  for (int k = 0; k < kSets; ++k) out[k] = Philox8{{c0[k], c1[k], c2[k], c3[k]}};
}

// to_uniform / to_uniform_open of eight words.
RFY_AVX2 __m256 avx2_uniform(__m256i bits) {
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(bits, 8)), _mm256_set1_ps(1.0f / 16777216.0f));
}
RFY_AVX2 __m256 avx2_uniform_open(__m256i bits) {
  return _mm256_mul_ps(_mm256_add_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(bits, 8)), _mm256_set1_ps(0.5f)),
                       _mm256_set1_ps(1.0f / 16777216.0f));
}

// fm_log, operation for operation.
RFY_AVX2 __m256 avx2_fm_log(__m256 x) {
  const __m256i bits = _mm256_castps_si256(x);
  __m256i e = _mm256_sub_epi32(_mm256_and_si256(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(0xFF)),
                               _mm256_set1_epi32(127));
  __m256 m = _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007FFFFF)), _mm256_set1_epi32(0x3F800000)));
  const __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GT_OQ);
  m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
  e = _mm256_sub_epi32(e, _mm256_castps_si256(big));  // big lanes are all ones = -1
  const __m256 f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  const __m256 z = _mm256_mul_ps(f, f);
  __m256 p = _mm256_set1_ps(7.0376836292e-2f);
  p = _mm256_sub_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(1.1514610310e-1f));
  p = _mm256_add_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(1.1676998740e-1f));
  p = _mm256_sub_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(1.2420140846e-1f));
  p = _mm256_add_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(1.4249322787e-1f));
  p = _mm256_sub_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(1.6668057665e-1f));
  p = _mm256_add_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(2.0000714765e-1f));
  p = _mm256_sub_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(2.4999993993e-1f));
  p = _mm256_add_ps(_mm256_mul_ps(p, f), _mm256_set1_ps(3.3333331174e-1f));
  const __m256 ef = _mm256_cvtepi32_ps(e);
  __m256 r = _mm256_mul_ps(_mm256_mul_ps(f, z), p);
  r = _mm256_add_ps(r, _mm256_mul_ps(ef, _mm256_set1_ps(-2.12194440e-4f)));
  r = _mm256_sub_ps(r, _mm256_mul_ps(_mm256_set1_ps(0.5f), z));
  return _mm256_add_ps(_mm256_add_ps(f, r), _mm256_mul_ps(ef, _mm256_set1_ps(0.693359375f)));
}

// fm_sincos_turn, operation for operation.
RFY_AVX2 void avx2_fm_sincos_turn(__m256 u, __m256& s, __m256& c) {
  const __m256 q = _mm256_floor_ps(_mm256_add_ps(_mm256_mul_ps(u, _mm256_set1_ps(4.0f)), _mm256_set1_ps(0.5f)));
  const __m256 t = _mm256_sub_ps(u, _mm256_mul_ps(q, _mm256_set1_ps(0.25f)));
  const __m256i quadrant = _mm256_and_si256(_mm256_cvttps_epi32(q), _mm256_set1_epi32(3));
  const __m256 x = _mm256_mul_ps(t, _mm256_set1_ps(6.28318530717958648f));
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 sp = _mm256_set1_ps(-1.9515295891e-4f);
  sp = _mm256_add_ps(_mm256_mul_ps(sp, x2), _mm256_set1_ps(8.3321608736e-3f));
  sp = _mm256_sub_ps(_mm256_mul_ps(sp, x2), _mm256_set1_ps(1.6666654611e-1f));
  const __m256 sin_x = _mm256_add_ps(x, _mm256_mul_ps(_mm256_mul_ps(x, x2), sp));
  __m256 cp = _mm256_set1_ps(2.443315711809948e-5f);
  cp = _mm256_sub_ps(_mm256_mul_ps(cp, x2), _mm256_set1_ps(1.388731625493765e-3f));
  cp = _mm256_add_ps(_mm256_mul_ps(cp, x2), _mm256_set1_ps(4.166664568298827e-2f));
  const __m256 cos_x = _mm256_add_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(_mm256_set1_ps(0.5f), x2)),
                                     _mm256_mul_ps(_mm256_mul_ps(x2, x2), cp));
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 neg_sin = _mm256_xor_ps(sin_x, sign), neg_cos = _mm256_xor_ps(cos_x, sign);
  const __m256 q1 = _mm256_castsi256_ps(_mm256_cmpeq_epi32(quadrant, _mm256_set1_epi32(1)));
  const __m256 q2 = _mm256_castsi256_ps(_mm256_cmpeq_epi32(quadrant, _mm256_set1_epi32(2)));
  const __m256 q3 = _mm256_castsi256_ps(_mm256_cmpeq_epi32(quadrant, _mm256_set1_epi32(3)));
  // quadrant 0: (sin, cos); 1: (cos, -sin); 2: (-sin, -cos); 3: (-cos, sin).
  __m256 s1 = _mm256_blendv_ps(sin_x, cos_x, q1);
  s1 = _mm256_blendv_ps(s1, neg_sin, q2);
  s1 = _mm256_blendv_ps(s1, neg_cos, q3);
  __m256 c1 = _mm256_blendv_ps(cos_x, neg_sin, q1);
  c1 = _mm256_blendv_ps(c1, neg_cos, q2);
  c1 = _mm256_blendv_ps(c1, sin_x, q3);
  s = s1;
  c = c1;
}

// normal_pair_from for eight blocks: first (cosine branch) and second (sine branch).
RFY_AVX2 void avx2_normal_pairs(const Philox8& r, __m256& first, __m256& second) {
  const __m256 u1 = avx2_uniform_open(r.w[0]);
  const __m256 u2 = avx2_uniform(r.w[1]);
  const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(-2.0f), avx2_fm_log(u1)));
  __m256 s, c;
  avx2_fm_sincos_turn(u2, s, c);
  first = _mm256_mul_ps(radius, c);
  second = _mm256_mul_ps(radius, s);
}

}  // namespace rfy::corrupt

// The same on sixteen lanes with AVX-512 (full-width on the CPUs that have it: twice the Philox and Box-Muller
// throughput of the eight-lane code). AVX-512 brings FMA: the build's -ffp-contract=off is what keeps GCC from fusing
// the intrinsics' mul and add (which would round differently).
#define RFY_AVX512_TARGET target("avx512f,avx512vl,avx512dq,avx512bw")
#define RFY_AVX512 __attribute__((RFY_AVX512_TARGET, always_inline)) inline
// GCC 12 reports the _mm512_undefined_* self-initialisation inside the AVX-512 intrinsics as maybe-uninitialized.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace rfy::corrupt {

struct Philox16 {
  __m512i w[4];  // word k of the sixteen blocks
};

RFY_AVX512 void avx512_mulhilo(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

// philox8 on sixteen lanes: random_bits(key, stream, index0 + stride * lane), lane = 0..16 * kSets - 1.
template <int kSets>
RFY_AVX512 void philox16(const RngKey& key, uint32_t stream, uint64_t index0, Philox16* out, uint32_t stride = 1) {
  const uint32_t tag = (stream & 0xFFu) | ((key.severity & 0xFu) << 8) | ((key.corruption & 0xFFu) << 12);
  __m512i c0[kSets], c1[kSets], c2[kSets], c3[kSets];
  const __m512i lanes = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                           _mm512_set1_epi32(static_cast<int>(stride)));
  for (int k = 0; k < kSets; ++k) {
    c0[k] = _mm512_add_epi32(
        _mm512_set1_epi32(static_cast<int>(static_cast<uint32_t>(index0) + 16u * stride * static_cast<uint32_t>(k))),
        lanes);
    c1[k] = _mm512_set1_epi32(static_cast<int>(tag));
    c2[k] = _mm512_set1_epi32(static_cast<int>(key.sample_lo));
    c3[k] = _mm512_set1_epi32(static_cast<int>(key.sample_hi));
  }
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
  uint32_t k0 = key.seed_lo, k1 = key.seed_hi;
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0)), key1 = _mm512_set1_epi32(static_cast<int>(k1));
#pragma GCC unroll 4
    for (int k = 0; k < kSets; ++k) {
      __m512i hi0, lo0, hi1, lo1;
      avx512_mulhilo(c0[k], m0, hi0, lo0);
      avx512_mulhilo(c2[k], m1, hi1, lo1);
      c0[k] = _mm512_ternarylogic_epi32(hi1, c1[k], key0, 0x96);  // three-way xor
      c2[k] = _mm512_ternarylogic_epi32(hi0, c3[k], key1, 0x96);
      c1[k] = lo1;
      c3[k] = lo0;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  for (int k = 0; k < kSets; ++k) out[k] = Philox16{{c0[k], c1[k], c2[k], c3[k]}};
}

RFY_AVX512 __m512 avx512_uniform(__m512i bits) {
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(bits, 8)), _mm512_set1_ps(1.0f / 16777216.0f));
}
RFY_AVX512 __m512 avx512_uniform_open(__m512i bits) {
  return _mm512_mul_ps(_mm512_add_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(bits, 8)), _mm512_set1_ps(0.5f)),
                       _mm512_set1_ps(1.0f / 16777216.0f));
}

// fm_log, operation for operation.
RFY_AVX512 __m512 avx512_fm_log(__m512 x) {
  const __m512i bits = _mm512_castps_si512(x);
  __m512i e = _mm512_sub_epi32(_mm512_and_si512(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(0xFF)),
                               _mm512_set1_epi32(127));
  __m512 m = _mm512_castsi512_ps(
      _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x007FFFFF)), _mm512_set1_epi32(0x3F800000)));
  const __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(1.41421356f), _CMP_GT_OQ);
  m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
  e = _mm512_mask_add_epi32(e, big, e, _mm512_set1_epi32(1));
  const __m512 f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
  const __m512 z = _mm512_mul_ps(f, f);
  __m512 p = _mm512_set1_ps(7.0376836292e-2f);
  p = _mm512_sub_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(1.1514610310e-1f));
  p = _mm512_add_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(1.1676998740e-1f));
  p = _mm512_sub_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(1.2420140846e-1f));
  p = _mm512_add_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(1.4249322787e-1f));
  p = _mm512_sub_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(1.6668057665e-1f));
  p = _mm512_add_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(2.0000714765e-1f));
  p = _mm512_sub_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(2.4999993993e-1f));
  p = _mm512_add_ps(_mm512_mul_ps(p, f), _mm512_set1_ps(3.3333331174e-1f));
  const __m512 ef = _mm512_cvtepi32_ps(e);
  __m512 r = _mm512_mul_ps(_mm512_mul_ps(f, z), p);
  r = _mm512_add_ps(r, _mm512_mul_ps(ef, _mm512_set1_ps(-2.12194440e-4f)));
  r = _mm512_sub_ps(r, _mm512_mul_ps(_mm512_set1_ps(0.5f), z));
  return _mm512_add_ps(_mm512_add_ps(f, r), _mm512_mul_ps(ef, _mm512_set1_ps(0.693359375f)));
}

// fm_sincos_turn, operation for operation. The quadrant rotation as a swap (odd quadrants) and sign flips
// (exact): s is negated in quadrants 2 and 3, c in quadrants 1 and 2.
RFY_AVX512 void avx512_fm_sincos_turn(__m512 u, __m512& s, __m512& c) {
  const __m512 q = _mm512_roundscale_ps(_mm512_add_ps(_mm512_mul_ps(u, _mm512_set1_ps(4.0f)), _mm512_set1_ps(0.5f)),
                                        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const __m512 t = _mm512_sub_ps(u, _mm512_mul_ps(q, _mm512_set1_ps(0.25f)));
  const __m512i quadrant = _mm512_cvttps_epi32(q);
  const __m512 x = _mm512_mul_ps(t, _mm512_set1_ps(6.28318530717958648f));
  const __m512 x2 = _mm512_mul_ps(x, x);
  __m512 sp = _mm512_set1_ps(-1.9515295891e-4f);
  sp = _mm512_add_ps(_mm512_mul_ps(sp, x2), _mm512_set1_ps(8.3321608736e-3f));
  sp = _mm512_sub_ps(_mm512_mul_ps(sp, x2), _mm512_set1_ps(1.6666654611e-1f));
  const __m512 sin_x = _mm512_add_ps(x, _mm512_mul_ps(_mm512_mul_ps(x, x2), sp));
  __m512 cp = _mm512_set1_ps(2.443315711809948e-5f);
  cp = _mm512_sub_ps(_mm512_mul_ps(cp, x2), _mm512_set1_ps(1.388731625493765e-3f));
  cp = _mm512_add_ps(_mm512_mul_ps(cp, x2), _mm512_set1_ps(4.166664568298827e-2f));
  const __m512 cos_x = _mm512_add_ps(_mm512_sub_ps(_mm512_set1_ps(1.0f), _mm512_mul_ps(_mm512_set1_ps(0.5f), x2)),
                                     _mm512_mul_ps(_mm512_mul_ps(x2, x2), cp));
  const __mmask16 odd = _mm512_test_epi32_mask(quadrant, _mm512_set1_epi32(1));
  const __m512i sign = _mm512_set1_epi32(static_cast<int>(0x80000000u));
  const __m512i s_sign = _mm512_and_si512(_mm512_slli_epi32(quadrant, 30), sign);
  const __m512i c_sign = _mm512_and_si512(_mm512_slli_epi32(_mm512_add_epi32(quadrant, _mm512_set1_epi32(1)), 30), sign);
  s = _mm512_castsi512_ps(
      _mm512_xor_si512(_mm512_castps_si512(_mm512_mask_blend_ps(odd, sin_x, cos_x)), s_sign));
  c = _mm512_castsi512_ps(
      _mm512_xor_si512(_mm512_castps_si512(_mm512_mask_blend_ps(odd, cos_x, sin_x)), c_sign));
}

RFY_AVX512 void avx512_normal_pairs(const Philox16& r, __m512& first, __m512& second) {
  const __m512 u1 = avx512_uniform_open(r.w[0]);
  const __m512 u2 = avx512_uniform(r.w[1]);
  const __m512 radius = _mm512_sqrt_ps(_mm512_mul_ps(_mm512_set1_ps(-2.0f), avx512_fm_log(u1)));
  __m512 s, c;
  avx512_fm_sincos_turn(u2, s, c);
  first = _mm512_mul_ps(radius, c);
  second = _mm512_mul_ps(radius, s);
}

}  // namespace rfy::corrupt
#pragma GCC diagnostic pop
