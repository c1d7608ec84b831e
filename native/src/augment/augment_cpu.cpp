#include "augment/augment_cpu.h"

#include "augment/io.inl"
#include "augment/pixmix.inl"
#include "augment/reference/reference.h"
#include "core/error.h"
#include "core/simd.h"
#include "core/tensor_check.h"
#include "core/thread_pool.h"

namespace rfy::augment {
namespace {

// The optimised ops, cloned for AVX2 where the CPU has it; no FMA contraction, so both clones give the same bits.
__attribute__((flatten)) RFY_VECTOR_CLONES void augment_sample_fast(const Planes& s, const Task& t) {
  augmix_sample(s, t);
}

__attribute__((flatten)) RFY_VECTOR_CLONES void pixmix_sample_fast(const Planes& s, const PixMixTask& t,
                                                                   const Pictures& pics, float* map) {
  pixmix_sample(s, t, pics, map);
}

reference::Image8 image_of(const Planes& s) {
  reference::Image8 image;
  image.c = s.c;
  image.h = s.h;
  image.w = s.w;
  image.px.resize(static_cast<size_t>(s.size()));
  for (int64_t i = 0; i < s.size(); ++i) image.px[static_cast<size_t>(i)] = static_cast<uint8_t>(s.orig[i]);
  return image;
}

void reference_sample(const Planes& s, const Task& t) {
  const std::vector<float> out = reference::augmix(image_of(s), t);
  for (int64_t i = 0; i < s.size(); ++i) s.mix[i] = out[static_cast<size_t>(i)];
}

// The mixing picture comes from the same generator as on the fast path (it is input data, not an op under test).
void reference_pixmix_sample(const Planes& s, const PixMixTask& t, const Pictures& pics, float* map) {
  load_picture(s, t, pics, map);
  const std::vector<float> picture(s.b, s.b + s.size());
  const std::vector<float> out = reference::pixmix(image_of(s), t, picture);
  for (int64_t i = 0; i < s.size(); ++i) s.mix[i] = out[static_cast<size_t>(i)];
}

float* checked_workspace(const Plan& plan, const rfy_augment_batch& batch, int path) {
  const int64_t need = workspace_bytes(plan, path, num_threads());
  require(batch.workspace != nullptr, "workspace is NULL; this call needs ", need,
          " bytes (rfy_augmix_workspace_size)");
  const rfy_tensor& ws = check_tensor(batch.workspace, "workspace");
  require(ws.dtype == RFY_UINT8 && ws.device_type == RFY_CPU, "workspace must be a uint8 CPU tensor; got ",
          describe(ws));
  require(ws.ndim == 1 && (ws.shape[0] <= 1 || ws.strides[0] == 1),
          "workspace must be a contiguous 1-D uint8 tensor; got ", describe(ws));
  require(ws.shape[0] >= need, "workspace holds ", ws.shape[0], " bytes; this call needs ", need,
          " (rfy_augmix_workspace_size)");
  require(reinterpret_cast<uintptr_t>(ws.data) % alignof(float) == 0, "workspace data must be 4-byte aligned");
  return static_cast<float*>(ws.data);
}

}  // namespace

void run_cpu(const Plan& plan, const rfy_augment_batch& batch, int path) {
  if (plan.n == 0) return;
  float* base = checked_workspace(plan, batch, path);
  const int64_t slots = cpu_slots(plan, path, num_threads());
  const ImageView src = image_view(*batch.src), dst = image_view(*batch.dst);
  const bool reference = path == RFY_PATH_REFERENCE;
  // Slot k serves samples k, k + slots, ...: each slot's floats belong to one worker at a time.
  parallel_for(0, slots, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t slot = lo; slot < hi; ++slot) {
      float* floats = base + slot * plan.sample_floats;
      const Planes s = make_planes(floats, plan.c, plan.h, plan.w);
      float* map = floats + sample_floats(plan.c, plan.h, plan.w);
      for (int64_t n = slot; n < plan.n; n += slots) {
        load_u8_planes(src, n, s);
        if (plan.pixmix) {
          const PixMixTask& t = plan.pixmix_tasks[static_cast<size_t>(n)];
          if (reference)
            reference_pixmix_sample(s, t, plan.pictures, map);
          else
            pixmix_sample_fast(s, t, plan.pictures, map);
        } else {
          const Task& t = plan.tasks[static_cast<size_t>(n)];
          if (reference)
            reference_sample(s, t);
          else
            augment_sample_fast(s, t);
        }
        store_planes(s, s.mix, dst, n);
      }
    }
  });
}

}  // namespace rfy::augment
