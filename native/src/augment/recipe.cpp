#include "augment/recipe.h"

#include <cmath>

#include "robustify/augment.h"

namespace rfy::augment {
namespace {

enum Stream : uint32_t { kStreamGamma = 1, kStreamDepth = 2, kStreamChain = 3, kStreamPixMix = 4 };
constexpr uint32_t kMaxGammaAttempts = 1000;  // acceptance is >= 95% per attempt; never reached in practice

double standard_normal(const corrupt::U32x4& r) {
  const double u1 = uniform_open(r.v[0], r.v[1]);
  const double u2 = uniform_open(r.v[2], r.v[3]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// Python's round(x, 15): Pillow rounds the rotation matrix so that e.g. cos(90 degrees) is exactly 0.
double round15(double x) { return std::nearbyint(x * 1e15) / 1e15; }

int enabled_ops(uint32_t mask, int* enabled) {
  int count = 0;
  for (int op = 0; op < RFY_AUGMENT_OP_COUNT; ++op)
    if (mask & (1u << op)) enabled[count++] = op;
  return count;
}

// A random op of the set at a level uniform in [0.1, severity] with a random sign (augmentations.py).
Step random_step(const corrupt::U32x4& r, const int* enabled, int count, int severity, int height, int width) {
  const int op = enabled[r.v[0] % static_cast<uint32_t>(count)];
  const double level = 0.1 + (severity - 0.1) * uniform_open(r.v[1], r.v[2]);
  return make_step(op, op_value(op, level, (r.v[3] & 1u) != 0, height, width), height, width);
}

double beta_draw(const AugKey& key, uint32_t variate, double p, double q) {
  const double x = gamma_draw(key, kStreamGamma, 2 * variate, p);
  const double y = gamma_draw(key, kStreamGamma, 2 * variate + 1, q);
  return x / (x + y);
}

}  // namespace

double gamma_draw(const AugKey& key, uint32_t stream, uint32_t variate, double shape) {
  const uint64_t base = static_cast<uint64_t>(variate) * 2048;
  double boost = 1.0;
  if (shape < 1.0) {
    const corrupt::U32x4 r = draw(key, stream, base + 2047);
    boost = std::pow(uniform_open(r.v[0], r.v[1]), 1.0 / shape);
    shape += 1.0;
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (uint32_t attempt = 0; attempt < kMaxGammaAttempts; ++attempt) {
    const double x = standard_normal(draw(key, stream, base + 2 * attempt));
    const double t = 1.0 + c * x;
    if (t <= 0.0) continue;
    const double v = t * t * t;
    const corrupt::U32x4 r = draw(key, stream, base + 2 * attempt + 1);
    const double u = uniform_open(r.v[0], r.v[1]);
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v * boost;
  }
  return d * boost;
}

Step make_step(int op, double value, int height, int width) {
  Step s{};
  s.op = op;
  s.value = value;
  double* m = s.m;
  m[0] = 1.0;
  m[4] = 1.0;
  switch (op) {
    case RFY_AUGMENT_SHEAR_X: m[1] = value; break;
    case RFY_AUGMENT_SHEAR_Y: m[3] = value; break;
    case RFY_AUGMENT_TRANSLATE_X: m[2] = value; break;
    case RFY_AUGMENT_TRANSLATE_Y: m[5] = value; break;
    case RFY_AUGMENT_ROTATE: {
      // Image.rotate(value, BILINEAR) without expand/center: the inverse rotation about the image centre.
      const double angle = -value * 3.14159265358979323846 / 180.0;
      const double cx = width / 2.0, cy = height / 2.0;
      m[0] = round15(std::cos(angle));
      m[1] = round15(std::sin(angle));
      m[3] = round15(-std::sin(angle));
      m[4] = round15(std::cos(angle));
      m[2] = m[0] * -cx + m[1] * -cy + cx;
      m[5] = m[3] * -cx + m[4] * -cy + cy;
      break;
    }
    default: break;
  }
  return s;
}

double op_value(int op, double level, bool negate, int height, int width) {
  const double sign = negate ? -1.0 : 1.0;
  switch (op) {
    case RFY_AUGMENT_POSTERIZE: return 4 - static_cast<int>(level * 4 / 10);
    case RFY_AUGMENT_ROTATE: return sign * static_cast<int>(level * 30 / 10);
    case RFY_AUGMENT_SOLARIZE: return 256 - static_cast<int>(level * 256 / 10);
    case RFY_AUGMENT_SHEAR_X:
    case RFY_AUGMENT_SHEAR_Y: return sign * (level * 0.3 / 10);
    case RFY_AUGMENT_TRANSLATE_X: return sign * static_cast<int>(level * (width / 3.0) / 10);
    case RFY_AUGMENT_TRANSLATE_Y: return sign * static_cast<int>(level * (height / 3.0) / 10);
    case RFY_AUGMENT_COLOR:
    case RFY_AUGMENT_CONTRAST:
    case RFY_AUGMENT_BRIGHTNESS:
    case RFY_AUGMENT_SHARPNESS: return level * 1.8 / 10 + 0.1;
    default: return 0.0;  // autocontrast, equalize take no argument
  }
}

Task augmix_task(const AugKey& key, const AugMixSettings& s, int height, int width) {
  Task t{};
  t.sample_id = key.sample_id;
  t.width = s.width;
  int enabled[RFY_AUGMENT_OP_COUNT];
  const int count = enabled_ops(s.ops, enabled);
  double gammas[kMaxWidth], total = 0.0;
  for (int i = 0; i < s.width; ++i) total += gammas[i] = gamma_draw(key, kStreamGamma, i, s.alpha);
  for (int i = 0; i < s.width; ++i) t.ws[i] = static_cast<float>(gammas[i] / total);
  const double x = gamma_draw(key, kStreamGamma, kMaxWidth, s.alpha);
  const double y = gamma_draw(key, kStreamGamma, kMaxWidth + 1, s.alpha);
  t.m = static_cast<float>(x / (x + y));
  for (int i = 0; i < s.width; ++i) {
    t.depth[i] = s.depth > 0 ? s.depth : 1 + static_cast<int>(draw(key, kStreamDepth, i).v[0] % 3u);
    for (int k = 0; k < t.depth[i]; ++k) {
      const corrupt::U32x4 r = draw(key, kStreamChain, static_cast<uint64_t>(i) * kMaxDepth + k);
      t.steps[i][k] = random_step(r, enabled, count, s.severity, height, width);
    }
  }
  return t;
}

PixMixTask pixmix_task(const AugKey& key, const PixMixSettings& s, int height, int width) {
  PixMixTask t{};
  t.sample_id = key.sample_id;
  t.seed = key.seed;
  t.view = key.view;
  int enabled[RFY_AUGMENT_OP_COUNT];
  const int count = enabled_ops(s.ops, enabled);
  // Draw 0: the start (word 0), the round count (word 1), the picture (words 2, 3); draw 1: the first augment.
  const corrupt::U32x4 head = draw(key, kStreamPixMix, 0);
  t.augment_first = (head.v[0] & 1u) != 0;
  t.rounds = static_cast<int32_t>(head.v[1] % static_cast<uint32_t>(s.k + 1));
  t.picture = s.pictures > 0
                  ? static_cast<int32_t>(((static_cast<uint64_t>(head.v[2]) << 32) | head.v[3]) %
                                         static_cast<uint64_t>(s.pictures))
                  : -1;
  t.first = random_step(draw(key, kStreamPixMix, 1), enabled, count, s.severity, height, width);
  for (int r = 0; r < t.rounds; ++r) {
    MixRound& m = t.round[r];
    const corrupt::U32x4 choice = draw(key, kStreamPixMix, 2 + 2 * static_cast<uint64_t>(r));
    m.from_picture = (choice.v[0] & 1u) == 0;
    m.multiply = (choice.v[1] & 1u) != 0;
    if ((choice.v[2] & 1u) != 0) {
      m.a = static_cast<float>(beta_draw(key, 2 * r, s.beta, 1.0));
      m.b = static_cast<float>(beta_draw(key, 2 * r + 1, 1.0, s.beta));
    } else {
      m.a = 1.0f + static_cast<float>(beta_draw(key, 2 * r, 1.0, s.beta));
      m.b = -static_cast<float>(beta_draw(key, 2 * r + 1, 1.0, s.beta));
    }
    m.step = random_step(draw(key, kStreamPixMix, 3 + 2 * static_cast<uint64_t>(r)), enabled, count, s.severity,
                         height, width);
  }
  return t;
}

Task single_op_task(int op, double value, int height, int width) {
  Task t{};
  t.width = 1;
  t.depth[0] = 1;
  t.ws[0] = 1.0f;
  t.m = 1.0f;
  t.steps[0][0] = make_step(op, value, height, width);
  return t;
}

}  // namespace rfy::augment
