// Counter-based random numbers (Philox-4x32-10, Salmon et al., SC'11), the same on CPU and GPU: every draw is a
// pure function of (seed, sample id, corruption, severity, stream, index), so results depend on neither batch
// composition, thread count nor device. `stream` separates the independent random quantities of one corruption
// (e.g. a noise field and an angle); `index` numbers the draws within a stream (e.g. the pixel index).
#pragma once

#include <cmath>
#include <cstdint>

#include "corrupt/parallel.h"

namespace rfy::corrupt {

struct U32x4 {
  uint32_t v[4];
};

RFY_OP void mulhilo32(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t product = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(product >> 32);
  lo = static_cast<uint32_t>(product);
}

RFY_OP U32x4 philox4x32_10(U32x4 ctr, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo32(0xD2511F53u, ctr.v[0], hi0, lo0);
    mulhilo32(0xCD9E8D57u, ctr.v[2], hi1, lo1);
    ctr = U32x4{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return ctr;
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

// Standard normal (Box-Muller on words 0 and 1).
RFY_OP float normal_from(const U32x4& r) {
  const float u1 = to_uniform_open(r.v[0]);
  const float u2 = to_uniform(r.v[1]);
  const float radius = sqrtf(-2.0f * logf(u1));
  return radius * cosf(6.2831853071795864f * u2);
}

RFY_OP float normal(const RngKey& key, uint32_t stream, uint64_t index) {
  return normal_from(random_bits(key, stream, index));
}

}  // namespace rfy::corrupt
