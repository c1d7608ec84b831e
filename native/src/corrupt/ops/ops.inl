// Every optimised corruption op, and the dispatch over them. Compiled twice from this one source: by g++ into the
// fast CPU path (corrupt_fast.cpp) and by nvcc into the CUDA path (cuda/corrupt.cu). See corrupt/parallel.h.
//
// Each group file defines, for each of its corruptions NAME:
//   RFY_OP void op_NAME(const Sample& s);                       // rewrites s.img in place, uses s.scratch
//   inline int64_t op_NAME_scratch(int c, int h, int w, const float* p);  // floats of s.scratch it needs (host)
#pragma once

#include "corrupt/corruptions.h"
#include "corrupt/parallel.h"
#include "corrupt/philox.h"
#include "corrupt/sample.h"
#include "robustify/corrupt.h"
// clang-format off
#include "corrupt/ops/filters.inl"
#include "corrupt/ops/color.inl"
#include "corrupt/ops/noise.inl"
#include "corrupt/ops/blur.inl"
#include "corrupt/ops/weather.inl"
#include "corrupt/ops/digital.inl"
// clang-format on

namespace rfy::corrupt {

RFY_OP_NOINLINE void corrupt_sample(const Sample& s) {
  switch (s.corruption) {
#define RFY_OP_CASE(ID, name) \
  case RFY_CORRUPT_##ID:      \
    op_##name(s);             \
    break;
    RFY_CORRUPTIONS(RFY_OP_CASE)
#undef RFY_OP_CASE
    default:  // RFY_CORRUPT_IDENTITY
      break;
  }
}

inline int64_t op_scratch_floats(int corruption, int c, int h, int w, const float* p) {
  switch (corruption) {
#define RFY_SCRATCH_CASE(ID, name) \
  case RFY_CORRUPT_##ID:           \
    return op_##name##_scratch(c, h, w, p);
    RFY_CORRUPTIONS(RFY_SCRATCH_CASE)
#undef RFY_SCRATCH_CASE
    default:
      return 0;
  }
}

}  // namespace rfy::corrupt
