// Runs of consecutive counter-based draws for the fast CPU path: out[i] = uniform(key, stream, index0 + i) or
// normal(key, stream, index0 + i), the same values as the scalar calls (philox.h), computed 16 (AVX2) or 32 (AVX-512)
// at a time where the CPU has those. Scalar Philox does not vectorise well under GCC (about 9 ns a draw), which made the draws
// most of fog's, elastic_transform's, snow's and spatter's time at small sizes. CPU only: CUDA threads draw their
// own values.
#pragma once

#include <cstdint>

#include "corrupt/philox.h"

namespace rfy::corrupt {

void uniform_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out);
void normal_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out);

}  // namespace rfy::corrupt
