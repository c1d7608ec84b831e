// Per-thread cache of what noise_poisson (ops/noise.inl) recomputes for every value although it depends only on
// the mean: the inversion sampler's CDF and the PTRS constants, keyed by the float bits of lambda. shot_noise on
// uint8 images sees at most 256 means per severity, so after the first image the sampler is a table search (or
// PTRS's accept test) per value instead of exp / log / sqrt and a chain of divisions. Every cached double is
// computed by the same expression as noise_poisson's, so the samples are bit-identical. CPU only.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "corrupt/ops/ops.inl"

namespace rfy::corrupt {

struct PoissonParams {
  uint32_t bits;      // the key: lambda_f's bits (kPoissonEmpty: free slot)
  bool inversion;     // lambda < kNoisePoissonInversionMax
  int32_t cdf_off;    // inversion: cdf[k] for k = 0 .. cdf_len - 1 at pool offset cdf_off
  int32_t cdf_len;
  int32_t guide_off;  // PoissonCache::kGuide start indices into the cdf
  double lambda, loglam, a, b, log_inv_alpha, vr;  // PTRS
};

class PoissonCache {
 public:
  static constexpr uint32_t kPoissonEmpty = 0xFFFFFFFFu;  // a NaN pattern: never a mean that reaches the cache
  static constexpr int kSlots = 4096;                     // power of two; float-input images may overflow it
  static constexpr int kLogFactorials = 2048;
  static constexpr int kGuide = 128;  // guide table entries per inversion mean (a power of two: g / kGuide exact)

  PoissonCache() : slots_(kSlots), log_factorial_(kLogFactorials) {
    for (PoissonParams& p : slots_) p.bits = kPoissonEmpty;
    for (int k = 0; k < kLogFactorials; ++k) log_factorial_[k] = noise_log_factorial(static_cast<double>(k));
  }

  // The parameters of mean lambda_f (> 0), or nullptr when the cache is full (the caller computes directly).
  const PoissonParams* find(float lambda_f) {
    uint32_t bits;
    std::memcpy(&bits, &lambda_f, sizeof bits);
    uint32_t slot = (bits * 0x9E3779B1u) >> 20;  // 12 bits: kSlots
    for (int probe = 0; probe < 16; ++probe, slot = (slot + 1) & (kSlots - 1)) {
      PoissonParams& p = slots_[slot];
      if (p.bits == bits) return &p;
      if (p.bits == kPoissonEmpty) {
        fill(p, bits, lambda_f);
        return &p;
      }
    }
    return nullptr;
  }

  const double* cdf(const PoissonParams& p) const { return cdf_.data() + p.cdf_off; }
  const uint8_t* guide(const PoissonParams& p) const { return guide_.data() + p.guide_off; }

  // noise_log_factorial(k) for integer k >= 0.
  double log_factorial(double k) const {
    return k < kLogFactorials ? log_factorial_[static_cast<int>(k)] : noise_log_factorial(k);
  }

 private:
  void fill(PoissonParams& p, uint32_t bits, float lambda_f) {
    const double lambda = lambda_f;
    p.bits = bits;
    p.lambda = lambda;
    p.inversion = lambda < kNoisePoissonInversionMax;
    if (p.inversion) {
      // noise_poisson's loop, run until the CDF passes the largest uniform to_uniform returns (or k = 200).
      const double u_max = static_cast<double>(to_uniform(0xFFFFFFFFu));
      p.cdf_off = static_cast<int32_t>(cdf_.size());
      double q = exp(-lambda), c = q;
      int k = 0;
      cdf_.push_back(c);
      while (u_max >= c && k < 200) {
        ++k;
        q *= lambda / k;
        c += q;
        cdf_.push_back(c);
      }
      p.cdf_len = k + 1;
      p.guide_off = static_cast<int32_t>(guide_.size());
      int start = 0;
      for (int g = 0; g < kGuide; ++g) {
        const double lo = static_cast<double>(g) / kGuide;
        while (start < p.cdf_len - 1 && !(cdf_[p.cdf_off + start] > lo)) ++start;
        guide_.push_back(static_cast<uint8_t>(start));
      }
      return;
    }
    const double slam = sqrt(lambda);
    p.loglam = log(lambda);
    p.b = 0.931 + 2.53 * slam;
    p.a = -0.059 + 0.02483 * p.b;
    p.log_inv_alpha = log(1.1239 + 1.1328 / (p.b - 3.4));
    p.vr = 0.9277 - 3.6224 / (p.b - 2.0);
  }

  std::vector<PoissonParams> slots_;
  std::vector<double> cdf_;
  std::vector<uint8_t> guide_;
  std::vector<double> log_factorial_;
};

// noise_poisson's inversion, by table: the smallest k with u < cdf[k], or len - 1 when there is none before the
// table's end (where the loop stops). The search starts at guide[floor(u * kGuide)], the smallest k with
// cdf[k] > floor(u * kGuide) / kGuide (no smaller k can be the answer), so it rarely takes more than one step.
// The first two steps are branch-free (a data-dependent loop exit mispredicts about once per value).
inline float poisson_by_table(const double* cdf, const uint8_t* guide, int len, double u) {
  int k = guide[static_cast<int>(u * PoissonCache::kGuide)];
  const int last = len - 1;
  k += (k < last) & (u >= cdf[k]);
  k += (k < last) & (u >= cdf[k]);
  while (k < last && u >= cdf[k]) ++k;
  return static_cast<float>(k);
}

// noise_poisson's PTRS loop with the cached constants; `first` is the counter block of draw 0 (base).
inline float poisson_ptrs(const PoissonCache& cache, const PoissonParams& p, const RngKey& key, uint64_t base,
                          const U32x4& first, float lambda_f) {
  const double lambda = p.lambda, a = p.a, b = p.b;
  for (int d = 0; d < kNoisePoissonDraws; ++d) {
    const U32x4 r = d == 0 ? first : random_bits(key, 0, base + d);
    for (int t = 0; t < 2; ++t) {
      const double u = static_cast<double>(to_uniform_open(r.v[2 * t])) - 0.5;
      const double v = to_uniform_open(r.v[2 * t + 1]);
      const double us = 0.5 - fabs(u);
      const double kd = floor((2.0 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= p.vr) return static_cast<float>(kd);
      if (kd < 0.0 || (us < 0.013 && v > us)) continue;
      if (log(v) + p.log_inv_alpha - log(a / (us * us) + b) <= -lambda + kd * p.loglam - cache.log_factorial(kd))
        return static_cast<float>(kd);
    }
  }
  return floorf(lambda_f + 0.5f);
}

// noise_poisson(key, i, lambda_f) given draw 0's counter block, through the cache.
inline float poisson_cached(PoissonCache& cache, const RngKey& key, uint64_t i, const U32x4& first, float lambda_f) {
  const double lambda = lambda_f;
  if (!(lambda > 0.0)) return 0.0f;
  const PoissonParams* p = cache.find(lambda_f);
  if (p == nullptr) return noise_poisson(key, i, lambda_f);
  if (p->inversion) return poisson_by_table(cache.cdf(*p), cache.guide(*p), p->cdf_len, to_uniform(first.v[0]));
  return poisson_ptrs(cache, *p, key, i * kNoisePoissonDraws, first, lambda_f);
}

}  // namespace rfy::corrupt
