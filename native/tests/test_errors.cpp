#include <cstring>
#include <string>
#include <thread>

#include "tests/check.h"
#include "tests/tensor_fixture.h"

TEST_CASE(version_and_build_info) {
  int32_t major = -1, minor = -1;
  rfy_abi_version(&major, &minor);
  CHECK(major == RFY_ABI_VERSION_MAJOR && minor == RFY_ABI_VERSION_MINOR);
  CHECK(std::strlen(rfy_version()) > 0);
  CHECK_CONTAINS(rfy_build_info(), "robustify");
  CHECK_CONTAINS(rfy_build_info(), "cuda backend");
}

TEST_CASE(status_names) {
  CHECK(std::string(rfy_status_name(RFY_OK)) == "RFY_OK");
  CHECK(std::string(rfy_status_name(RFY_ERR_NO_CUDA)) == "RFY_ERR_NO_CUDA");
}

TEST_CASE(null_tensor_is_named) {
  float mean = 0, std = 1;
  rfy_status s = rfy_normalize_images(nullptr, nullptr, &mean, &std, RFY_PATH_FAST, nullptr);
  CHECK(s == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "rfy_normalize_images: src is NULL");
}

TEST_CASE(last_error_is_thread_local) {
  float mean = 0, std = 1;
  rfy_normalize_images(nullptr, nullptr, &mean, &std, RFY_PATH_FAST, nullptr);
  std::string other;
  std::thread([&] { other = rfy_last_error(); }).join();
  CHECK(other.empty());
  CHECK_CONTAINS(rfy_last_error(), "src is NULL");
}

TEST_CASE(thread_count_validation) {
  const int32_t before = rfy_get_num_threads();
  CHECK(rfy_set_num_threads(0) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "threads must be in 1..1024; got 0");
  CHECK(rfy_set_num_threads(3) == RFY_OK);
  CHECK(rfy_get_num_threads() == 3);
  CHECK(rfy_set_num_threads(before) == RFY_OK);
}

TEST_CASE(range_push_pop_is_safe_without_profiler) {
  rfy_range_push("test");
  rfy_range_pop();
  rfy_range_push(nullptr);
  rfy_range_pop();
  CHECK(rfy_nvtx_enabled() == 0 || rfy_nvtx_enabled() == 1);
}

TEST_CASE(host_allocator_tuning_succeeds_on_glibc) {
  const rfy_status s = rfy_tune_host_allocator();
  CHECK(s == RFY_OK || s == RFY_ERR_UNSUPPORTED);
}

TEST_MAIN()
