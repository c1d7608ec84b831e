// Optimised ops: elastic_transform pixelate jpeg_compression. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
#pragma once

namespace rfy::corrupt {

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_elastic_transform(const Sample& s) {}
inline int64_t op_elastic_transform_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_pixelate(const Sample& s) {}
inline int64_t op_pixelate_scratch(int c, int h, int w, const float* p) { return 0; }

// TODO(corruption engine): not implemented yet; leaves the image unchanged.
RFY_OP void op_jpeg_compression(const Sample& s) {}
inline int64_t op_jpeg_compression_scratch(int c, int h, int w, const float* p) { return 0; }

}  // namespace rfy::corrupt
