// CUDA path of the fused distillation loss. Per pair, three launches on `stream`:
//   1. count_valid: one block counts non-ignored rows into stats[4] (the MEAN scale needs it before gradients);
//   2. distill_rows: a warp per row (C <= 1024) or a block per row, two passes over the row (sums, gradient),
//      fp32 accumulation (fp64 for float64 logits);
//   3. reduce_stats: one block sums `rows` in a fixed order (deterministic) into stats[0..3].
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <type_traits>

#include "core/nvtx.h"
#include "core/tensor_check.h"
#include "cuda/cuda_check.h"
#include "distill/distill.h"
#include "distill/distill_math.h"
#include "robustify/robustify_cuda.h"

namespace rfy::cuda {
namespace {

constexpr int kBlock = 256;
constexpr unsigned kFull = 0xffffffffu;

__device__ inline float load(const float* p) { return *p; }
__device__ inline double load(const double* p) { return *p; }
__device__ inline float load(const __half* p) { return __half2float(*p); }
__device__ inline float load(const __nv_bfloat16* p) { return __bfloat162float(*p); }
__device__ inline void store(float* p, float v) { *p = v; }
__device__ inline void store(double* p, double v) { *p = v; }
__device__ inline void store(__half* p, float v) { *p = __float2half_rn(v); }
__device__ inline void store(__nv_bfloat16* p, float v) { *p = __float2bfloat16_rn(v); }
__device__ inline float dexp(float x) { return expf(x); }
__device__ inline double dexp(double x) { return exp(x); }

struct Params {
  const void* student;
  const void* teacher;
  void* grad;
  float* rows;
  float* stats;
  const float* given;
  const int64_t* labels;
  int64_t s_row, t_row, g_row, rows_row, rows_col, stats_stride, given_stride, label_stride;
  int64_t batch, classes;
  rfy_distill_options options;
};

// Reductions over a group of G threads (a warp, or the whole block). Fixed order: deterministic.
struct Add {
  template <typename V>
  __device__ V operator()(V a, V b) const { return a + b; }
};
struct Max {
  template <typename V>
  __device__ V operator()(V a, V b) const { return fmax(a, b); }
};

template <int G, typename V, typename Op>
__device__ V group_reduce(V v, V* scratch, Op op) {
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(kFull, v, o));
  if constexpr (G == 32) {
    return __shfl_sync(kFull, v, 0);
  } else {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    V total = scratch[0];
    for (int w = 1; w < G / 32; ++w) total = op(total, scratch[w]);
    __syncthreads();
    return total;
  }
}

template <int G, typename V>
__device__ V group_sum(V v, V* scratch) {
  return group_reduce<G>(v, scratch, Add{});
}

template <int G, typename V>
__device__ V group_max(V v, V* scratch) {
  return group_reduce<G>(v, scratch, Max{});
}

template <typename V>
__device__ inline void max_arg_step(V& v, int64_t& i, V ov, int64_t oi) {
  if (ov > v || (ov == v && oi < i)) {
    v = ov;
    i = oi;
  }
}

template <int G, typename V>
__device__ void group_max_arg(V& v, int64_t& i, V* vs, int64_t* is) {
  for (int o = 16; o > 0; o >>= 1) max_arg_step(v, i, __shfl_down_sync(kFull, v, o), __shfl_down_sync(kFull, i, o));
  if constexpr (G == 32) {
    v = __shfl_sync(kFull, v, 0);
    i = __shfl_sync(kFull, i, 0);
  } else {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) {
      vs[warp] = v;
      is[warp] = i;
    }
    __syncthreads();
    v = vs[0];
    i = is[0];
    for (int w = 1; w < G / 32; ++w) max_arg_step(v, i, vs[w], is[w]);
    __syncthreads();
  }
}

__device__ inline bool row_valid(int64_t label, const rfy_distill_options& o, int64_t classes) {
  return label != o.ignore_index && label >= 0 && label < classes;
}

__global__ void count_valid(Params p) {
  __shared__ float scratch[kBlock / 32];
  float n = 0;
  for (int64_t r = threadIdx.x; r < p.batch; r += blockDim.x)
    n += row_valid(p.labels[r * p.label_stride], p.options, p.classes) ? 1.0f : 0.0f;
  n = group_sum<kBlock>(n, scratch);
  if (threadIdx.x == 0) p.stats[4 * p.stats_stride] = n;
}

