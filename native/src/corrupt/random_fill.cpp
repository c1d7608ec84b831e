#include "corrupt/random_fill.h"

#include "corrupt/philox_avx2.h"

namespace rfy::corrupt {
namespace {

enum class Draw { kUniform, kNormal };  // uniform(): word 0; normal(): the cosine branch of words 0 and 1

constexpr int kSets = 2;  // two interleaved Philox chains (see philox8)

// Draws [0, n) of the run, n a multiple of 8 * kSets, eight lanes per Philox set.
template <Draw kDraw>
__attribute__((target("avx2"), noinline)) void avx2_fill(const RngKey& key, uint32_t stream, uint64_t index0,
                                                           int64_t n, float* out) {
  Philox8 r[kSets];
  for (int64_t i = 0; i < n; i += 8 * kSets) {
    philox8<kSets>(key, stream, index0 + static_cast<uint64_t>(i), r);
    for (int k = 0; k < kSets; ++k) {
      __m256 v, unused;
      if constexpr (kDraw == Draw::kUniform)
        v = avx2_uniform(r[k].w[0]);
      else
        avx2_normal_pairs(r[k], v, unused);
      _mm256_storeu_ps(out + i + 8 * k, v);
    }
  }
}

// The same on sixteen lanes (CPUs with full-width AVX-512 run Philox about twice as fast as with AVX2); n a multiple
// of 16 * kSets.
template <Draw kDraw>
__attribute__((RFY_AVX512_TARGET, noinline)) void avx512_fill(const RngKey& key, uint32_t stream, uint64_t index0,
                                                                int64_t n, float* out) {
  Philox16 r[kSets];
  for (int64_t i = 0; i < n; i += 16 * kSets) {
    philox16<kSets>(key, stream, index0 + static_cast<uint64_t>(i), r);
    for (int k = 0; k < kSets; ++k) {
      __m512 v, unused;
      if constexpr (kDraw == Draw::kUniform)
        v = avx512_uniform(r[k].w[0]);
      else
        avx512_normal_pairs(r[k], v, unused);
      _mm512_storeu_ps(out + i + 16 * k, v);
    }
  }
}

// The widest vector unit the CPU has takes whole blocks of the run; scalar draws finish it.
template <Draw kDraw>
void fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out) {
  int64_t done = 0;
  if (index0 + static_cast<uint64_t>(n) <= (uint64_t{1} << 32)) {  // philox8/16 need indices below 2^32
    if (cpu_has_avx512()) {
      done = n - n % (16 * kSets);
      if (done > 0) avx512_fill<kDraw>(key, stream, index0, done, out);
    } else if (cpu_has_avx2()) {
      done = n - n % (8 * kSets);
      if (done > 0) avx2_fill<kDraw>(key, stream, index0, done, out);
    }
  }
  for (int64_t i = done; i < n; ++i) {
    const uint64_t at = index0 + static_cast<uint64_t>(i);
    out[i] = kDraw == Draw::kUniform ? uniform(key, stream, at) : normal(key, stream, at);
  }
}

}  // namespace

void uniform_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out) {
  fill<Draw::kUniform>(key, stream, index0, n, out);
}

void normal_fill(const RngKey& key, uint32_t stream, uint64_t index0, int64_t n, float* out) {
  fill<Draw::kNormal>(key, stream, index0, n, out);
}

}  // namespace rfy::corrupt
