#include <cmath>

#include "core/error.h"
#include "core/tensor_check.h"
#include "preprocess/normalize.h"

namespace rfy {

int64_t validate_normalize(const rfy_tensor* src_ptr, const rfy_tensor* dst_ptr, const float* mean, const float* std) {
  const rfy_tensor& src = check_tensor(src_ptr, "src");
  const rfy_tensor& dst = check_tensor(dst_ptr, "dst");
  require_ndim(src, "src", 4);
  require_dtype(src, "src", {RFY_UINT8, RFY_FLOAT32});
  require_dtype(dst, "dst", {RFY_FLOAT32});
  require_same_shape(src, "src (N, C, H, W)", dst, "dst");
  require_same_device(src, "src", dst, "dst");
  require_non_overlapping(dst, "dst");
  const int64_t channels = src.shape[1];
  require(channels == 0 || (mean != nullptr && std != nullptr), "mean and std must point to ", channels, " floats");
  for (int64_t c = 0; c < channels; ++c) {
    require(std::isfinite(mean[c]), "mean[", c, "] is not finite: ", mean[c]);
    require(std::isfinite(std[c]) && std[c] > 0.0f, "std[", c, "] must be finite and > 0; got ", std[c]);
  }
  return channels;
}

}  // namespace rfy
