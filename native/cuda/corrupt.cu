// CUDA path of rfy_corrupt_images: one thread block per sample runs the same op code as the fast CPU path
// (src/corrupt/ops, see corrupt/parallel.h). The task table and each sample's floats live in the caller's workspace.
#include <cstdint>

#include "core/nvtx.h"
#include "core/tensor_check.h"
#include "corrupt/io.inl"
#include "corrupt/ops/ops.inl"
#include "corrupt/plan.h"
#include "cuda/cuda_check.h"
#include "robustify/robustify_cuda.h"

namespace rfy::cuda {
namespace {

using corrupt::ImageView;
using corrupt::Plan;
using corrupt::Sample;
using corrupt::Task;

struct BatchArgs {
  ImageView src, dst;
  int c, h, w, preset, preset_size;
  uint64_t seed;
  int64_t sample_floats;
  corrupt::FrostTextures frost;
};

__global__ void __launch_bounds__(corrupt::kBlockThreads)
    corrupt_kernel(BatchArgs a, const Task* __restrict__ tasks, float* __restrict__ floats) {
  const int64_t n = blockIdx.x;
  const Sample s = corrupt::make_sample(tasks[n], floats + n * a.sample_floats, a.c, a.h, a.w, a.preset,
                                        a.preset_size, a.seed, a.frost);
  corrupt::load_sample(a.src, n, s);
  corrupt::corrupt_sample(s);
  RFY_BARRIER();
  corrupt::store_sample(s, a.dst, n);
}

ImageView view(const rfy_tensor& t) {
  ImageView v{t.data, t.dtype, {}};
  for (int d = 0; d < 4; ++d) v.stride[d] = t.strides[d];
  return v;
}

}  // namespace

void corrupt_images(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options, cudaStream_t stream) {
  const Plan plan = corrupt::make_plan(batch, options, true);
  require(plan.cuda, "src must be a CUDA tensor for the CUDA path; got ", describe(*batch->src));
  if (plan.n == 0) return;
  require(plan.n <= 2147483647LL, "at most 2^31 - 1 samples per call; got ", plan.n);
  const int64_t need = corrupt::workspace_bytes(plan, RFY_PATH_FAST, 1);
  require(batch->workspace != nullptr, "workspace is NULL; this call needs ", need,
          " bytes (rfy_corrupt_workspace_size)");
  const rfy_tensor& ws = check_tensor(batch->workspace, "workspace");
  require(ws.dtype == RFY_UINT8 && ws.device_type == RFY_CUDA && ws.ndim == 1 &&
              (ws.shape[0] <= 1 || ws.strides[0] == 1),
          "workspace must be a contiguous 1-D uint8 CUDA tensor; got ", describe(ws));
  require(ws.shape[0] >= need, "workspace holds ", ws.shape[0], " bytes; this call needs ", need,
          " (rfy_corrupt_workspace_size)");
  require(reinterpret_cast<uintptr_t>(ws.data) % 16 == 0, "workspace data must be 16-byte aligned");
  auto* bytes = static_cast<char*>(ws.data);
  auto* tasks = reinterpret_cast<Task*>(bytes);
  auto* floats = reinterpret_cast<float*>(bytes + corrupt::task_table_bytes(plan));
  ScopedRange range("rfy_corrupt_images/cuda");
  // From pageable memory: returns once the table is staged, so the host vector may go right after.
  RFY_CUDA_CHECK(cudaMemcpyAsync(tasks, plan.tasks.data(), sizeof(Task) * plan.tasks.size(), cudaMemcpyHostToDevice,
                                 stream));
  BatchArgs a{view(*batch->src), view(*batch->dst), plan.c, plan.h, plan.w, plan.preset, plan.preset_size,
              plan.seed, plan.sample_floats, plan.frost};
  corrupt_kernel<<<static_cast<unsigned>(plan.n), corrupt::kBlockThreads, 0, stream>>>(a, tasks, floats);
  RFY_CUDA_CHECK(cudaGetLastError());
}

}  // namespace rfy::cuda

extern "C" RFY_API rfy_status rfy_cuda_corrupt_images(const rfy_corrupt_batch* batch,
                                                      const rfy_corrupt_options* options, rfy_cuda_stream stream) {
  return rfy::guard("rfy_cuda_corrupt_images",
                    [&] { rfy::cuda::corrupt_images(batch, options, reinterpret_cast<cudaStream_t>(stream)); });
}
