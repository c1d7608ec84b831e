// exp(x) for float in straight-line arithmetic (Cephes expf: Cody-Waite reduction, degree-6 polynomial; within
// 2 ulp of std::exp on [-87, 88]) so loops calling it vectorise. Returns exactly 0 below -87.3 (and for -inf),
// which the loss relies on for masked classes.
#pragma once

#include <cstdint>
#include <cstring>

namespace rfy {

inline float fast_exp(float x) {
  const float clamped = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
  // Round-to-nearest with the 1.5 * 2^23 trick: vectorises without SSE4.1's roundps.
  const float shifter = 12582912.0f;
  const float n = (clamped * 1.44269504088896341f + shifter) - shifter;
  float r = clamped - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  const float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r2 + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float result = p * scale;
  return x < -87.3f ? 0.0f : result;
}

}  // namespace rfy
