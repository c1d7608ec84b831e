// One source for the optimised corruption code on both targets. An op is written once as a function over one
// sample; its loops are RFY_PAR_FOR loops and its stages end with RFY_BARRIER():
//  - compiled by g++ (fast CPU path) the loops are plain sequential loops and barriers vanish; samples run in
//    parallel on the thread pool, one per worker;
//  - compiled by nvcc (CUDA path) one thread block serves one sample: the block's threads stride the loops and
//    barriers are __syncthreads().
// Rules for op code: every thread of the block must reach every barrier (no barrier inside a divergent branch);
// data written in one RFY_PAR_FOR stage may be read by other iterations only after an RFY_BARRIER(); reductions go
// through par_sum / par_max / par_min, which every thread calls and whose result every thread sees.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define RFY_OP __device__ __forceinline__
#define RFY_OP_NOINLINE __device__ __noinline__
#define RFY_HD __host__ __device__ inline  // plain arithmetic both sides use (e.g. scratch sizes and the ops)
#else
#define RFY_OP inline
#define RFY_OP_NOINLINE inline
#define RFY_HD inline
#endif

// RFY_PAR_FOR_2D(i, y, x, H, W) and RFY_PAR_FOR_3D(i, c, y, x, C, H, W) walk a plane (planes) with the flat index
// i = (c * H + y) * W + x and its coordinates: nested loops on the CPU, where per-element integer division would
// cost more than most ops' arithmetic, and a flat block-strided loop with 32-bit division on the GPU. A `continue`
// in the body skips to the next element, as in RFY_PAR_FOR.
#if defined(__CUDA_ARCH__)
#define RFY_PAR_FOR(I_, N_) for (int64_t I_ = threadIdx.x; I_ < static_cast<int64_t>(N_); I_ += blockDim.x)
#define RFY_PAR_FOR_2D(I_, Y_, X_, H_, W_)                                                               \
  for (int64_t I_ = threadIdx.x; I_ < static_cast<int64_t>(H_) * (W_); I_ += blockDim.x)                  \
    if (const int Y_ = static_cast<int>(I_) / static_cast<int>(W_), X_ = static_cast<int>(I_) - Y_ * static_cast<int>(W_); \
        true)
#define RFY_PAR_FOR_3D(I_, C_, Y_, X_, CH_, H_, W_)                                                          \
  for (int64_t I_ = threadIdx.x; I_ < static_cast<int64_t>(CH_) * (H_) * (W_); I_ += blockDim.x)            \
    if (const int C_ = static_cast<int>(I_) / (static_cast<int>(H_) * static_cast<int>(W_)),              \
        Y_ = static_cast<int>(I_) / static_cast<int>(W_) - C_ * static_cast<int>(H_),                      \
        X_ = static_cast<int>(I_) - (C_ * static_cast<int>(H_) + Y_) * static_cast<int>(W_);                \
        true)
#define RFY_BARRIER() __syncthreads()
#define RFY_LEADER() (threadIdx.x == 0)
#else
#define RFY_PAR_FOR(I_, N_) for (int64_t I_ = 0; I_ < static_cast<int64_t>(N_); ++I_)
#define RFY_PAR_FOR_2D(I_, Y_, X_, H_, W_)                \
  for (int Y_ = 0; Y_ < static_cast<int>(H_); ++Y_)      \
    for (int X_ = 0; X_ < static_cast<int>(W_); ++X_)    \
      if (const int64_t I_ = static_cast<int64_t>(Y_) * static_cast<int>(W_) + X_; true)
#define RFY_PAR_FOR_3D(I_, C_, Y_, X_, CH_, H_, W_)                                                         \
  for (int C_ = 0; C_ < static_cast<int>(CH_); ++C_)                                                     \
    for (int Y_ = 0; Y_ < static_cast<int>(H_); ++Y_)                                                   \
      for (int X_ = 0; X_ < static_cast<int>(W_); ++X_)                                                 \
        if (const int64_t I_ = (static_cast<int64_t>(C_) * static_cast<int>(H_) + Y_) * static_cast<int>(W_) + X_; true)
#define RFY_BARRIER() ((void)0)
#define RFY_LEADER() true
#endif

namespace rfy::corrupt {

// Block size of the CUDA path; reductions below assume it.
constexpr int kBlockThreads = 256;

#if defined(__CUDA_ARCH__)
template <typename T, typename Combine>
__device__ T block_reduce(T value, Combine combine) {
  __shared__ T partial[kBlockThreads / 32];
  for (int offset = 16; offset > 0; offset >>= 1) value = combine(value, __shfl_down_sync(0xffffffffu, value, offset));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();  // `partial` may still be read by a previous reduction
  if (lane == 0) partial[warp] = value;
  __syncthreads();
  T total = partial[0];
  for (int k = 1; k < kBlockThreads / 32; ++k) total = combine(total, partial[k]);
  return total;
}
RFY_OP double par_sum(double v) { return block_reduce(v, [](double a, double b) { return a + b; }); }
RFY_OP float par_max(float v) { return block_reduce(v, [](float a, float b) { return fmaxf(a, b); }); }
RFY_OP float par_min(float v) { return block_reduce(v, [](float a, float b) { return fminf(a, b); }); }
#else
// On the CPU a sample runs on one thread, so each thread's partial is already the total.
inline double par_sum(double v) { return v; }
inline float par_max(float v) { return v; }
inline float par_min(float v) { return v; }
#endif

}  // namespace rfy::corrupt
