// Optimised ops: defocus_blur glass_blur motion_blur zoom_blur gaussian_blur snow. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
#pragma once

namespace rfy::corrupt {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_defocus_blur(const Sample& s) {}
inline int64_t op_defocus_blur_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_glass_blur(const Sample& s) {}
inline int64_t op_glass_blur_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_motion_blur(const Sample& s) {}
inline int64_t op_motion_blur_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_zoom_blur(const Sample& s) {}
inline int64_t op_zoom_blur_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_gaussian_blur(const Sample& s) {}
inline int64_t op_gaussian_blur_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_snow(const Sample& s) {}
inline int64_t op_snow_scratch(int c, int h, int w, const float* p) { return 0; }

}  // namespace rfy::corrupt
