#include <cstring>
#include <string>

#include "core/cuda_backend.h"
#include "core/error.h"
#include "core/nvtx.h"
#include "core/thread_pool.h"
#include "corrupt/corrupt_cpu.h"
#include "corrupt/params.h"
#include "corrupt/plan.h"
#include "robustify/corrupt.h"

namespace {

constexpr const char* kNames[RFY_CORRUPTION_COUNT] = {
    "gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur",      "glass_blur",    "motion_blur",
    "zoom_blur",      "snow",       "frost",         "fog",               "brightness",    "contrast",
    "elastic_transform", "pixelate", "jpeg_compression", "speckle_noise", "gaussian_blur", "spatter",
    "saturate"};

void require_path(int32_t path) {
  rfy::require(path == RFY_PATH_FAST || path == RFY_PATH_REFERENCE,
               "path must be RFY_PATH_FAST (0) or RFY_PATH_REFERENCE (1); got ", path);
}

}  // namespace

extern "C" {

RFY_API void rfy_corrupt_default_options(rfy_corrupt_options* o) {
  if (o) *o = rfy_corrupt_options{};
}

RFY_API const char* rfy_corruption_name(int32_t corruption) {
  if (corruption == RFY_CORRUPT_IDENTITY) return "identity";
  return corruption >= 0 && corruption < RFY_CORRUPTION_COUNT ? kNames[corruption] : nullptr;
}

RFY_API rfy_status rfy_corruption_from_name(const char* name, int32_t* corruption) {
  return rfy::guard("rfy_corruption_from_name", [&] {
    rfy::require(name != nullptr && corruption != nullptr, "name and corruption must not be NULL");
    if (std::strcmp(name, "identity") == 0) {
      *corruption = RFY_CORRUPT_IDENTITY;
      return;
    }
    std::string known;
    for (int32_t i = 0; i < RFY_CORRUPTION_COUNT; ++i) {
      if (std::strcmp(name, kNames[i]) == 0) {
        *corruption = i;
        return;
      }
      known += (i ? ", " : "") + std::string(kNames[i]);
    }
    rfy::fail(RFY_ERR_INVALID_ARGUMENT, "unknown corruption '", name, "'; known: ", known, ", identity");
  });
}

RFY_API const char* rfy_corrupt_preset_name(int32_t preset) {
  switch (preset) {
    case RFY_CORRUPT_PRESET_AUTO: return "auto";
    case RFY_CORRUPT_PRESET_IMAGENET: return "imagenet";
    case RFY_CORRUPT_PRESET_TINYIMAGENET: return "tinyimagenet";
    case RFY_CORRUPT_PRESET_CIFAR: return "cifar";
    default: return nullptr;
  }
}

RFY_API int32_t rfy_corrupt_resolve_preset(int32_t preset, int64_t height, int64_t width) {
  return rfy::corrupt::resolve_preset(preset, height, width);
}

RFY_API rfy_status rfy_corrupt_parameters(int32_t corruption, int32_t severity, int32_t preset, float out[8]) {
  return rfy::guard("rfy_corrupt_parameters", [&] {
    rfy::require(out != nullptr, "out is NULL");
    rfy::corrupt::parameters(corruption, severity, preset, out);
  });
}

RFY_API rfy_status rfy_corrupt_workspace_size(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options,
                                              int32_t path, int64_t* bytes) {
  return rfy::guard("rfy_corrupt_workspace_size", [&] {
    require_path(path);
    rfy::require(bytes != nullptr, "bytes is NULL");
    const rfy::corrupt::Plan plan = rfy::corrupt::make_plan(batch, options, false);
    *bytes = rfy::corrupt::workspace_bytes(plan, path, rfy::num_threads());
  });
}

RFY_API rfy_status rfy_corrupt_images(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options,
                                      int32_t path, rfy_cuda_stream stream) {
  return rfy::guard("rfy_corrupt_images", [&] {
    require_path(path);
    const rfy::corrupt::Plan plan = rfy::corrupt::make_plan(batch, options, true);
    if (plan.cuda) {
      rfy::require(path == RFY_PATH_FAST, "RFY_PATH_REFERENCE runs on CPU tensors only");
      const auto& backend = rfy::cuda_backend();
      rfy::require(backend.abi_minor >= 2 && backend.corrupt_images != nullptr,
                   "the loaded CUDA backend predates rfy_corrupt_images (ABI 0.", backend.abi_minor, ")");
      rfy::check_backend(backend.corrupt_images(batch, options, stream));
      return;
    }
    rfy::ScopedRange range(path == RFY_PATH_REFERENCE ? "rfy_corrupt_images/cpu-reference" : "rfy_corrupt_images/cpu");
    rfy::corrupt::run_cpu(plan, *batch, path);
  });
}

}
