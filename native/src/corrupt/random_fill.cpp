#include "corrupt/random_fill.h"

#include "corrupt/philox_avx2.h"

namespace rfy::corrupt {
namespace {

constexpr int kSets = 2;  // two interleaved Philox chains (see philox8)
constexpr int64_t kBlock = 8 * kSets;

// philox8 needs every index below 2^32; the scalar tail covers the rest.
int64_t vector_draws(uint64_t index0, int64_t n) {
  if (index0 + static_cast<uint64_t>(n) > (uint64_t{1} << 32)) return 0;
  return n - n % kBlock;
}

__attribute__((target("avx2"), noinline)) void avx2_uniform_fill(const RngKey& key, uint32_t stream,
                                                                   uint64_t index0, int64_t n, float* out) {
  Philox8 r[kSets];
  for (int64_t i = 0; i < n; i += kBlock) {
    philox8<kSets>(key, stream, index0 + static_cast<uint64_t>(i), r);
    for (int k = 0; k < kSets; ++k) _mm256_storeu_ps(out + i + 8 * k, avx2_uniform(r[k].w[0]));
  }
}

__attribute__((target("avx2"), noinline)) void avx2_normal_fill(const RngKey& key, uint32_t stream,
                                                                  uint64_t index0, int64_t n, float* out) {
  Philox8 r[kSets];
  for (int64_t i = 0; i < n; i += kBlock) {
    philox8<kSets>(key, stream, index0 + static_cast<uint64_t>(i), r);
    for (int k = 0; k < kSets; ++k) {
      __m256 first, second;
      avx2_normal_pairs(r[k], first, second);
      _mm256_storeu_ps(out + i + 8 * k, first);
    }
  }
}

}  // namespace

void uniform_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out) {
  int64_t done = 0;
  if (cpu_has_avx2() && (done = vector_draws(index0, n)) > 0) avx2_uniform_fill(key, stream, index0, done, out);
  for (int64_t i = done; i < n; ++i) out[i] = uniform(key, stream, index0 + static_cast<uint64_t>(i));
}

void normal_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out) {
  int64_t done = 0;
  if (cpu_has_avx2() && (done = vector_draws(index0, n)) > 0) avx2_normal_fill(key, stream, index0, done, out);
  for (int64_t i = done; i < n; ++i) out[i] = normal(key, stream, index0 + static_cast<uint64_t>(i));
}

}  // namespace rfy::corrupt
