#include "corrupt/corrupt_cpu.h"

#include <algorithm>

#include "core/error.h"
#include "core/simd.h"
#include "core/thread_pool.h"
#include "core/tensor_check.h"
#include "corrupt/io.inl"
#include "corrupt/io_cpu.h"
#include "corrupt/noise_avx2.h"
#include "corrupt/ops/ops.inl"
#include "corrupt/reference/reference.h"

namespace rfy::corrupt {
namespace {

// The optimised ops, compiled once more with AVX2 for CPUs that have it (chosen at load time): their pixel loops
// vectorise 8 wide. No FMA contraction and no reassociation, so both clones give the same bits.
// flatten: every op is inlined into each clone, so the loops themselves get the AVX2 code. The load and store
// are in the clone too: for cheap corruptions they are a large part of the time.
__attribute__((flatten)) RFY_VECTOR_CLONES void corrupt_sample_fast(const ImageView& src, const ImageView& dst,
                                                                     int64_t n, const Sample& s) {
  load_sample_cpu(src, n, s);
  corrupt_sample(s);
  store_sample_cpu(s, dst, n);
}

// The per-value noise ops with hand-vectorised Philox on AVX2 CPUs, sixteen lanes wide where AVX-512 is there
// (noise_avx2.h; the same bits as the shared ops, which GCC's vectoriser makes about twice slower).
__attribute__((target("avx2"), flatten)) void corrupt_sample_avx2_noise(const ImageView& src, const ImageView& dst,
                                                                         int64_t n, const Sample& s) {
  load_sample_cpu(src, n, s);
  if (!(cpu_has_avx512() && avx512_noise_op(s))) avx2_noise_op(s);
  store_sample_cpu(s, dst, n);
}

ImageView view(const rfy_tensor& t) {
  ImageView v{t.data, t.dtype, {}};
  for (int d = 0; d < 4; ++d) v.stride[d] = t.strides[d];
  return v;
}

}  // namespace

void run_cpu(const Plan& plan, const rfy_corrupt_batch& batch, int path) {
  if (plan.n == 0) return;
  const int64_t slots = cpu_slots(plan, path, num_threads());
  const int64_t need = workspace_bytes(plan, path, num_threads());
  const rfy_tensor* ws = batch.workspace;
  require(ws != nullptr, "workspace is NULL; this call needs ", need, " bytes (rfy_corrupt_workspace_size)");
  const rfy_tensor& workspace = check_tensor(ws, "workspace");
  require(workspace.dtype == RFY_UINT8 && workspace.device_type == RFY_CPU,
          "workspace must be a uint8 CPU tensor; got ", describe(workspace));
  require(workspace.ndim == 1 && (workspace.shape[0] <= 1 || workspace.strides[0] == 1),
          "workspace must be a contiguous 1-D uint8 tensor; got ", describe(workspace));
  require(workspace.shape[0] >= need, "workspace holds ", workspace.shape[0], " bytes; this call needs ", need,
          " (rfy_corrupt_workspace_size)");
  float* base = reinterpret_cast<float*>(
      (reinterpret_cast<uintptr_t>(workspace.data) + alignof(float) - 1) / alignof(float) * alignof(float));
  require(reinterpret_cast<char*>(base) == static_cast<char*>(workspace.data),
          "workspace data must be 4-byte aligned");
  const ImageView src = view(*batch.src), dst = view(*batch.dst);
  const bool reference = path == RFY_PATH_REFERENCE;
  const bool avx2 = cpu_has_avx2();
  // Slot k serves samples k, k + slots, ...: each slot's floats belong to one worker at a time.
  parallel_for(0, slots, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t slot = lo; slot < hi; ++slot) {
      float* floats = base + slot * plan.sample_floats;
      for (int64_t n = slot; n < plan.n; n += slots) {
        const Sample s = make_sample(plan.tasks[static_cast<size_t>(n)], floats, plan.c, plan.h, plan.w,
                                     plan.preset, plan.preset_size, plan.seed, plan.frost);
        if (reference) {
          load_sample(src, n, s);
          reference::corrupt_sample(s);
          store_sample(s, dst, n);
        } else if (avx2 && has_avx2_noise_op(s.corruption)) {
          corrupt_sample_avx2_noise(src, dst, n, s);
        } else {
          corrupt_sample_fast(src, dst, n, s);
        }
      }
    }
  });
}

}  // namespace rfy::corrupt
