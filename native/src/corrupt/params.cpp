// The published per-severity constants (../shared/spec/corruptions.md, from make_imagenet_c.py, make_cifar_c.py and
// make_tinyimagenet_c.py), in the spec's tuple order. Units: images in [0, 1]; pixel quantities for the preset's
// reference size (224, 64, 32), except where a comment says otherwise.
#include "corrupt/params.h"

#include "core/error.h"

namespace rfy::corrupt {
namespace {

using Row = float[5][kMaxParams];

// [preset index: 0 imagenet, 1 tinyimagenet, 2 cifar][corruption][severity - 1][param]
const float kTable[3][RFY_CORRUPTION_COUNT][5][kMaxParams] = {
    // ---------------- imagenet (224) ----------------
    {
        /* gaussian_noise c */ {{.08f}, {.12f}, {.18f}, {.26f}, {.38f}},
        /* shot_noise c */ {{60}, {25}, {12}, {5}, {3}},
        /* impulse_noise c */ {{.03f}, {.06f}, {.09f}, {.17f}, {.27f}},
        /* defocus_blur r, alias */ {{3, .1f}, {4, .5f}, {6, .5f}, {8, .5f}, {10, .5f}},
        /* glass_blur sigma, delta, iters */ {{.7f, 1, 2}, {.9f, 2, 1}, {1, 2, 3}, {1.1f, 3, 2}, {1.5f, 4, 2}},
        /* motion_blur R, S */ {{10, 3}, {15, 5}, {15, 8}, {15, 12}, {20, 15}},
        /* zoom_blur step, N (np.arange's length, floating point included) */
        {{.01f, 12}, {.01f, 16}, {.02f, 11}, {.02f, 13}, {.03f, 11}},
        /* snow mu, s, zoom, thr, R, S, blend */
        {{.1f, .3f, 3, .5f, 10, 4, .8f},
         {.2f, .3f, 2, .5f, 12, 4, .7f},
         {.55f, .3f, 4, .9f, 12, 8, .7f},
         {.55f, .3f, 4.5f, .85f, 12, 8, .65f},
         {.55f, .3f, 2.5f, .85f, 12, 12, .55f}},
        /* frost a, b, texture scale */ {{1, .4f, 1}, {.8f, .6f, 1}, {.7f, .7f, 1}, {.65f, .7f, 1}, {.6f, .75f, 1}},
        /* fog t, decay, map size */ {{1.5f, 2, 256}, {2, 2, 256}, {2.5f, 1.7f, 256}, {2.5f, 1.5f, 256}, {3, 1.4f, 256}},
        /* brightness c */ {{.1f}, {.2f}, {.3f}, {.4f}, {.5f}},
        /* contrast c */ {{.4f}, {.3f}, {.2f}, {.1f}, {.05f}},
        /* elastic alpha, sigma, affine as fractions of 244 (the reference's size for 224 images) */
        {{2, .7f, .1f}, {2, .08f, .2f}, {.05f, .01f, .02f}, {.07f, .01f, .02f}, {.12f, .01f, .02f}},
        /* pixelate c */ {{.6f}, {.5f}, {.4f}, {.3f}, {.25f}},
        /* jpeg_compression quality */ {{25}, {18}, {15}, {10}, {7}},
        /* speckle_noise c */ {{.15f}, {.2f}, {.35f}, {.45f}, {.6f}},
        /* gaussian_blur sigma */ {{1}, {2}, {3}, {4}, {6}},
        /* spatter mu, s, sigma, thr, k, mud */
        {{.65f, .3f, 4, .69f, .6f, 0},
         {.65f, .3f, 3, .68f, .6f, 0},
         {.65f, .3f, 2, .68f, .5f, 0},
         {.65f, .3f, 1, .65f, 1.5f, 1},
         {.67f, .4f, 1, .65f, 1.5f, 1}},
        /* saturate a, b */ {{.3f, 0}, {.1f, 0}, {2, 0}, {5, .1f}, {20, .2f}},
    },
    // ---------------- tinyimagenet (64) ----------------
    {
        /* gaussian_noise */ {{.04f}, {.08f}, {.12f}, {.15f}, {.18f}},
        /* shot_noise */ {{250}, {100}, {50}, {30}, {15}},
        /* impulse_noise */ {{.01f}, {.02f}, {.05f}, {.08f}, {.14f}},
        /* defocus_blur */ {{.5f, .6f}, {1, .1f}, {1.5f, .1f}, {2.5f, .01f}, {3, .1f}},
        /* glass_blur */ {{.1f, 1, 1}, {.5f, 1, 1}, {.6f, 1, 2}, {.7f, 2, 1}, {.9f, 2, 2}},
        /* motion_blur */ {{10, 1}, {10, 1.5f}, {10, 2}, {10, 2.5f}, {12, 3}},
        /* zoom_blur (as cifar) */ {{.01f, 7}, {.01f, 12}, {.01f, 16}, {.01f, 21}, {.01f, 26}},
        /* snow */
        {{.1f, .2f, 1, .6f, 8, 3, .8f},
         {.1f, .2f, 1, .5f, 10, 4, .8f},
         {.15f, .3f, 1.75f, .55f, 10, 4, .7f},
         {.25f, .3f, 2.25f, .6f, 12, 6, .65f},
         {.3f, .3f, 1.25f, .65f, 14, 12, .6f}},
        /* frost */ {{1, .3f, .3f}, {.9f, .4f, .3f}, {.8f, .45f, .3f}, {.75f, .5f, .3f}, {.7f, .55f, .3f}},
        /* fog */ {{.4f, 3, 64}, {.7f, 3, 64}, {1, 2.5f, 64}, {1.5f, 2, 64}, {2, 1.75f, 64}},
        /* brightness */ {{.1f}, {.2f}, {.3f}, {.4f}, {.5f}},
        /* contrast */ {{.4f}, {.3f}, {.2f}, {.1f}, {.05f}},
        /* elastic as fractions of 64 */
        {{0, 0, .08f}, {.05f, .3f, .06f}, {.1f, .08f, .06f}, {.1f, .03f, .03f}, {.16f, .03f, .02f}},
        /* pixelate */ {{.9f}, {.8f}, {.7f}, {.6f}, {.5f}},
        /* jpeg_compression */ {{65}, {58}, {50}, {40}, {25}},
        /* speckle_noise */ {{.15f}, {.2f}, {.25f}, {.3f}, {.35f}},
        /* gaussian_blur */ {{.5f}, {.75f}, {1}, {1.25f}, {1.5f}},
        /* spatter */
        {{.62f, .1f, .7f, .7f, .6f, 0},
         {.65f, .1f, .8f, .7f, .6f, 0},
         {.65f, .3f, 1, .69f, .6f, 0},
         {.65f, .1f, .7f, .68f, .6f, 1},
         {.65f, .1f, .5f, .67f, .6f, 1}},
        /* saturate */ {{.3f, 0}, {.1f, 0}, {2, 0}, {5, .1f}, {30, .2f}},
    },
    // ---------------- cifar (32) ----------------
    {
        /* gaussian_noise */ {{.04f}, {.06f}, {.08f}, {.09f}, {.10f}},
        /* shot_noise */ {{500}, {250}, {100}, {75}, {50}},
        /* impulse_noise */ {{.01f}, {.02f}, {.03f}, {.05f}, {.07f}},
        /* defocus_blur */ {{.3f, .4f}, {.4f, .5f}, {.5f, .6f}, {1, .2f}, {1.5f, .1f}},
        /* glass_blur */ {{.05f, 1, 1}, {.25f, 1, 1}, {.4f, 1, 1}, {.25f, 1, 2}, {.4f, 1, 2}},
        /* motion_blur */ {{6, 1}, {6, 1.5f}, {6, 2}, {8, 2}, {9, 2.5f}},
        /* zoom_blur */ {{.01f, 7}, {.01f, 12}, {.01f, 16}, {.01f, 21}, {.01f, 26}},
        /* snow */
        {{.1f, .2f, 1, .6f, 8, 3, .95f},
         {.1f, .2f, 1, .5f, 10, 4, .9f},
         {.15f, .3f, 1.75f, .55f, 10, 4, .9f},
         {.25f, .3f, 2.25f, .6f, 12, 6, .85f},
         {.3f, .3f, 1.25f, .65f, 14, 12, .8f}},
        /* frost */ {{1, .2f, .2f}, {1, .3f, .2f}, {.9f, .4f, .2f}, {.85f, .4f, .2f}, {.75f, .45f, .2f}},
        /* fog */ {{.2f, 3, 32}, {.5f, 3, 32}, {.75f, 2.5f, 32}, {1, 2, 32}, {1.5f, 1.75f, 32}},
        /* brightness */ {{.05f}, {.1f}, {.15f}, {.2f}, {.3f}},
        /* contrast */ {{.75f}, {.5f}, {.4f}, {.3f}, {.15f}},
        /* elastic as fractions of 32 */
        {{0, 0, .08f}, {.05f, .2f, .07f}, {.08f, .06f, .06f}, {.1f, .04f, .05f}, {.1f, .03f, .03f}},
        /* pixelate */ {{.95f}, {.9f}, {.85f}, {.75f}, {.65f}},
        /* jpeg_compression */ {{80}, {65}, {58}, {50}, {40}},
        /* speckle_noise */ {{.06f}, {.1f}, {.12f}, {.16f}, {.2f}},
        /* gaussian_blur */ {{.4f}, {.6f}, {.7f}, {.8f}, {1}},
        /* spatter */
        {{.62f, .1f, .7f, .7f, .5f, 0},
         {.65f, .1f, .8f, .7f, .5f, 0},
         {.65f, .3f, 1, .69f, .5f, 0},
         {.65f, .1f, .7f, .69f, .6f, 1},
         {.65f, .1f, .5f, .68f, .6f, 1}},
        /* saturate */ {{.3f, 0}, {.1f, 0}, {1.5f, 0}, {2, .1f}, {2.5f, .2f}},
    },
};

}  // namespace

int preset_size(int preset) {
  switch (preset) {
    case RFY_CORRUPT_PRESET_IMAGENET: return 224;
    case RFY_CORRUPT_PRESET_TINYIMAGENET: return 64;
    case RFY_CORRUPT_PRESET_CIFAR: return 32;
    default: fail(RFY_ERR_INVALID_ARGUMENT, "preset must be resolved (imagenet, tinyimagenet or cifar); got ", preset);
  }
}

int resolve_preset(int preset, int64_t height, int64_t width) {
  if (preset != RFY_CORRUPT_PRESET_AUTO) return preset;
  const int64_t side = height < width ? height : width;
  if (side >= 160) return RFY_CORRUPT_PRESET_IMAGENET;
  if (side >= 48) return RFY_CORRUPT_PRESET_TINYIMAGENET;
  return RFY_CORRUPT_PRESET_CIFAR;
}

void parameters(int corruption, int severity, int preset, float out[kMaxParams]) {
  require(corruption >= 0 && corruption < RFY_CORRUPTION_COUNT, "corruption must be in [0, ", RFY_CORRUPTION_COUNT,
          "); got ", corruption);
  require(severity >= 1 && severity <= 5, "severity must be in 1..5; got ", severity);
  require(preset >= RFY_CORRUPT_PRESET_IMAGENET && preset <= RFY_CORRUPT_PRESET_CIFAR,
          "preset must be imagenet (1), tinyimagenet (2) or cifar (3); got ", preset);
  const float* row = kTable[preset - 1][corruption][severity - 1];
  for (int k = 0; k < kMaxParams; ++k) out[k] = row[k];
}

}  // namespace rfy::corrupt
