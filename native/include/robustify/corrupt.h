/*
 * Kernel family: corrupt. The 15 ImageNet-C benchmark corruptions and the 4 validation extras, severities 1-5,
 * computed on the fly on batches of images, with a per-sample (corruption, severity) list so a training batch is
 * corrupted in one call.
 *
 * Images: src and dst are 4-D with logical shape (N, C, H, W), C = 1 or 3, uint8 (0..255) or float32 ([0, 1]);
 * layout is carried by the strides, so an NHWC batch is passed as its NCHW permutation. dst has src's shape and
 * dtype and must not overlap it. Outputs are clipped to the input range; uint8 outputs truncate (as the published
 * generator's np.uint8 does).
 *
 * Randomness is counter-based (Philox-4x32-10) and keyed by (seed, sample id, corruption, severity, draw index):
 * a sample's result depends on neither the batch it came in, nor the thread count, nor the device. The CPU and
 * CUDA paths draw the same random integers; float transforms of them (log, sin) may differ in the last ulp.
 *
 * Paths: RFY_PATH_REFERENCE runs plain single-threaded code that follows the published algorithms step by step
 * (glass_blur keeps their sequential pixel walk); RFY_PATH_FAST runs the optimised code on the thread pool, one
 * sample per worker; CUDA tensors run the same optimised code on the GPU, one thread block per sample.
 * glass_blur's reference walks the pixels one by one as the published code does; the fast and CUDA paths compute
 * every pixel of a pass in parallel by following its chain of copies back to a pixel the walk had not yet
 * replaced, which gives the sequential walk's result from the same draws.
 *
 * Parameters come from a preset (the published per-severity constants for ImageNet at 224 px, Tiny-ImageNet at
 * 64 px, CIFAR at 32 px); RFY_CORRUPT_PRESET_AUTO picks by min(H, W): >= 160 imagenet, >= 48 tinyimagenet, else
 * cifar. Any H x W works; see docs in README ("Corruption engine") for how each parameter applies to other sizes
 * and to 1-channel images.
 *
 * Memory: kernels never allocate. rfy_corrupt_workspace_size says how many bytes of workspace a call needs (on the
 * images' device); pass at least that many as a uint8 tensor.
 */
#ifndef ROBUSTIFY_CORRUPT_H
#define ROBUSTIFY_CORRUPT_H

#include "robustify/robustify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rfy_corruption {
  RFY_CORRUPT_IDENTITY = -1, /* copy the sample unchanged (a clean sample inside a mixed batch) */
  RFY_CORRUPT_GAUSSIAN_NOISE = 0,
  RFY_CORRUPT_SHOT_NOISE = 1,
  RFY_CORRUPT_IMPULSE_NOISE = 2,
  RFY_CORRUPT_DEFOCUS_BLUR = 3,
  RFY_CORRUPT_GLASS_BLUR = 4,
  RFY_CORRUPT_MOTION_BLUR = 5,
  RFY_CORRUPT_ZOOM_BLUR = 6,
  RFY_CORRUPT_SNOW = 7,
  RFY_CORRUPT_FROST = 8,
  RFY_CORRUPT_FOG = 9,
  RFY_CORRUPT_BRIGHTNESS = 10,
  RFY_CORRUPT_CONTRAST = 11,
  RFY_CORRUPT_ELASTIC_TRANSFORM = 12,
  RFY_CORRUPT_PIXELATE = 13,
  RFY_CORRUPT_JPEG_COMPRESSION = 14,
  /* validation extras (not part of mCE) */
  RFY_CORRUPT_SPECKLE_NOISE = 15,
  RFY_CORRUPT_GAUSSIAN_BLUR = 16,
  RFY_CORRUPT_SPATTER = 17,
  RFY_CORRUPT_SATURATE = 18
} rfy_corruption;

#define RFY_CORRUPTION_COUNT 19
#define RFY_CORRUPTION_BENCHMARK_COUNT 15

typedef enum rfy_corrupt_preset {
  RFY_CORRUPT_PRESET_AUTO = 0,
  RFY_CORRUPT_PRESET_IMAGENET = 1,
  RFY_CORRUPT_PRESET_TINYIMAGENET = 2,
  RFY_CORRUPT_PRESET_CIFAR = 3
} rfy_corrupt_preset;

typedef struct rfy_corrupt_options {
  uint64_t seed;
  int32_t preset;                   /* rfy_corrupt_preset */
  int32_t reserved0;                /* 0 */
  const rfy_tensor* frost_textures; /* NULL: procedural frost (our own generator). Otherwise uint8 [K, Ht, Wt, 3]
                                       RGB photos (e.g. the ImageNet-C frost images) on the images' device, stride 1
                                       over channels; each at least as large as the images. */
  int64_t reserved[4];              /* 0 */
} rfy_corrupt_options;

/* seed 0, preset AUTO, procedural frost. */
RFY_API void rfy_corrupt_default_options(rfy_corrupt_options* options);

/* "gaussian_noise", ..., "saturate" ("identity" for RFY_CORRUPT_IDENTITY); NULL for an unknown value. */
RFY_API const char* rfy_corruption_name(int32_t corruption);
/* The rfy_corruption of a name; RFY_ERR_INVALID_ARGUMENT listing the valid names when unknown. */
RFY_API rfy_status rfy_corruption_from_name(const char* name, int32_t* corruption);
/* "imagenet", "tinyimagenet", "cifar" or "auto". */
RFY_API const char* rfy_corrupt_preset_name(int32_t preset);
/* The preset a call with `preset` uses for H x W images (resolves AUTO). */
RFY_API int32_t rfy_corrupt_resolve_preset(int32_t preset, int64_t height, int64_t width);
/* The preset's constants for one (corruption, severity), in the order of the spec's tuples, zero-padded to 8. */
RFY_API rfy_status rfy_corrupt_parameters(int32_t corruption, int32_t severity, int32_t preset, float out[8]);

typedef struct rfy_corrupt_batch {
  const rfy_tensor* src;        /* [N, C, H, W] uint8 or float32 */
  const rfy_tensor* dst;        /* same shape and dtype, same device, not overlapping src */
  const int32_t* corruptions;   /* host array [N]: an rfy_corruption per sample */
  const int32_t* severities;    /* host array [N]: 1..5 per sample (ignored for IDENTITY) */
  const int64_t* sample_ids;    /* host array [N]: the random key of each sample (e.g. its dataset index);
                                   NULL means 0..N-1 */
  const rfy_tensor* workspace;  /* uint8 [bytes] on the images' device; may be NULL when the size is 0 */
} rfy_corrupt_batch;

/* Bytes of workspace rfy_corrupt_images needs for this batch on this path (src, corruptions, severities and the
 * options' preset are read; other fields may be NULL). CPU sizes depend on the current thread count. */
RFY_API rfy_status rfy_corrupt_workspace_size(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options,
                                              int32_t path, int64_t* bytes);

RFY_API rfy_status rfy_corrupt_images(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options,
                                      int32_t path, rfy_cuda_stream stream);

#ifdef __cplusplus
}
#endif

#endif