template <typename T, int G>
__global__ void distill_rows(Params p) {
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
  __shared__ A scratch[kBlock / 32];
  __shared__ int64_t index_scratch[kBlock / 32];
  constexpr int kRowsPerBlock = kBlock / G;
  const int lane = threadIdx.x % G;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / G;
  if (row >= p.batch) return;  // G == 256 has one row per block, so whole blocks leave together
  const rfy_distill_options& o = p.options;
  const int64_t C = p.classes;
  const T* s = static_cast<const T*>(p.student) + row * p.s_row;
  const T* t = static_cast<const T*>(p.teacher) + row * p.t_row;
  T* g = static_cast<T*>(p.grad) + row * p.g_row;
  float* out = p.rows + row * p.rows_row;
  const int64_t label = p.labels[row * p.label_stride];
  if (!row_valid(label, o, C)) {
    if (!o.accumulate)
      for (int64_t j = lane; j < C; j += G) store(g + j, A(0));
    if (lane == 0)
      for (int c = 0; c < RFY_DISTILL_ROW_COLUMNS; ++c) out[c * p.rows_col] = 0.0f;
    return;
  }
  const bool logits = o.teacher_kind == RFY_TEACHER_LOGITS;
  const A inv_t = A(1) / static_cast<A>(o.temperature);

  A ms = -INFINITY, mt = -INFINITY;
  int64_t arg = C;
  for (int64_t j = lane; j < C; j += G) {
    ms = fmax(ms, static_cast<A>(load(s + j)));
    max_arg_step(mt, arg, static_cast<A>(load(t + j)), j);
  }
  ms = group_max<G>(ms, scratch);
  group_max_arg<G>(mt, arg, scratch, index_scratch);
  if (!isfinite(ms)) ms = 0;
  if (!isfinite(mt)) mt = 0;

  A zs = 0, zst = 0, zt = 0, qt = 0, qs = 0, ss = 0;
  for (int64_t j = lane; j < C; j += G) {
    const A sp = static_cast<A>(load(s + j)) - ms;
    const A spt = sp * inv_t;
    zs += dexp(sp);
    zst += dexp(spt);
    ss += sp;
    const A tv = static_cast<A>(load(t + j));
    if (logits) {
      const A tp = (tv - mt) * inv_t;
      const A e = dexp(tp);
      zt += e;
      if (e > A(0)) {
        qt += e * tp;
        qs += e * spt;
      }
    } else if (tv > A(0)) {
      zt += tv;
      qt += tv * log(tv);
      qs += tv * spt;
    }
  }
  distill::RowSums<A> r;
  r.z_s = group_sum<G>(zs, scratch);
  r.z_st = group_sum<G>(zst, scratch);
  r.z_t = group_sum<G>(zt, scratch);
  r.qt = group_sum<G>(qt, scratch);
  r.qs = group_sum<G>(qs, scratch);
  r.s_sum = group_sum<G>(ss, scratch);
  r.s_y = static_cast<A>(load(s + label)) - ms;
  r.teacher_correct = arg == label;
  const A given = o.weighting == RFY_KD_WEIGHT_GIVEN ? static_cast<A>(p.given[row * p.given_stride]) : A(1);
  const distill::RowResult<A> res = distill::finalize<A>(r, o, C, given);
  if (lane == 0) {
    out[RFY_DISTILL_ROW_TOTAL * p.rows_col] = static_cast<float>(res.total);
    out[RFY_DISTILL_ROW_CE * p.rows_col] = static_cast<float>(res.ce);
    out[RFY_DISTILL_ROW_KD * p.rows_col] = static_cast<float>(res.kd);
    out[RFY_DISTILL_ROW_WEIGHT * p.rows_col] = static_cast<float>(res.weight);
  }
  A scale = 1;
  if (o.reduction == RFY_REDUCE_MEAN) {
    const A valid = static_cast<A>(p.stats[4 * p.stats_stride]);
    scale = valid > A(0) ? A(1) / valid : A(0);
  }
  const A eps = static_cast<A>(o.label_smoothing);
  const A sa = scale * res.a, sb = scale * res.b;
  const A c0 = -sa * eps / static_cast<A>(C);
  const A hot = sa * (A(1) - eps);
  for (int64_t j = lane; j < C; j += G) {
    const A sp = static_cast<A>(load(s + j)) - ms;
    A gj = sa * dexp(sp - res.log_z_s) + c0 - (j == label ? hot : A(0));
    if (sb != A(0)) {
      const A tv = static_cast<A>(load(t + j));
      const A q = logits ? dexp((tv - mt) * inv_t) * res.inv_z_t : (tv > A(0) ? tv : A(0));
      gj += sb * (dexp(sp * inv_t - res.log_z_st) - q);
    }
    store(g + j, o.accumulate ? static_cast<A>(load(g + j)) + gj : gj);
  }
}

