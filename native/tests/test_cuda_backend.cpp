#include <string>
#include <vector>

#include "tests/check.h"
#include "tests/tensor_fixture.h"

TEST_CASE(device_count_never_fails) {
  int32_t count = -1;
  CHECK(rfy_cuda_device_count(&count) == RFY_OK);
  CHECK(count >= 0);
  CHECK(rfy_cuda_device_count(nullptr) == RFY_ERR_INVALID_ARGUMENT);
}

TEST_CASE(cuda_tensor_without_backend_is_a_clear_error) {
  if (rfy_cuda_backend_loaded()) return;
  std::vector<uint8_t> src(48);
  std::vector<float> dst(48);
  rfy_tensor s = rfy_test::host_tensor(src.data(), RFY_UINT8, {1, 3, 4, 4});
  rfy_tensor d = rfy_test::host_tensor(dst.data(), RFY_FLOAT32, {1, 3, 4, 4});
  s.device_type = d.device_type = RFY_CUDA;
  const float mean[3] = {0, 0, 0}, std[3] = {1, 1, 1};
  CHECK(rfy_normalize_images(&s, &d, mean, std, RFY_PATH_FAST, nullptr) == RFY_ERR_NO_CUDA);
  CHECK_CONTAINS(rfy_last_error(), "CUDA backend is not loaded");
}

TEST_CASE(missing_backend_file_is_named) {
  CHECK(rfy_cuda_backend_load("/nonexistent/librobustify_cuda.so") == RFY_ERR_NO_CUDA);
  CHECK_CONTAINS(rfy_last_error(), "/nonexistent/librobustify_cuda.so");
  CHECK(rfy_cuda_backend_loaded() == 0);
}

TEST_MAIN()
