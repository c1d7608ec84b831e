// The reference path of the augment family: plain single-threaded loops over 8-bit planes written after Pillow's
// C sources (ImageOps, Geometry.c, Blend.c, Filter.c, ImageEnhance), independent of the optimised op source.
#pragma once

#include <cstdint>
#include <vector>

#include "augment/task.h"

namespace rfy::augment::reference {

struct Image8 {
  int c = 0, h = 0, w = 0;
  std::vector<uint8_t> px;  // planar [c][h][w]
  uint8_t& at(int ch, int y, int x) { return px[(static_cast<size_t>(ch) * h + y) * w + x]; }
  uint8_t at(int ch, int y, int x) const { return px[(static_cast<size_t>(ch) * h + y) * w + x]; }
};

// One op with its Pillow argument (and, for geometric ops, the matrix in `step`).
Image8 apply_step(const Image8& in, const Step& step);

// AugMix of one image: float values in [0, 1], planar.
std::vector<float> augmix(const Image8& image, const Task& task);

// PixMix of one image given its mixing picture (planar, values k / 255): float values in [0, 1], planar.
std::vector<float> pixmix(const Image8& image, const PixMixTask& task, const std::vector<float>& picture);

}  // namespace rfy::augment::reference
