// Optimised ops: gaussian_noise shot_noise impulse_noise speckle_noise. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
#pragma once

namespace rfy::corrupt {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_gaussian_noise(const Sample& s) {}
inline int64_t op_gaussian_noise_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_shot_noise(const Sample& s) {}
inline int64_t op_shot_noise_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_impulse_noise(const Sample& s) {}
inline int64_t op_impulse_noise_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_speckle_noise(const Sample& s) {}
inline int64_t op_speckle_noise_scratch(int c, int h, int w, const float* p) { return 0; }

}  // namespace rfy::corrupt
