// Counter-based random numbers (Philox-4x32-10, Salmon et al., SC'11), the same on CPU and GPU: every draw is a
// pure function of (seed, sample id, corruption, severity, stream, index), so results depend on neither batch
// composition, thread count nor device. `stream` separates the independent random quantities of one corruption
// (e.g. a noise field and an angle); `index` numbers the draws within a stream (e.g. the pixel index).
#pragma once

#include <cmath>
#include <cstdint>

#include "corrupt/fast_math.h"
#include "corrupt/parallel.h"

namespace rfy::corrupt {

struct U32x4 {
  uint32_t v[4];
};

RFY_OP U32x4 philox4x32_10(U32x4 ctr, uint32_t k0, uint32_t k1) {
  uint32_t c0 = ctr.v[0], c1 = ctr.v[1], c2 = ctr.v[2], c3 = ctr.v[3];
  // Fully unrolled scalar rounds: the CPU loops that call this then vectorise across pixels.
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c0;
    const uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c2;
    const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<uint32_t>(p1);
    c3 = static_cast<uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return U32x4{{c0, c1, c2, c3}};
}

// The key of one sample's corruption: everything but (stream, index).
struct RngKey {
  uint32_t seed_lo, seed_hi;
  uint32_t sample_lo, sample_hi;
  uint32_t corruption, severity;
};

RFY_OP RngKey make_rng_key(uint64_t seed, int64_t sample_id, int corruption, int severity) {
  const uint64_t sample = static_cast<uint64_t>(sample_id);
  return RngKey{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(sample),
                static_cast<uint32_t>(sample >> 32), static_cast<uint32_t>(corruption + 1),
                static_cast<uint32_t>(severity)};
}

// Four independent 32-bit words for draw `index` of `stream` (index < 2^44, stream < 256).
RFY_OP U32x4 random_bits(const RngKey& key, uint32_t stream, uint64_t index) {
  const uint32_t tag = (stream & 0xFFu) | ((key.severity & 0xFu) << 8) | ((key.corruption & 0xFFu) << 12) |
                       (static_cast<uint32_t>(index >> 32) << 20);
  const U32x4 ctr{{static_cast<uint32_t>(index), tag, key.sample_lo, key.sample_hi}};
  return philox4x32_10(ctr, key.seed_lo, key.seed_hi);
}

// [0, 1) with 24 random bits: exactly representable, identical on every device.
RFY_OP float to_uniform(uint32_t bits) { return static_cast<float>(bits >> 8) * (1.0f / 16777216.0f); }
// (0, 1): safe for log.
RFY_OP float to_uniform_open(uint32_t bits) { return (static_cast<float>(bits >> 8) + 0.5f) * (1.0f / 16777216.0f); }

RFY_OP float uniform(const RngKey& key, uint32_t stream, uint64_t index) {
  return to_uniform(random_bits(key, stream, index).v[0]);
}

// Integer in [lo, hi] inclusive (the Lemire-free modulo bias is below 2^-32 * range: negligible here).
RFY_OP int32_t uniform_int(const RngKey& key, uint32_t stream, uint64_t index, int32_t lo, int32_t hi) {
  const uint32_t range = static_cast<uint32_t>(hi - lo) + 1u;
  return lo + static_cast<int32_t>(random_bits(key, stream, index).v[0] % range);
}

// Standard normals by Box-Muller on words 0 and 1: `first` is the cosine branch, `second` the sine branch (both
// independent N(0, 1)). The log and the turn use fast_math.h, so CPU loops vectorise and the GPU computes the same.
RFY_OP void normal_pair_from(const U32x4& r, float& first, float& second) {
  const float u1 = to_uniform_open(r.v[0]);
  const float u2 = to_uniform(r.v[1]);
  const float radius = sqrtf(-2.0f * fm_log(u1));
  float s, c;
  fm_sincos_turn(u2, s, c);
  first = radius * c;
  second = radius * s;
}

RFY_OP float normal_from(const U32x4& r) {
  float first, second;
  normal_pair_from(r, first, second);
  return first;
}

RFY_OP float normal(const RngKey& key, uint32_t stream, uint64_t index) {
  return normal_from(random_bits(key, stream, index));
}

}  // namespace rfy::corrupt
