// CUDA runtime failures become rfy::Error(RFY_ERR_CUDA) carrying the call site and cudaGetErrorString.
#pragma once

#include <cuda_runtime.h>

#include "core/error.h"

#define RFY_CUDA_CHECK(expr)                                                                              \
  do {                                                                                                    \
    const cudaError_t rfy_cuda_status_ = (expr);                                                          \
    if (rfy_cuda_status_ != cudaSuccess)                                                                  \
      ::rfy::fail(RFY_ERR_CUDA, #expr, " failed: ", cudaGetErrorName(rfy_cuda_status_), ": ",             \
                  cudaGetErrorString(rfy_cuda_status_));                                                  \
  } while (0)
