#include "core/cuda_backend.h"
#include "core/error.h"
#include "core/nvtx.h"
#include "preprocess/normalize.h"

extern "C" RFY_API rfy_status rfy_normalize_images(const rfy_tensor* src, const rfy_tensor* dst, const float* mean,
                                                   const float* std, int32_t path, rfy_cuda_stream stream) {
  return rfy::guard("rfy_normalize_images", [&] {
    rfy::validate_normalize(src, dst, mean, std);
    rfy::require(path == RFY_PATH_FAST || path == RFY_PATH_REFERENCE, "path must be RFY_PATH_FAST (0) or ",
                 "RFY_PATH_REFERENCE (1); got ", path);
    if (src->device_type == RFY_CUDA) {
      rfy::require(path == RFY_PATH_FAST, "RFY_PATH_REFERENCE runs on CPU tensors only");
      rfy::check_backend(rfy::cuda_backend().normalize_images(src, dst, mean, std, stream));
      return;
    }
    rfy::ScopedRange range("rfy_normalize_images/cpu");
    if (path == RFY_PATH_REFERENCE)
      rfy::normalize_images_reference(*src, *dst, mean, std);
    else
      rfy::normalize_images_fast(*src, *dst, mean, std);
  });
}
