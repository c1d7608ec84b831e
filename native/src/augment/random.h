// The augment family's random draws: the corruption engine's Philox-4x32-10 (corrupt/philox.h) with a counter of
// its own, keyed by (seed, sample id, family, view, stream, index), so results depend on neither batch composition,
// thread count nor device.
#pragma once

#include <cstdint>

#include "corrupt/philox.h"

namespace rfy::augment {

enum Family : uint32_t { kFamilyAugMix = 1, kFamilyPixMix = 2 };

struct AugKey {
  uint64_t seed;
  int64_t sample_id;
  uint32_t family;
  uint32_t view;
};

// Four independent words for draw `index` of `stream` (< 256); views < 2^20. Host and device (PixMix's
// procedural pictures draw their lattice on the device).
RFY_OP corrupt::U32x4 draw(const AugKey& key, uint32_t stream, uint64_t index) {
  const uint32_t tag = (stream & 0xFFu) | ((key.family & 0xFu) << 8) | ((key.view & 0xFFFFFu) << 12);
  const uint64_t sample = static_cast<uint64_t>(key.sample_id);
  const corrupt::U32x4 ctr{{static_cast<uint32_t>(index), tag, static_cast<uint32_t>(sample),
                            static_cast<uint32_t>(sample >> 32)}};
  return corrupt::philox4x32_10(ctr, static_cast<uint32_t>(key.seed), static_cast<uint32_t>(key.seed >> 32) ^
                                                                          static_cast<uint32_t>(index >> 32));
}

// (0, 1) from 53 bits of two words: safe for log.
inline double uniform_open(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (static_cast<uint64_t>(hi) << 21) ^ (lo >> 11);
  return (static_cast<double>(bits & ((1ull << 53) - 1)) + 0.5) * (1.0 / 9007199254740992.0);
}

}  // namespace rfy::augment
