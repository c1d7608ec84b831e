// The function table through which the core reaches the CUDA backend library. The backend fills it; the core
// loads the backend with dlopen only when asked (rfy_cuda_backend_load), so CPU-only hosts never touch CUDA.
#pragma once

#include "robustify/augment.h"
#include "robustify/corrupt.h"
#include "robustify/distill.h"
#include "robustify/robustify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rfy_cuda_backend_v1 {
  int32_t abi_major;
  int32_t abi_minor;
  rfy_status (*device_count)(int32_t* count);
  rfy_status (*normalize_images)(const rfy_tensor* src, const rfy_tensor* dst, const float* mean, const float* std,
                                 rfy_cuda_stream stream);
  rfy_status (*distill_loss)(const rfy_distill_pair* pairs, int32_t num_pairs, const rfy_tensor* labels,
                             rfy_cuda_stream stream);
  rfy_status (*corrupt_images)(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options,
                               rfy_cuda_stream stream);
  // ABI 0.3: the augment family (AugMix, PixMix, single ops).
  rfy_status (*augmix_images)(const rfy_augment_batch* batch, const rfy_augmix_options* options,
                              rfy_cuda_stream stream);
  rfy_status (*pixmix_images)(const rfy_augment_batch* batch, const rfy_pixmix_options* options,
                              rfy_cuda_stream stream);
  rfy_status (*augment_op_images)(const rfy_augment_batch* batch, int32_t op, double value, rfy_cuda_stream stream);
} rfy_cuda_backend_v1;

#define RFY_CUDA_BACKEND_SYMBOL "rfy_cuda_backend_get_v1"
typedef const rfy_cuda_backend_v1* (*rfy_cuda_backend_get_fn)(void);

#ifdef __cplusplus
}

namespace rfy {
// The loaded backend; throws RFY_ERR_NO_CUDA naming the reason when none is loaded.
const rfy_cuda_backend_v1& cuda_backend();
// Forwards a backend failure, whose message the backend already set, as an exception.
void check_backend(rfy_status status);
}  // namespace rfy
#endif
