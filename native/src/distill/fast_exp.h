// 2^x for float in straight-line arithmetic, so loops calling it vectorise (12 vector instructions with a floor-only
// clamp). Base 2 because the callers fold log2(e) into a scale they multiply by anyway: the reduction x = n + f is
// then exact (no Cody-Waite two-step), and a degree-6 minimax polynomial, fitted with p(0) = 1 so the maximum's exp
// is exactly 1, gives 2^x within 8.5e-8 relative (1.1e-7 without FMA) wherever 2^x is a normal float. Degree 5
// (1.6e-7) costs one instruction less but quadrupled the loss error at high T (T^2 amplifies it). Returns exactly 0
// for x < -126.5 (and for -inf), which the loss relies on for masked classes; finite for every input, NaN included.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace rfy {

constexpr double kLog2e = 1.44269504088896341;
constexpr double kLn2 = 0.69314718055994530942;

template <typename To, typename From>
inline To bits_as(From x) {
  static_assert(sizeof(To) == sizeof(From), "same size");
  To out;
  std::memcpy(&out, &x, sizeof out);
  return out;
}

// x raised to -127 where below it, which changes no 2^x that is a normal float or 0: one integer min, as unsigned
// the floats from -0 down to -127 order below -127's bits and lower ones (-inf, negative NaN) above. Enough for
// x <= 127, as in the loss's sums (logits minus their maximum); fast_exp2 also clamps the top.
inline float exp2_floor(float x) { return bits_as<float>(std::min(bits_as<uint32_t>(x), 0xC2FE0000u)); }

// x clamped to [-127, 127]. As signed integers the floats up to 127 order below 127's bits; a positive NaN becomes
// 127. std::min, not an open-coded select, which GCC turns into a compare and blend after folding the constant.
inline float exp2_domain(float x) { return exp2_floor(bits_as<float>(std::min(bits_as<int32_t>(x), 0x42FE0000))); }

// 2^x for x in [-127, 127] (from exp2_domain, or exp2_floor where x <= 127 is known).
inline float exp2_in_domain(float x) {
  // Round-to-nearest with the 1.5 * 2^23 trick, biased by 127: n + 127 ends up in the low bits of `big`, so one
  // shift makes the bits of 2^n (0 for n = -127) without a float-to-int conversion.
  const float shifter = 12582912.0f + 127.0f;
  const float big = x + shifter;
  const float f = x - (big - shifter);
  float p = 1.559395896e-4f;
  p = p * f + 1.338322996e-3f;
  p = p * f + 9.617860429e-3f;
  p = p * f + 5.550375953e-2f;
  p = p * f + 2.402265072e-1f;
  p = p * f + 6.931471825e-1f;
  p = p * f + 1.0f;
  return p * bits_as<float>(bits_as<uint32_t>(big) << 23);
}

inline float fast_exp2(float x) { return exp2_in_domain(exp2_domain(x)); }

// e^x, for callers with no scale to fold log2(e) into.
inline float fast_exp(float x) { return fast_exp2(x * static_cast<float>(kLog2e)); }

}  // namespace rfy
