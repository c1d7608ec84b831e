// Minimal embedding of the Robustify core in a C++ program: describe an NHWC uint8 buffer you already own, let the
// core write normalised NCHW floats into a buffer you also own, and check every status.
#include <robustify/robustify.h>

#include <cstdio>
#include <vector>

int main() {
  const int64_t n = 2, h = 4, w = 4, c = 3;
  std::vector<uint8_t> pixels(n * h * w * c);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7);
  std::vector<float> out(pixels.size());

  rfy_tensor src{};  // logical (N, C, H, W) over NHWC memory
  src.data = pixels.data();
  src.dtype = RFY_UINT8;
  src.device_type = RFY_CPU;
  src.ndim = 4;
  const int64_t src_shape[4] = {n, c, h, w}, src_strides[4] = {h * w * c, 1, w * c, c};
  rfy_tensor dst = src;
  dst.data = out.data();
  dst.dtype = RFY_FLOAT32;
  const int64_t dst_strides[4] = {c * h * w, h * w, w, 1};
  for (int d = 0; d < 4; ++d) {
    src.shape[d] = dst.shape[d] = src_shape[d];
    src.strides[d] = src_strides[d];
    dst.strides[d] = dst_strides[d];
  }
  const float mean[3] = {0.485f, 0.456f, 0.406f}, std[3] = {0.229f, 0.224f, 0.225f};

  if (rfy_normalize_images(&src, &dst, mean, std, RFY_PATH_FAST, nullptr) != RFY_OK) {
    std::fprintf(stderr, "normalize failed: %s\n", rfy_last_error());
    return 1;
  }
  const float expect = (pixels[1] / 255.0f - mean[1]) / std[1];  // channel 1 of pixel (0, 0, 0)
  std::printf("robustify %s: out[0,1,0,0] = %.6f (expected %.6f)\n", rfy_version(), out[h * w], expect);
  return out[h * w] == expect ? 0 : 1;
}
