#include "core/cuda_backend.h"
#include "core/error.h"
#include "core/nvtx.h"
#include "distill/distill.h"

extern "C" {

RFY_API void rfy_distill_default_options(rfy_distill_options* o) {
  if (!o) return;
  *o = rfy_distill_options{};
  o->temperature = 4.0f;
  o->kd_weight = 1.0f;
  o->ce_weight = 1.0f;
  o->label_smoothing = 0.0f;
  o->teacher_kind = RFY_TEACHER_LOGITS;
  o->weighting = RFY_KD_WEIGHT_UNIFORM;
  o->reduction = RFY_REDUCE_MEAN;
  o->ignore_index = -100;
}

RFY_API rfy_status rfy_distill_loss(const rfy_distill_pair* pairs, int32_t num_pairs, const rfy_tensor* labels,
                                    int32_t path, rfy_cuda_stream stream) {
  return rfy::guard("rfy_distill_loss", [&] {
    rfy::require(path == RFY_PATH_FAST || path == RFY_PATH_REFERENCE, "path must be RFY_PATH_FAST (0) or ",
                 "RFY_PATH_REFERENCE (1); got ", path);
    const bool cuda = labels != nullptr && labels->device_type == RFY_CUDA;
    rfy::distill::validate(pairs, num_pairs, labels, !cuda);
    if (cuda) {
      rfy::require(path == RFY_PATH_FAST, "RFY_PATH_REFERENCE runs on CPU tensors only");
      const auto& backend = rfy::cuda_backend();
      rfy::require(backend.distill_loss != nullptr, "the loaded CUDA backend predates rfy_distill_loss");
      rfy::check_backend(backend.distill_loss(pairs, num_pairs, labels, stream));
      return;
    }
    rfy::ScopedRange range("rfy_distill_loss/cpu");
    for (int32_t i = 0; i < num_pairs; ++i) {
      if (path == RFY_PATH_REFERENCE)
        rfy::distill::run_reference(pairs[i], *labels);
      else
        rfy::distill::run_fast(pairs[i], *labels);
    }
  });
}

}
