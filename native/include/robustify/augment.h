/*
 * Kernel family: augment. Training augmentations of the robustify method: AugMix (Hendrycks et al., ICLR 2020,
 * the official `augmix` repository's augment_and_mix) and PixMix (below), each as one call over a batch.
 *
 * Images: src is 4-D with logical shape (N, C, H, W), C = 1 or 3, uint8 (0..255) or float32 ([0, 1], rounded to
 * 8 bits on load because the ops are Pillow's 8-bit ops); dst is float32 of src's shape, values in [0, 1]. Layout
 * is carried by the strides (an NHWC batch is passed as its NCHW permutation); dst may use other strides than src.
 *
 * The ops follow the augmix repository's augmentations.py on Pillow images: autocontrast, equalize, posterize,
 * rotate, solarize, shear_x, shear_y, translate_x, translate_y, plus (all_ops) color, contrast, brightness,
 * sharpness. Each op works on 8-bit values and rounds/truncates as Pillow does; histogram ops work per channel.
 * The per-op magnitudes use the image's own width/height where augmentations.py uses IMAGE_SIZE.
 *
 * Randomness is counter-based (Philox-4x32-10) keyed by (seed, sample id, view, draw): a sample's result depends on
 * neither the batch it came in, the thread count nor the device. Call twice with view 1 and 2 for the two
 * augmented views of the JSD consistency loss. The mixing weights (Dirichlet(alpha) via Marsaglia-Tsang Gamma
 * draws, Beta(alpha, alpha)) and the op chains are drawn on the host, so every path mixes with the same numbers.
 *
 * Paths: RFY_PATH_REFERENCE runs plain single-threaded per-op code written after Pillow's C sources;
 * RFY_PATH_FAST runs the optimised op source on the thread pool, one sample per worker; CUDA tensors run the same
 * op source on the GPU, one thread block per sample.
 *
 * Memory: kernels never allocate. rfy_augmix_workspace_size says how many bytes a call needs on the images'
 * device; pass at least that many as a contiguous 1-D uint8 tensor.
 */
#ifndef ROBUSTIFY_AUGMENT_H
#define ROBUSTIFY_AUGMENT_H

#include "robustify/robustify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rfy_augment_op {
  RFY_AUGMENT_AUTOCONTRAST = 0,
  RFY_AUGMENT_EQUALIZE = 1,
  RFY_AUGMENT_POSTERIZE = 2,   /* value: bits kept, 0..8 */
  RFY_AUGMENT_ROTATE = 3,      /* value: degrees, counter-clockwise (Pillow's Image.rotate) */
  RFY_AUGMENT_SOLARIZE = 4,    /* value: threshold 0..256 (pixels >= threshold are inverted) */
  RFY_AUGMENT_SHEAR_X = 5,     /* value: shear factor (affine (1, v, 0, 0, 1, 0)) */
  RFY_AUGMENT_SHEAR_Y = 6,     /* value: shear factor (affine (1, 0, 0, v, 1, 0)) */
  RFY_AUGMENT_TRANSLATE_X = 7, /* value: pixels (affine (1, 0, v, 0, 1, 0)) */
  RFY_AUGMENT_TRANSLATE_Y = 8, /* value: pixels (affine (1, 0, 0, 0, 1, v)) */
  RFY_AUGMENT_COLOR = 9,       /* value: ImageEnhance factor; identity on 1-channel images */
  RFY_AUGMENT_CONTRAST = 10,   /* value: ImageEnhance factor */
  RFY_AUGMENT_BRIGHTNESS = 11, /* value: ImageEnhance factor */
  RFY_AUGMENT_SHARPNESS = 12   /* value: ImageEnhance factor */
} rfy_augment_op;

#define RFY_AUGMENT_OP_COUNT 13
/* Op masks (bit k = rfy_augment_op k): the augmix repository's `augmentations` and `augmentations_all` lists. */
#define RFY_AUGMENT_OPS_AUGMIX 0x1FFu
#define RFY_AUGMENT_OPS_ALL 0x1FFFu

typedef struct rfy_augmix_options {
  uint64_t seed;
  int32_t width;    /* chains per image, 1..8 (default 3) */
  int32_t depth;    /* ops per chain, 1..3, or -1: uniform in 1..3 per chain (default -1) */
  int32_t severity; /* 1..10: each op's level is uniform in [0.1, severity] (default 3) */
  float alpha;      /* > 0: Dirichlet(alpha) chain weights and Beta(alpha, alpha) mix (default 1) */
  int32_t all_ops;  /* 0: the 9 AugMix ops; 1: also color, contrast, brightness, sharpness (default 0) */
  uint32_t ops;     /* 0: the set all_ops chooses; else a non-empty mask of rfy_augment_op bits to draw from */
  int64_t reserved[4]; /* 0 */
} rfy_augmix_options;

