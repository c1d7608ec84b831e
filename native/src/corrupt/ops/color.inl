// Optimised ops: brightness contrast saturate. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
#pragma once

namespace rfy::corrupt {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_brightness(const Sample& s) {}
inline int64_t op_brightness_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_contrast(const Sample& s) {}
inline int64_t op_contrast_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_saturate(const Sample& s) {}
inline int64_t op_saturate_scratch(int c, int h, int w, const float* p) { return 0; }

}  // namespace rfy::corrupt
