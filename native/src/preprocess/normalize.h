// Image normalisation (uint8/float -> normalised float32), the first kernel family: it turns decoded batches into
// model inputs without a round trip through several libtorch ops.
#pragma once

#include "core/host_device.h"
#include "robustify/robustify.h"

namespace rfy {

// Argument checks shared by every path (CPU reference, CPU fast, CUDA), so all paths reject the same inputs with
// the same messages. Returns the channel count.
int64_t validate_normalize(const rfy_tensor* src, const rfy_tensor* dst, const float* mean, const float* std);

void normalize_images_reference(const rfy_tensor& src, const rfy_tensor& dst, const float* mean, const float* std);
void normalize_images_fast(const rfy_tensor& src, const rfy_tensor& dst, const float* mean, const float* std);

// One element's arithmetic, spelled out once so every path rounds identically: CPU code builds with
// -ffp-contract=off and the device uses round-to-nearest intrinsics, so no path fuses the multiply-add.
RFY_HD inline float normalize_value(float x, float scale, float mean, float std) {
#if defined(__CUDA_ARCH__)
  return __fdiv_rn(__fsub_rn(__fmul_rn(x, scale), mean), std);
#else
  return (x * scale - mean) / std;
#endif
}

}  // namespace rfy
