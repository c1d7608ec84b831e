#include "augment/augment_cpu.h"
#include "augment/plan.h"
#include "core/cuda_backend.h"
#include "core/error.h"
#include "core/nvtx.h"
#include "core/thread_pool.h"
#include "robustify/augment.h"

namespace {

constexpr const char* kOpNames[RFY_AUGMENT_OP_COUNT] = {
    "autocontrast", "equalize", "posterize", "rotate", "solarize", "shear_x", "shear_y",
    "translate_x",  "translate_y", "color", "contrast", "brightness", "sharpness"};

void require_path(int32_t path) {
  rfy::require(path == RFY_PATH_FAST || path == RFY_PATH_REFERENCE,
               "path must be RFY_PATH_FAST (0) or RFY_PATH_REFERENCE (1); got ", path);
}

// The loaded CUDA backend, checked to carry the augment family (ABI 0.3).
const rfy_cuda_backend_v1& augment_backend(const char* entry) {
  const auto& backend = rfy::cuda_backend();
  rfy::require(backend.abi_minor >= 3, "the loaded CUDA backend predates ", entry, " (ABI 0.", backend.abi_minor,
               "; rebuild robustify_cuda)");
  return backend;
}

}  // namespace

extern "C" {

RFY_API void rfy_augmix_default_options(rfy_augmix_options* o) {
  if (!o) return;
  *o = rfy_augmix_options{};
  o->width = 3;
  o->depth = -1;
  o->severity = 3;
  o->alpha = 1.0f;
}

RFY_API const char* rfy_augment_op_name(int32_t op) {
  return op >= 0 && op < RFY_AUGMENT_OP_COUNT ? kOpNames[op] : nullptr;
}

RFY_API rfy_status rfy_augmix_workspace_size(const rfy_augment_batch* batch, const rfy_augmix_options* options,
                                             int32_t path, int64_t* bytes) {
  return rfy::guard("rfy_augmix_workspace_size", [&] {
    require_path(path);
    rfy::require(bytes != nullptr, "bytes is NULL");
    const rfy::augment::Plan plan = rfy::augment::make_augmix_plan(batch, options, false);
    *bytes = rfy::augment::workspace_bytes(plan, path, rfy::num_threads());
  });
}

RFY_API rfy_status rfy_augmix_images(const rfy_augment_batch* batch, const rfy_augmix_options* options, int32_t path,
                                     rfy_cuda_stream stream) {
  return rfy::guard("rfy_augmix_images", [&] {
    require_path(path);
    const rfy::augment::Plan plan = rfy::augment::make_augmix_plan(batch, options, true);
    if (plan.cuda) {
      rfy::require(path == RFY_PATH_FAST, "RFY_PATH_REFERENCE runs on CPU tensors only");
      rfy::check_backend(augment_backend("rfy_augmix_images").augmix_images(batch, options, stream));
      return;
    }
    rfy::ScopedRange range(path == RFY_PATH_REFERENCE ? "rfy_augmix_images/cpu-reference" : "rfy_augmix_images/cpu");
    rfy::augment::run_cpu(plan, *batch, path);
  });
}

RFY_API void rfy_pixmix_default_options(rfy_pixmix_options* o) {
  if (!o) return;
  *o = rfy_pixmix_options{};
  o->k = 4;
  o->beta = 3.0f;
  o->severity = 3;
}

RFY_API rfy_status rfy_pixmix_workspace_size(const rfy_augment_batch* batch, const rfy_pixmix_options* options,
                                             int32_t path, int64_t* bytes) {
  return rfy::guard("rfy_pixmix_workspace_size", [&] {
    require_path(path);
    rfy::require(bytes != nullptr, "bytes is NULL");
    const rfy::augment::Plan plan = rfy::augment::make_pixmix_plan(batch, options, false);
    *bytes = rfy::augment::workspace_bytes(plan, path, rfy::num_threads());
  });
}

RFY_API rfy_status rfy_pixmix_images(const rfy_augment_batch* batch, const rfy_pixmix_options* options, int32_t path,
                                     rfy_cuda_stream stream) {
  return rfy::guard("rfy_pixmix_images", [&] {
    require_path(path);
    const rfy::augment::Plan plan = rfy::augment::make_pixmix_plan(batch, options, true);
    if (plan.cuda) {
      rfy::require(path == RFY_PATH_FAST, "RFY_PATH_REFERENCE runs on CPU tensors only");
      rfy::check_backend(augment_backend("rfy_pixmix_images").pixmix_images(batch, options, stream));
      return;
    }
    rfy::ScopedRange range(path == RFY_PATH_REFERENCE ? "rfy_pixmix_images/cpu-reference" : "rfy_pixmix_images/cpu");
    rfy::augment::run_cpu(plan, *batch, path);
  });
}

RFY_API rfy_status rfy_augment_op_workspace_size(const rfy_augment_batch* batch, int32_t path, int64_t* bytes) {
  return rfy::guard("rfy_augment_op_workspace_size", [&] {
    require_path(path);
    rfy::require(bytes != nullptr, "bytes is NULL");
    const rfy::augment::Plan plan = rfy::augment::make_op_plan(batch, 0, 0.0, false);
    *bytes = rfy::augment::workspace_bytes(plan, path, rfy::num_threads());
  });
}

RFY_API rfy_status rfy_augment_op_images(const rfy_augment_batch* batch, int32_t op, double value, int32_t path,
                                         rfy_cuda_stream stream) {
  return rfy::guard("rfy_augment_op_images", [&] {
    require_path(path);
    const rfy::augment::Plan plan = rfy::augment::make_op_plan(batch, op, value, true);
    if (plan.cuda) {
      rfy::require(path == RFY_PATH_FAST, "RFY_PATH_REFERENCE runs on CPU tensors only");
      rfy::check_backend(augment_backend("rfy_augment_op_images").augment_op_images(batch, op, value, stream));
      return;
    }
    rfy::augment::run_cpu(plan, *batch, path);
  });
}

}
