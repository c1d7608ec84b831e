// Host-side draws of one sample's augmentation (AugMix's mixing weights and op chains) and the Pillow arguments of
// each op, including the inverse affine matrices of the geometric ops.
#pragma once

#include <cstdint>

#include "augment/random.h"
#include "augment/task.h"

namespace rfy::augment {

struct AugMixSettings {
  int width, depth, severity;
  double alpha;
  uint32_t ops;  // resolved, non-empty mask
};

struct PixMixSettings {
  int k, severity;
  double beta;
  uint32_t ops;          // resolved, non-empty mask
  int64_t pictures;      // the caller's mixing pictures (K), or 0: procedural
};

// Gamma(shape, 1) by Marsaglia and Tsang (2000) from Philox normals and uniforms; shape < 1 uses the boost
// Gamma(shape + 1) * U^(1 / shape). `variate` numbers the independent Gamma draws of one key.
double gamma_draw(const AugKey& key, uint32_t stream, uint32_t variate, double shape);

// One step with its Pillow argument `value` for an H x W image (fills the affine matrix of geometric ops).
Step make_step(int op, double value, int height, int width);

// The argument augmentations.py gives `op` at `level` (level in [0.1, severity]) with a random sign bit.
double op_value(int op, double level, bool negate, int height, int width);

// One AugMix view of one sample: chain depths, ops, levels, signs, Dirichlet weights and the Beta mix.
Task augmix_task(const AugKey& key, const AugMixSettings& s, int height, int width);

// One PixMix view of one sample: the starting image, the rounds with their partners, mix ops and coefficients.
PixMixTask pixmix_task(const AugKey& key, const PixMixSettings& s, int height, int width);

// A task applying exactly one step (rfy_augment_op_images): width 1, depth 1, m = 1.
Task single_op_task(int op, double value, int height, int width);

}  // namespace rfy::augment
