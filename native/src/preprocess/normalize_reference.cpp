// The plain reference: one loop nest over the logical (N, C, H, W) index, strides applied literally.
#include <cstdint>

#include "preprocess/normalize.h"

namespace rfy {
namespace {

template <typename In>
void run(const rfy_tensor& src, const rfy_tensor& dst, const float* mean, const float* std, float scale) {
  const auto* in = static_cast<const In*>(src.data);
  auto* out = static_cast<float*>(dst.data);
  for (int64_t n = 0; n < src.shape[0]; ++n)
    for (int64_t c = 0; c < src.shape[1]; ++c)
      for (int64_t h = 0; h < src.shape[2]; ++h)
        for (int64_t w = 0; w < src.shape[3]; ++w) {
          const int64_t si = n * src.strides[0] + c * src.strides[1] + h * src.strides[2] + w * src.strides[3];
          const int64_t di = n * dst.strides[0] + c * dst.strides[1] + h * dst.strides[2] + w * dst.strides[3];
          out[di] = normalize_value(static_cast<float>(in[si]), scale, mean[c], std[c]);
        }
}

}  // namespace

void normalize_images_reference(const rfy_tensor& src, const rfy_tensor& dst, const float* mean, const float* std) {
  if (src.dtype == RFY_UINT8)
    run<uint8_t>(src, dst, mean, std, 1.0f / 255.0f);
  else
    run<float>(src, dst, mean, std, 1.0f);
}

}  // namespace rfy
