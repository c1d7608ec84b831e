// One sample as every corruption sees it, on every path: a planar float image in [0, 1] that the op rewrites in
// place, its scratch floats, its preset constants and its random key.
#pragma once

#include <cstdint>

#include "corrupt/parallel.h"
#include "corrupt/philox.h"

namespace rfy::corrupt {

constexpr int kMaxParams = 8;

// Optional user frost photos: uint8 RGB, [count, height, width, 3], element strides of the 4 dims.
struct FrostTextures {
  const uint8_t* data;  // nullptr: procedural frost
  int64_t count, height, width;
  int64_t stride[4];
};

struct Sample {
  float* img;              // planar [c][h][w], values in [0, 1]; the op reads and rewrites it
  int c, h, w;
  float* scratch;          // op_scratch_floats(...) floats, owned by this sample
  float p[kMaxParams];     // the preset's constants for (corruption, severity), in the spec's tuple order
  int corruption, severity, preset;
  int preset_size;         // the preset's reference image side: 224, 64 or 32
  RngKey key;
  FrostTextures frost;

  RFY_OP int64_t plane() const { return static_cast<int64_t>(h) * w; }
  RFY_OP int64_t size() const { return plane() * c; }
  RFY_OP float* channel(int ch) const { return img + ch * plane(); }
};

RFY_OP float clamp01(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }

// The uint8 a [0, 1] value stores as: truncation after * 255, as the reference's np.uint8 does. The + 1e-4 makes
// u / 255 * 255 come back as u rather than u - 1 when rounding lands an ulp low; NaN stores as 0.
RFY_OP uint8_t to_u8(float v) {
  const float clipped = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;  // branch-free, NaN -> 0
  return static_cast<uint8_t>(static_cast<int>(clipped * 255.0f + 1e-4f));
}
// The same, back in [0, 1]: for steps where the reference passes through an 8-bit image.
RFY_OP float quantize_u8(float v) { return static_cast<float>(to_u8(v)) * (1.0f / 255.0f); }

// BT.601 luma: the grey value of an RGB triple (1-channel images run colour-space ops as R = G = B, then this).
// Written as r + 0.587 (g - r) + 0.114 (b - r), which is exact when r = g = b: 0.299 r + 0.587 g + 0.114 b rounds
// to just below r there, and the truncating uint8 store would darken a third of the grey levels by one.
RFY_OP float luma(float r, float g, float b) { return r + 0.587f * (g - r) + 0.114f * (b - r); }

}  // namespace rfy::corrupt
