// The reference path: plain single-threaded code that follows the published algorithms step by step (direct 2-D
// convolutions, the sequential glass-blur walk, ...). It is the ground truth the fast and CUDA paths are checked
// against. Each function rewrites s.img in place and may use s.scratch (sized by the op's *_scratch function).
#pragma once

#include "corrupt/sample.h"

namespace rfy::corrupt::reference {

void gaussian_noise(const Sample& s);
void shot_noise(const Sample& s);
void impulse_noise(const Sample& s);
void speckle_noise(const Sample& s);
void brightness(const Sample& s);
void contrast(const Sample& s);
void saturate(const Sample& s);
void defocus_blur(const Sample& s);
void glass_blur(const Sample& s);
void motion_blur(const Sample& s);
void zoom_blur(const Sample& s);
void gaussian_blur(const Sample& s);
void snow(const Sample& s);
void frost(const Sample& s);
void fog(const Sample& s);
void spatter(const Sample& s);
void elastic_transform(const Sample& s);
void pixelate(const Sample& s);
void jpeg_compression(const Sample& s);

// Dispatches on s.corruption (IDENTITY leaves the image unchanged).
void corrupt_sample(const Sample& s);

}  // namespace rfy::corrupt::reference
