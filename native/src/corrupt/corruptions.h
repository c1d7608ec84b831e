// The list of corruptions as an X-macro, for dispatch tables that must name every one.
#pragma once

#include "robustify/corrupt.h"

// X(ENUM_SUFFIX, name) for all 19 corruptions, in enum order.
#define RFY_CORRUPTIONS(X)                                                                                   \
  X(GAUSSIAN_NOISE, gaussian_noise) X(SHOT_NOISE, shot_noise) X(IMPULSE_NOISE, impulse_noise)               \
  X(DEFOCUS_BLUR, defocus_blur) X(GLASS_BLUR, glass_blur) X(MOTION_BLUR, motion_blur) X(ZOOM_BLUR, zoom_blur) \
  X(SNOW, snow) X(FROST, frost) X(FOG, fog) X(BRIGHTNESS, brightness) X(CONTRAST, contrast)                   \
  X(ELASTIC_TRANSFORM, elastic_transform) X(PIXELATE, pixelate) X(JPEG_COMPRESSION, jpeg_compression)        \
  X(SPECKLE_NOISE, speckle_noise) X(GAUSSIAN_BLUR, gaussian_blur) X(SPATTER, spatter) X(SATURATE, saturate)
