// PixMix's reference: the pixmix() loop of the official repository in plain per-pixel loops with libm's pow.
#include <algorithm>
#include <cmath>

#include "augment/reference/reference.h"

namespace rfy::augment::reference {
namespace {

float combine(float x, float y, int multiply, float a, float b) {
  float out;
  if (multiply) {
    out = std::pow(2.0f * x, a) * std::pow(std::max(2.0f * y, 1e-37f), b) / 2.0f;
  } else {
    out = (a * (2.0f * x - 1.0f) + b * (2.0f * y - 1.0f) + 1.0f) / 2.0f;
  }
  return out > 0.0f ? (out < 1.0f ? out : 1.0f) : 0.0f;
}

std::vector<float> to_unit(const Image8& im) {
  std::vector<float> v(im.px.size());
  for (size_t i = 0; i < v.size(); ++i) v[i] = im.px[i] * (1.0f / 255.0f);
  return v;
}

}  // namespace

std::vector<float> pixmix(const Image8& image, const PixMixTask& task, const std::vector<float>& picture) {
  std::vector<float> mixed = to_unit(task.augment_first ? apply_step(image, task.first) : image);
  for (int r = 0; r < task.rounds; ++r) {
    const MixRound& m = task.round[r];
    const std::vector<float> partner = m.from_picture ? picture : to_unit(apply_step(image, m.step));
    for (size_t i = 0; i < mixed.size(); ++i) mixed[i] = combine(mixed[i], partner[i], m.multiply, m.a, m.b);
  }
  return mixed;
}

}  // namespace rfy::augment::reference