__global__ void reduce_stats(Params p) {
  __shared__ double scratch[kBlock / 32];
  double acc[4] = {0, 0, 0, 0};
  for (int64_t r = threadIdx.x; r < p.batch; r += blockDim.x) {
    if (!row_valid(p.labels[r * p.label_stride], p.options, p.classes)) continue;
    for (int c = 0; c < 4; ++c) acc[c] += p.rows[r * p.rows_row + c * p.rows_col];
  }
  for (int c = 0; c < 4; ++c) acc[c] = group_sum<kBlock>(acc[c], scratch);
  if (threadIdx.x == 0) {
    const double valid = p.stats[4 * p.stats_stride];
    const double scale = p.options.reduction == RFY_REDUCE_MEAN ? (valid > 0 ? 1.0 / valid : 0.0) : 1.0;
    for (int c = 0; c < 3; ++c) p.stats[c * p.stats_stride] = static_cast<float>(acc[c] * scale);
    p.stats[3 * p.stats_stride] = static_cast<float>(valid > 0 ? acc[3] / valid : 0.0);
  }
}

template <typename T>
void launch_rows(const Params& params, cudaStream_t stream) {
  if (params.classes <= 1024) {
    const unsigned blocks = static_cast<unsigned>((params.batch + kBlock / 32 - 1) / (kBlock / 32));
    distill_rows<T, 32><<<blocks, kBlock, 0, stream>>>(params);
  } else {
    distill_rows<T, kBlock><<<static_cast<unsigned>(params.batch), kBlock, 0, stream>>>(params);
  }
}

}  // namespace

void distill_loss(const rfy_distill_pair* pairs, int32_t num_pairs, const rfy_tensor* labels, cudaStream_t stream) {
  const distill::Shape shape = distill::validate(pairs, num_pairs, labels, false);
  require(labels->device_type == RFY_CUDA, "labels must be a CUDA tensor for the CUDA path; got ", describe(*labels));
  ScopedRange range("rfy_distill_loss/cuda");
  for (int32_t i = 0; i < num_pairs; ++i) {
    const rfy_distill_pair& pair = pairs[i];
    Params p{};
    p.student = pair.student->data;
    p.teacher = pair.teacher->data;
    p.grad = pair.grad->data;
    p.rows = static_cast<float*>(pair.rows->data);
    p.stats = static_cast<float*>(pair.stats->data);
    p.labels = static_cast<const int64_t*>(labels->data);
    p.s_row = pair.student->strides[0];
    p.t_row = pair.teacher->strides[0];
    p.g_row = pair.grad->strides[0];
    p.rows_row = pair.rows->strides[0];
    p.rows_col = pair.rows->strides[1];
    p.stats_stride = pair.stats->strides[0];
    p.label_stride = labels->strides[0];
    if (pair.options.weighting == RFY_KD_WEIGHT_GIVEN) {
      p.given = static_cast<const float*>(pair.row_weights->data);
      p.given_stride = pair.row_weights->strides[0];
    }
    p.batch = shape.batch;
    p.classes = shape.classes;
    p.options = pair.options;
    count_valid<<<1, kBlock, 0, stream>>>(p);
    RFY_CUDA_CHECK(cudaGetLastError());
    if (shape.batch > 0) {
      switch (pair.student->dtype) {
        case RFY_FLOAT32: launch_rows<float>(p, stream); break;
        case RFY_FLOAT64: launch_rows<double>(p, stream); break;
        case RFY_FLOAT16: launch_rows<__half>(p, stream); break;
        case RFY_BFLOAT16: launch_rows<__nv_bfloat16>(p, stream); break;
        default: fail(RFY_ERR_UNSUPPORTED, "dtype ", dtype_name(pair.student->dtype), " is not supported");
      }
      RFY_CUDA_CHECK(cudaGetLastError());
    }
    reduce_stats<<<1, kBlock, 0, stream>>>(p);
    RFY_CUDA_CHECK(cudaGetLastError());
  }
}

}  // namespace rfy::cuda

extern "C" RFY_API rfy_status rfy_cuda_distill_loss(const rfy_distill_pair* pairs, int32_t num_pairs,
                                                    const rfy_tensor* labels, rfy_cuda_stream stream) {
  return rfy::guard("rfy_cuda_distill_loss", [&] {
    rfy::cuda::distill_loss(pairs, num_pairs, labels, reinterpret_cast<cudaStream_t>(stream));
  });
}
