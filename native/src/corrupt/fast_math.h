// log and sin/cos of a turn as straight-line float arithmetic (Cephes-style range reduction and
// polynomials), so pixel loops that call them vectorise on the CPU, and the CPU and GPU evaluate the same formula.
// Accuracy: a few ulp over the ranges the corruptions use (checked against libm in test_corrupt_engine).
#pragma once

#include <cstdint>
#include <cstring>

#include "corrupt/parallel.h"

namespace rfy::corrupt {

RFY_HD float fm_bits_to_float(int32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}
RFY_HD int32_t fm_float_to_bits(float f) {
  int32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// Natural log for finite x > 0 (callers pass uniforms in (0, 1] or positive intensities).
RFY_HD float fm_log(float x) {
  const int32_t bits = fm_float_to_bits(x);
  int32_t e = ((bits >> 23) & 0xFF) - 127;
  float m = fm_bits_to_float((bits & 0x007FFFFF) | 0x3F800000);  // [1, 2)
  // Centre the mantissa on 1: [sqrt(1/2), sqrt(2)).
  const bool big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  e = big ? e + 1 : e;
  const float f = m - 1.0f;
  const float z = f * f;
  float p = 7.0376836292e-2f;
  p = p * f - 1.1514610310e-1f;
  p = p * f + 1.1676998740e-1f;
  p = p * f - 1.2420140846e-1f;
  p = p * f + 1.4249322787e-1f;
  p = p * f - 1.6668057665e-1f;
  p = p * f + 2.0000714765e-1f;
  p = p * f - 2.4999993993e-1f;
  p = p * f + 3.3333331174e-1f;
  const float ef = static_cast<float>(e);
  float r = f * z * p;
  r += ef * -2.12194440e-4f;
  r -= 0.5f * z;
  return f + r + ef * 0.693359375f;
}

// cos(2 pi u) and sin(2 pi u) for any finite u (one turn = 1): reduction to [-1/8, 1/8] turn and octant symmetry.
RFY_HD void fm_sincos_turn(float u, float& s, float& c) {
  const float q = floorf(u * 4.0f + 0.5f);  // nearest quarter turn
  const float t = u - q * 0.25f;            // [-1/8, 1/8]
  const int32_t quadrant = static_cast<int32_t>(q) & 3;
  const float x = t * 6.28318530717958648f;
  const float x2 = x * x;
  float sp = -1.9515295891e-4f;
  sp = sp * x2 + 8.3321608736e-3f;
  sp = sp * x2 - 1.6666654611e-1f;
  const float sin_x = x + x * x2 * sp;
  float cp = 2.443315711809948e-5f;
  cp = cp * x2 - 1.388731625493765e-3f;
  cp = cp * x2 + 4.166664568298827e-2f;
  const float cos_x = 1.0f - 0.5f * x2 + x2 * x2 * cp;
  // Rotate by the quadrant: (s, c) of x + quadrant * 90 degrees.
  const float s1 = quadrant == 0 ? sin_x : quadrant == 1 ? cos_x : quadrant == 2 ? -sin_x : -cos_x;
  const float c1 = quadrant == 0 ? cos_x : quadrant == 1 ? -sin_x : quadrant == 2 ? -cos_x : sin_x;
  s = s1;
  c = c1;
}

}  // namespace rfy::corrupt
