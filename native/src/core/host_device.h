// Marks small functions shared verbatim by CPU and CUDA code, so every path computes the same thing.
#pragma once
#if defined(__CUDACC__)
#define RFY_HD __host__ __device__
#else
#define RFY_HD
#endif