typedef struct rfy_augment_batch {
  const rfy_tensor* src;       /* [N, C, H, W] uint8 or float32 */
  const rfy_tensor* dst;       /* float32 [N, C, H, W], same device, not overlapping src */
  const int64_t* sample_ids;   /* host array [N]: each sample's random key (e.g. its dataset index); NULL: 0..N-1 */
  int32_t view;                /* >= 0: which augmented view (independent draws per view) */
  int32_t reserved0;           /* 0 */
  const rfy_tensor* workspace; /* uint8 [bytes] on the images' device; may be NULL when the size is 0 */
} rfy_augment_batch;

/* seed 0, width 3, depth -1, severity 3, alpha 1, all_ops 0, ops 0. */
RFY_API void rfy_augmix_default_options(rfy_augmix_options* options);

/* "autocontrast", ..., "sharpness"; NULL for an unknown value. */
RFY_API const char* rfy_augment_op_name(int32_t op);

/* Bytes of workspace rfy_augmix_images needs (src and options are read; other fields may be NULL). CPU sizes
 * depend on the current thread count. */
RFY_API rfy_status rfy_augmix_workspace_size(const rfy_augment_batch* batch, const rfy_augmix_options* options,
                                             int32_t path, int64_t* bytes);

/* dst = (1 - m) * image + m * sum_i ws_i * chain_i(image), per sample, in [0, 1]. */
RFY_API rfy_status rfy_augmix_images(const rfy_augment_batch* batch, const rfy_augmix_options* options,
                                     int32_t path, rfy_cuda_stream stream);

/* One op with an explicit Pillow argument `value` (see rfy_augment_op) on every sample: dst = op(image) / 255.
 * No randomness (view and sample_ids are ignored). Same workspace size as rfy_augmix_images with width 1. */
RFY_API rfy_status rfy_augment_op_workspace_size(const rfy_augment_batch* batch, int32_t path, int64_t* bytes);
RFY_API rfy_status rfy_augment_op_images(const rfy_augment_batch* batch, int32_t op, double value, int32_t path,
                                         rfy_cuda_stream stream);

/* ---- PixMix (Hendrycks et al., CVPR 2022, the official `PixMix` repository's pixmix()) ----
 * Per image: mixed = augment(image) with probability 1/2, else the image; then randint(0..k) times: the partner is
 * augment(image) w.p. 1/2, else the image's mixing picture; the mix is add or multiply (1/2 each) with PixMix's
 * get_ab(beta) coefficients (w.p. 1/2 a = Beta(beta, 1), b = Beta(1, beta); else a = 1 + Beta(1, beta),
 * b = -Beta(1, beta)); add: ((2x - 1) a + (2y - 1) b + 1) / 2, multiply: (2x)^a max(2y, 1e-37)^b / 2, clipped to
 * [0, 1] after each mix. augment() applies one op drawn uniformly from the op set at a level uniform in
 * [0.1, severity] (PixMix's augment_input).
 * Mixing pictures: the caller's uint8 [K, H, W, C] tensor (C and H x W as the images', any strides, on the images'
 * device; the picture of each image is drawn from the key), or with NULL a procedural fractal per image and view:
 * the corruption engine's diamond-square plasma (fog's generator, decay 2), one field per channel, rescaled to
 * [0, 1] and rounded to 8 bits. */
typedef struct rfy_pixmix_options {
  uint64_t seed;
  int32_t k;                         /* maximum number of mixing rounds, 0..8 (default 4) */
  float beta;                        /* > 0: get_ab's Beta parameter (default 3) */
  int32_t severity;                  /* 1..10: augment() level bound (default 3) */
  int32_t all_ops;                   /* 0: the 9 AugMix ops; 1: all 13 (default 0) */
  uint32_t ops;                      /* 0: the set all_ops chooses; else a mask of rfy_augment_op bits */
  int32_t reserved0;                 /* 0 */
  const rfy_tensor* mixing_pictures; /* NULL: procedural fractals; else uint8 [K >= 1, H, W, C] */
  int64_t reserved[4];               /* 0 */
} rfy_pixmix_options;

/* seed 0, k 4, beta 3, severity 3, all_ops 0, ops 0, procedural pictures. */
RFY_API void rfy_pixmix_default_options(rfy_pixmix_options* options);
RFY_API rfy_status rfy_pixmix_workspace_size(const rfy_augment_batch* batch, const rfy_pixmix_options* options,
                                             int32_t path, int64_t* bytes);
RFY_API rfy_status rfy_pixmix_images(const rfy_augment_batch* batch, const rfy_pixmix_options* options,
                                     int32_t path, rfy_cuda_stream stream);

#ifdef __cplusplus
}
#endif

#endif
