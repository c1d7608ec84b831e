#include <cstdint>

#include "core/nvtx.h"
#include "core/tensor_check.h"
#include "cuda/cuda_check.h"
#include "cuda/launch.h"
#include "preprocess/normalize.h"
#include "robustify/robustify_cuda.h"

namespace rfy::cuda {
namespace {

constexpr int kMaxChannels = 64;

struct Geometry {
  int64_t size[4];
  int64_t src_stride[4];
  int64_t dst_stride[4];
};

struct ChannelStats {
  float mean[kMaxChannels];
  float std[kMaxChannels];
};

template <typename In>
__global__ void normalize_kernel(const In* __restrict__ in, float* __restrict__ out, Geometry g, ChannelStats stats,
                                 float scale, int64_t total) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t rest = i;
    const int64_t w = rest % g.size[3];
    rest /= g.size[3];
    const int64_t h = rest % g.size[2];
    rest /= g.size[2];
    const int64_t c = rest % g.size[1];
    const int64_t n = rest / g.size[1];
    const int64_t si = n * g.src_stride[0] + c * g.src_stride[1] + h * g.src_stride[2] + w * g.src_stride[3];
    const int64_t di = n * g.dst_stride[0] + c * g.dst_stride[1] + h * g.dst_stride[2] + w * g.dst_stride[3];
    out[di] = normalize_value(static_cast<float>(in[si]), scale, stats.mean[c], stats.std[c]);
  }
}

}  // namespace

void normalize_images(const rfy_tensor* src, const rfy_tensor* dst, const float* mean, const float* std,
                      cudaStream_t stream) {
  const int64_t channels = validate_normalize(src, dst, mean, std);
  require(src->device_type == RFY_CUDA, "src must be a CUDA tensor for the CUDA path; got ", describe(*src));
  if (channels > kMaxChannels)
    fail(RFY_ERR_UNSUPPORTED, "the CUDA path supports up to ", kMaxChannels, " channels; got ", channels);
  const int64_t total = numel(*src);
  if (total == 0) return;
  Geometry g{};
  ChannelStats stats{};
  for (int d = 0; d < 4; ++d) {
    g.size[d] = src->shape[d];
    g.src_stride[d] = src->strides[d];
    g.dst_stride[d] = dst->strides[d];
  }
  for (int64_t c = 0; c < channels; ++c) {
    stats.mean[c] = mean[c];
    stats.std[c] = std[c];
  }
  ScopedRange range("rfy_normalize_images/cuda");
  auto* out = static_cast<float*>(dst->data);
  if (src->dtype == RFY_UINT8)
    normalize_kernel<uint8_t><<<grid_for(total), kThreads, 0, stream>>>(static_cast<const uint8_t*>(src->data), out,
                                                                         g, stats, 1.0f / 255.0f, total);
  else
    normalize_kernel<float><<<grid_for(total), kThreads, 0, stream>>>(static_cast<const float*>(src->data), out, g,
                                                                       stats, 1.0f, total);
  RFY_CUDA_CHECK(cudaGetLastError());
}

}  // namespace rfy::cuda

extern "C" RFY_API rfy_status rfy_cuda_normalize_images(const rfy_tensor* src, const rfy_tensor* dst,
                                                        const float* mean, const float* std, rfy_cuda_stream stream) {
  return rfy::guard("rfy_cuda_normalize_images",
                    [&] { rfy::cuda::normalize_images(src, dst, mean, std, reinterpret_cast<cudaStream_t>(stream)); });
}
