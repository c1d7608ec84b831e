// What one sample's augmentation does, resolved on the host before any pixel is touched: the op chains with their
// Pillow arguments (and, for the geometric ops, the inverse affine matrix Pillow would use) and the mixing weights.
// The CPU paths and the CUDA kernel read the same table, so every path mixes with the same numbers.
#pragma once

#include <cstdint>

namespace rfy::augment {

constexpr int kMaxWidth = 8;
constexpr int kMaxDepth = 3;

struct Step {
  int32_t op;       // rfy_augment_op
  int32_t reserved;
  double value;     // the op's Pillow argument (rfy_augment_op)
  double m[6];      // geometric ops: Pillow's inverse affine coefficients (output pixel centre -> input position)
};

struct Task {
  int64_t sample_id;
  float m;                  // weight of the augmented mix against the original
  float ws[kMaxWidth];      // chain weights, summing to 1
  int32_t width;
  int32_t depth[kMaxWidth];
  Step steps[kMaxWidth][kMaxDepth];
};

constexpr int kMaxRounds = 8;

struct MixRound {
  int32_t from_picture;  // 1: the partner is the mixing picture; 0: augment(image) by `step`
  int32_t multiply;      // 1: multiply, 0: add
  float a, b;            // get_ab coefficients
  Step step;
};

struct PixMixTask {
  int64_t sample_id;
  uint64_t seed;
  uint32_t view;
  int32_t augment_first;  // 1: mixed starts as augment(image) by `first`
  int32_t rounds;
  int32_t picture;        // index into the caller's mixing pictures; -1: procedural
  Step first;
  MixRound round[kMaxRounds];
};

// The caller's PixMix mixing pictures: uint8 [K, H, W, C], element strides of the 4 dims.
struct Pictures {
  const uint8_t* data;  // nullptr: procedural
  int64_t count;
  int64_t stride[4];
};

// Whether `op` resamples through an affine map.
inline constexpr bool is_geometric(int op) { return op >= 3 && op <= 8 && op != 4; }

}  // namespace rfy::augment
