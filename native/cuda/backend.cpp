// The table the core finds with dlsym after loading this library.
#include <cuda_runtime.h>

#include "core/cuda_backend.h"
#include "core/error.h"
#include "robustify/robustify_cuda.h"

extern "C" RFY_API rfy_status rfy_cuda_runtime_device_count(int32_t* count) {
  return rfy::guard("rfy_cuda_runtime_device_count", [&] {
    rfy::require(count != nullptr, "count is NULL");
    int n = 0;
    // No driver or no device is an answer (0), not an error.
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
      (void)cudaGetLastError();
      n = 0;
    }
    *count = n;
  });
}

extern "C" RFY_API const rfy_cuda_backend_v1* rfy_cuda_backend_get_v1(void) {
  static const rfy_cuda_backend_v1 table = {
      RFY_ABI_VERSION_MAJOR,
      RFY_ABI_VERSION_MINOR,
      &rfy_cuda_runtime_device_count,
      &rfy_cuda_normalize_images,
      &rfy_cuda_distill_loss,
      &rfy_cuda_corrupt_images,
      &rfy_cuda_augmix_images,
      &rfy_cuda_pixmix_images,
      &rfy_cuda_augment_op_images,
  };
  return &table;
}
