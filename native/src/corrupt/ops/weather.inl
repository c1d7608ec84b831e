// Optimised ops: frost fog spatter. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
#pragma once

namespace rfy::corrupt {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_frost(const Sample& s) {}
inline int64_t op_frost_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_fog(const Sample& s) {}
inline int64_t op_fog_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_spatter(const Sample& s) {}
inline int64_t op_spatter_scratch(int c, int h, int w, const float* p) { return 0; }

}  // namespace rfy::corrupt
