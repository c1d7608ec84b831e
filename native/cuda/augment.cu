// CUDA paths of the augment family (AugMix, PixMix, single ops): one thread block per sample runs the same op source as the fast CPU path
// (src/augment/ops.inl, see corrupt/parallel.h). The task table and each sample's planes live in the caller's
// workspace. Compiled with -fmad=false (CMakeLists) so every float/double expression rounds as on the CPU.
#include <cstdint>

#include "augment/io.inl"
#include "augment/pixmix.inl"
#include "augment/plan.h"
#include "core/error.h"
#include "core/nvtx.h"
#include "core/tensor_check.h"
#include "cuda/cuda_check.h"
#include "robustify/augment.h"
#include "robustify/robustify_cuda.h"

namespace rfy::cuda {
namespace {

using augment::ImageView;
using augment::Planes;
using augment::Task;

struct BatchArgs {
  ImageView src, dst;
  int c, h, w;
  int64_t sample_floats;
};

__global__ void __launch_bounds__(corrupt::kBlockThreads)
    augmix_kernel(BatchArgs a, const Task* __restrict__ tasks, float* __restrict__ floats) {
  const int64_t n = blockIdx.x;
  const Planes s = augment::make_planes(floats + n * a.sample_floats, a.c, a.h, a.w);
  augment::load_u8_planes(a.src, n, s);
  augment::augmix_sample(s, tasks[n]);
  augment::store_planes(s, s.mix, a.dst, n);
}

__global__ void __launch_bounds__(corrupt::kBlockThreads)
    pixmix_kernel(BatchArgs a, augment::Pictures pics, const augment::PixMixTask* __restrict__ tasks,
                  float* __restrict__ floats) {
  const int64_t n = blockIdx.x;
  float* mine = floats + n * a.sample_floats;
  const Planes s = augment::make_planes(mine, a.c, a.h, a.w);
  augment::load_u8_planes(a.src, n, s);
  augment::pixmix_sample(s, tasks[n], pics, mine + augment::sample_floats(a.c, a.h, a.w));
  augment::store_planes(s, s.mix, a.dst, n);
}

void launch(const augment::Plan& plan, const rfy_augment_batch* batch, cudaStream_t stream) {
  require(plan.cuda, "src must be a CUDA tensor for the CUDA path; got ", describe(*batch->src));
  if (plan.n == 0) return;
  require(plan.n <= 2147483647LL, "at most 2^31 - 1 samples per call; got ", plan.n);
  const int64_t need = augment::workspace_bytes(plan, RFY_PATH_FAST, 1);
  require(batch->workspace != nullptr, "workspace is NULL; this call needs ", need,
          " bytes (rfy_augmix_workspace_size)");
  const rfy_tensor& ws = check_tensor(batch->workspace, "workspace");
  require(ws.dtype == RFY_UINT8 && ws.device_type == RFY_CUDA && ws.ndim == 1 &&
              (ws.shape[0] <= 1 || ws.strides[0] == 1),
          "workspace must be a contiguous 1-D uint8 CUDA tensor; got ", describe(ws));
  require(ws.shape[0] >= need, "workspace holds ", ws.shape[0], " bytes; this call needs ", need,
          " (rfy_augmix_workspace_size)");
  require(reinterpret_cast<uintptr_t>(ws.data) % 16 == 0, "workspace data must be 16-byte aligned");
  auto* bytes = static_cast<char*>(ws.data);
  auto* floats = reinterpret_cast<float*>(bytes + augment::task_table_bytes(plan));
  BatchArgs a{augment::image_view(*batch->src), augment::image_view(*batch->dst), plan.c, plan.h, plan.w,
              plan.sample_floats};
  const unsigned blocks = static_cast<unsigned>(plan.n);
  // Task tables go from pageable memory: the copy returns once staged, so the host vector may go right after.
  if (plan.pixmix) {
    ScopedRange range("rfy_pixmix_images/cuda");
    auto* tasks = reinterpret_cast<augment::PixMixTask*>(bytes);
    RFY_CUDA_CHECK(cudaMemcpyAsync(tasks, plan.pixmix_tasks.data(), sizeof(augment::PixMixTask) * plan.pixmix_tasks.size(),
                                   cudaMemcpyHostToDevice, stream));
    pixmix_kernel<<<blocks, corrupt::kBlockThreads, 0, stream>>>(a, plan.pictures, tasks, floats);
  } else {
    ScopedRange range("rfy_augmix_images/cuda");
    auto* tasks = reinterpret_cast<Task*>(bytes);
    RFY_CUDA_CHECK(cudaMemcpyAsync(tasks, plan.tasks.data(), sizeof(Task) * plan.tasks.size(), cudaMemcpyHostToDevice,
                                   stream));
    augmix_kernel<<<blocks, corrupt::kBlockThreads, 0, stream>>>(a, tasks, floats);
  }
  RFY_CUDA_CHECK(cudaGetLastError());
}

}  // namespace
}  // namespace rfy::cuda

extern "C" RFY_API rfy_status rfy_cuda_augmix_images(const rfy_augment_batch* batch, const rfy_augmix_options* options,
                                                     rfy_cuda_stream stream) {
  return rfy::guard("rfy_cuda_augmix_images", [&] {
    rfy::cuda::launch(rfy::augment::make_augmix_plan(batch, options, true), batch,
                      reinterpret_cast<cudaStream_t>(stream));
  });
}

extern "C" RFY_API rfy_status rfy_cuda_pixmix_images(const rfy_augment_batch* batch, const rfy_pixmix_options* options,
                                                     rfy_cuda_stream stream) {
  return rfy::guard("rfy_cuda_pixmix_images", [&] {
    rfy::cuda::launch(rfy::augment::make_pixmix_plan(batch, options, true), batch,
                      reinterpret_cast<cudaStream_t>(stream));
  });
}

extern "C" RFY_API rfy_status rfy_cuda_augment_op_images(const rfy_augment_batch* batch, int32_t op, double value,
                                                         rfy_cuda_stream stream) {
  return rfy::guard("rfy_cuda_augment_op_images", [&] {
    rfy::cuda::launch(rfy::augment::make_op_plan(batch, op, value, true), batch,
                      reinterpret_cast<cudaStream_t>(stream));
  });
}
