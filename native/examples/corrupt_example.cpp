// Corrupting images you own with the Robustify core: describe an NHWC uint8 buffer, ask how much workspace the call
// needs, apply gaussian_noise at severity 3 to every image, and print a checksum of the result.
#include <robustify/corrupt.h>

#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  const int64_t n = 2, h = 32, w = 32, c = 3;
  std::vector<uint8_t> pixels(n * h * w * c);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>((i * 7) % 251);
  std::vector<uint8_t> out(pixels.size());

  rfy_tensor src{};  // logical (N, C, H, W) over NHWC memory
  src.data = pixels.data();
  src.dtype = RFY_UINT8;
  src.device_type = RFY_CPU;
  src.ndim = 4;
  const int64_t shape[4] = {n, c, h, w}, strides[4] = {h * w * c, 1, w * c, c};
  for (int d = 0; d < 4; ++d) {
    src.shape[d] = shape[d];
    src.strides[d] = strides[d];
  }
  rfy_tensor dst = src;  // same layout, our own output buffer
  dst.data = out.data();

  std::vector<int32_t> corruptions(n, RFY_CORRUPT_GAUSSIAN_NOISE), severities(n, 3);
  std::vector<int64_t> sample_ids = {0, 1};  // e.g. dataset indices: the random key of each image

  rfy_corrupt_options options;
  rfy_corrupt_default_options(&options);
  options.seed = 1234;

  rfy_corrupt_batch batch{};
  batch.src = &src;
  batch.dst = &dst;
  batch.corruptions = corruptions.data();
  batch.severities = severities.data();
  batch.sample_ids = sample_ids.data();

  int64_t bytes = 0;
  if (rfy_corrupt_workspace_size(&batch, &options, RFY_PATH_FAST, &bytes) != RFY_OK) {
    std::fprintf(stderr, "workspace size failed: %s\n", rfy_last_error());
    return 1;
  }
  std::vector<uint8_t> workspace_bytes(static_cast<size_t>(bytes));
  rfy_tensor workspace{};
  workspace.data = workspace_bytes.empty() ? nullptr : workspace_bytes.data();
  workspace.dtype = RFY_UINT8;
  workspace.device_type = RFY_CPU;
  workspace.ndim = 1;
  workspace.shape[0] = bytes;
  workspace.strides[0] = 1;
  batch.workspace = bytes > 0 ? &workspace : nullptr;

  if (rfy_corrupt_images(&batch, &options, RFY_PATH_FAST, nullptr) != RFY_OK) {
    std::fprintf(stderr, "corrupt failed: %s\n", rfy_last_error());
    return 1;
  }
  uint64_t checksum = 1469598103934665603ull;  // FNV-1a over the corrupted bytes
  int64_t changed = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    checksum = (checksum ^ out[i]) * 1099511628211ull;
    changed += out[i] != pixels[i];
  }
  std::printf("robustify %s: %s s3 on %lld x %lldx%lldx%lld uint8, workspace %lld bytes, %lld of %zu values changed, "
              "checksum %016llx\n",
              rfy_version(), rfy_corruption_name(RFY_CORRUPT_GAUSSIAN_NOISE), static_cast<long long>(n),
              static_cast<long long>(h), static_cast<long long>(w), static_cast<long long>(c),
              static_cast<long long>(bytes), static_cast<long long>(changed), out.size(),
              static_cast<unsigned long long>(checksum));
  return changed > 0 ? 0 : 1;  // noise at severity 3 changes most values
}
