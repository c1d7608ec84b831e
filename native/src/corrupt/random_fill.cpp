#include "corrupt/random_fill.h"

#include "corrupt/philox_avx2.h"

namespace rfy::corrupt {
namespace {

constexpr int kSets = 2;  // two interleaved Philox chains (see philox8)
constexpr int64_t kBlock = 8 * kSets;

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

// The same on sixteen lanes (CPUs with full-width AVX-512 run Philox about twice as fast as with AVX2).
constexpr int64_t kBlock16 = 16 * kSets;

__attribute__((RFY_AVX512_TARGET, noinline)) void avx512_uniform_fill(const RngKey& key, uint32_t stream,
                                                                         uint64_t index0, int64_t n, float* out) {
  Philox16 r[kSets];
  for (int64_t i = 0; i < n; i += kBlock16) {
    philox16<kSets>(key, stream, index0 + static_cast<uint64_t>(i), r);
    for (int k = 0; k < kSets; ++k) _mm512_storeu_ps(out + i + 16 * k, avx512_uniform(r[k].w[0]));
  }
}

__attribute__((RFY_AVX512_TARGET, noinline)) void avx512_normal_fill(const RngKey& key, uint32_t stream,
                                                                        uint64_t index0, int64_t n, float* out) {
  Philox16 r[kSets];
  for (int64_t i = 0; i < n; i += kBlock16) {
    philox16<kSets>(key, stream, index0 + static_cast<uint64_t>(i), r);
    for (int k = 0; k < kSets; ++k) {
      __m512 first, second;
      avx512_normal_pairs(r[k], first, second);
      _mm512_storeu_ps(out + i + 16 * k, first);
    }
  }
}

// Draws [0, done) of a run on the widest vector unit the CPU has; the caller finishes [done, n).
template <typename Avx2Fill, typename Avx512Fill>
int64_t vector_fill(uint64_t index0, int64_t n, Avx2Fill avx2, Avx512Fill avx512) {
  if (index0 + static_cast<uint64_t>(n) > (uint64_t{1} << 32)) return 0;  // philox8/16 need indices below 2^32
  if (cpu_has_avx512()) {
    const int64_t done = n - n % kBlock16;
    if (done > 0) avx512(done);
    return done;
  }
  if (!cpu_has_avx2()) return 0;
  const int64_t done = n - n % kBlock;
  if (done > 0) avx2(done);
  return done;
}

}  // namespace

void uniform_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out) {
  const int64_t done = vector_fill(
      index0, n, [&](int64_t m) { avx2_uniform_fill(key, stream, index0, m, out); },
      [&](int64_t m) { avx512_uniform_fill(key, stream, index0, m, out); });
  for (int64_t i = done; i < n; ++i) out[i] = uniform(key, stream, index0 + static_cast<uint64_t>(i));
}

void normal_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out) {
  const int64_t done = vector_fill(
      index0, n, [&](int64_t m) { avx2_normal_fill(key, stream, index0, m, out); },
      [&](int64_t m) { avx512_normal_fill(key, stream, index0, m, out); });
  for (int64_t i = done; i < n; ++i) out[i] = normal(key, stream, index0 + static_cast<uint64_t>(i));
}

}  // namespace rfy::corrupt
