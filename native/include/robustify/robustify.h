/*
 * Robustify native core: the plain C ABI.
 *
 * Why a C ABI on raw pointers: the JavaCPP preset jars ship no libtorch headers, and a C ABI has no coupling to a
 * libtorch (or any framework) version, so the same library serves Java, C++ and anything with an FFI.
 *
 * Conventions, true of every entry point:
 *  - Functions return rfy_status; on failure rfy_last_error() holds a message naming the problem. The message is
 *    thread-local and stays valid until the next failing call on the same thread.
 *  - Callers own every buffer: kernels never allocate. Outputs and workspaces are passed in, so memory comes from
 *    whatever allocator the caller uses (libtorch's caching allocator, in the Java layer).
 *  - Tensors are described by rfy_tensor (pointer, dtype, logical shape, element strides, device). Strides make
 *    NHWC vs NCHW a matter of description, not a separate code path for the caller.
 *  - Work on CUDA tensors is enqueued on the explicit stream argument (NULL means the legacy default stream) and
 *    is asynchronous; CPU work is synchronous and uses the library's thread pool (rfy_set_num_threads).
 */
#ifndef ROBUSTIFY_ROBUSTIFY_H
#define ROBUSTIFY_ROBUSTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "robustify/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: MAJOR changes break callers; MINOR adds entry points. */
#define RFY_ABI_VERSION_MAJOR 0
#define RFY_ABI_VERSION_MINOR 3

typedef enum rfy_status {
  RFY_OK = 0,
  RFY_ERR_INVALID_ARGUMENT = 1, /* a shape, dtype, stride, pointer or option is wrong; the message says which */
  RFY_ERR_UNSUPPORTED = 2,      /* valid request this build cannot serve (e.g. a dtype not implemented) */
  RFY_ERR_NO_CUDA = 3,          /* CUDA tensor given but no CUDA backend/device is available */
  RFY_ERR_CUDA = 4,             /* a CUDA runtime call failed; the message carries cudaGetErrorString */
  RFY_ERR_INTERNAL = 5          /* a bug: please report with the message */
} rfy_status;

typedef enum rfy_dtype {
  RFY_UINT8 = 0,
  RFY_FLOAT32 = 1,
  RFY_FLOAT16 = 2,
  RFY_BFLOAT16 = 3,
  RFY_FLOAT64 = 4,
  RFY_INT32 = 5,
  RFY_INT64 = 6
} rfy_dtype;

typedef enum rfy_device_type { RFY_CPU = 0, RFY_CUDA = 1 } rfy_device_type;

/* Which implementation serves a CPU call. CUDA tensors always take the CUDA path. */
typedef enum rfy_path {
  RFY_PATH_FAST = 0,      /* multi-threaded, vectorisable CPU code (default) */
  RFY_PATH_REFERENCE = 1  /* plain single-threaded loops: the ground truth the fast paths are checked against */
} rfy_path;

#define RFY_MAX_DIMS 8

typedef struct rfy_tensor {
  void* data;            /* first element; may be NULL only when the tensor has no elements */
  int32_t dtype;         /* rfy_dtype */
  int32_t device_type;   /* rfy_device_type */
  int32_t device_index;  /* CUDA ordinal; 0 for CPU */
  int32_t ndim;          /* 0..RFY_MAX_DIMS */
  int64_t shape[RFY_MAX_DIMS];
  int64_t strides[RFY_MAX_DIMS]; /* in elements, as libtorch reports them; may be any non-negative values */
} rfy_tensor;

/* Same type as cudaStream_t, declared here so callers need no CUDA headers. */
typedef struct CUstream_st* rfy_cuda_stream;

/* ---- Errors, versions, build ---- */
RFY_API const char* rfy_last_error(void);
RFY_API const char* rfy_status_name(rfy_status status);
RFY_API void rfy_abi_version(int32_t* major, int32_t* minor);
/* Library version string, e.g. "0.1.0". */
RFY_API const char* rfy_version(void);
/* One line of build facts: compiler, flags, SIMD, NVTX, CUDA backend availability at build time. */
RFY_API const char* rfy_build_info(void);

/* ---- Threads ---- */
/* Size of the CPU thread pool used by the fast paths (>= 1; the calling thread counts as one). */
RFY_API rfy_status rfy_set_num_threads(int32_t threads);
RFY_API int32_t rfy_get_num_threads(void);

/* ---- Host memory ---- */
/* Keeps freed host memory in the process instead of returning it to the kernel after every training step (glibc:
 * mmap threshold 256 MiB, trim threshold 1 GiB). Training loops free and re-allocate the same multi-MB activation
 * buffers each step; with glibc's defaults every step page-faults them in again. Pair it with MALLOC_ARENA_MAX=1 in
 * the environment before the process starts: per-thread arenas are 64 MiB heaps that glibc deletes and re-creates
 * regardless of these thresholds. Measured (cnn-small, batch 64, 2 cores): both 25 ms per step; either alone 45-90.
 * Costs: resident memory stays at its peak. Returns RFY_ERR_UNSUPPORTED on C libraries without mallopt. */
RFY_API rfy_status rfy_tune_host_allocator(void);

/* ---- Profiling (NVTX ranges in builds with the CUDA toolkit; no-ops otherwise) ---- */
RFY_API void rfy_range_push(const char* name);
RFY_API void rfy_range_pop(void);
/* 1 when this build emits NVTX ranges. */
RFY_API int32_t rfy_nvtx_enabled(void);

/* ---- CUDA backend ---- */
/* Number of CUDA devices the driver reports, probed through libcuda without loading any CUDA runtime.
 * Writes 0 and returns RFY_OK when there is no driver. */
RFY_API rfy_status rfy_cuda_device_count(int32_t* count);
/* Loads the CUDA backend library (librobustify_cuda.so). path == NULL searches beside this library, then the
 * dynamic loader's path. Idempotent. Fails with RFY_ERR_NO_CUDA naming the reason when it cannot be loaded. */
RFY_API rfy_status rfy_cuda_backend_load(const char* path);
/* 1 when a backend is loaded. */
RFY_API int32_t rfy_cuda_backend_loaded(void);

/* ---- Kernel family: preprocess ---- */
/*
 * dst[n,c,h,w] = (src[n,c,h,w] * scale - mean[c]) / std[c], with scale = 1/255 for uint8 sources and 1 for
 * float32 sources. Both tensors are 4-D with logical shape (N, C, H, W); layout is carried by the strides, so an
 * NHWC uint8 batch is passed as its NCHW permutation. src: uint8 or float32; dst: float32; same device.
 * mean and std are host arrays of C floats (std > 0). Use mean = 0, std = 1 for a plain conversion.
 */
RFY_API rfy_status rfy_normalize_images(const rfy_tensor* src, const rfy_tensor* dst, const float* mean,
                                        const float* std, int32_t path, rfy_cuda_stream stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ROBUSTIFY_ROBUSTIFY_H */
