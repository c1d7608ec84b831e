/*
 * Robustify CUDA backend: direct entry points for C++ callers that already hold device pointers and a stream.
 * Link robustify::robustify_cuda. Every function enqueues on `stream` and returns without synchronising; launch
 * errors are reported (cudaGetLastError), asynchronous faults surface at the caller's next synchronisation.
 * The generic entry points of robustify.h reach the same kernels when given CUDA tensors.
 */
#ifndef ROBUSTIFY_ROBUSTIFY_CUDA_H
#define ROBUSTIFY_ROBUSTIFY_CUDA_H

#include "robustify/augment.h"
#include "robustify/corrupt.h"
#include "robustify/distill.h"
#include "robustify/robustify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Number of visible CUDA devices through the CUDA runtime (0 without a driver). */
RFY_API rfy_status rfy_cuda_runtime_device_count(int32_t* count);

/* See rfy_normalize_images. src and dst must be CUDA tensors on the current device. */
RFY_API rfy_status rfy_cuda_normalize_images(const rfy_tensor* src, const rfy_tensor* dst, const float* mean,
                                             const float* std, rfy_cuda_stream stream);

/* See rfy_distill_loss (robustify/distill.h). All tensors must be CUDA tensors on the current device. */
RFY_API rfy_status rfy_cuda_distill_loss(const rfy_distill_pair* pairs, int32_t num_pairs, const rfy_tensor* labels,
                                         rfy_cuda_stream stream);

/* See rfy_corrupt_images (robustify/corrupt.h). Images and workspace must be CUDA tensors on the current device. */
RFY_API rfy_status rfy_cuda_corrupt_images(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options,
                                           rfy_cuda_stream stream);

/* See rfy_augmix_images (robustify/augment.h). Images and workspace must be CUDA tensors on the current device. */
RFY_API rfy_status rfy_cuda_augmix_images(const rfy_augment_batch* batch, const rfy_augmix_options* options,
                                          rfy_cuda_stream stream);

/* See rfy_pixmix_images (robustify/augment.h). Images, mixing pictures and workspace must be CUDA tensors on the
 * current device. */
RFY_API rfy_status rfy_cuda_pixmix_images(const rfy_augment_batch* batch, const rfy_pixmix_options* options,
                                          rfy_cuda_stream stream);

/* See rfy_augment_op_images (robustify/augment.h). Images and workspace must be CUDA tensors on the current device. */
RFY_API rfy_status rfy_cuda_augment_op_images(const rfy_augment_batch* batch, int32_t op, double value,
                                              rfy_cuda_stream stream);

#ifdef __cplusplus
}
#endif

#endif
