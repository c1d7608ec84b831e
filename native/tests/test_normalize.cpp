#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tests/check.h"
#include "tests/tensor_fixture.h"

using rfy_test::host_tensor;
using rfy_test::nhwc_as_nchw;

namespace {

const float kMean[3] = {0.485f, 0.456f, 0.406f};
const float kStd[3] = {0.229f, 0.224f, 0.225f};

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = static_cast<uint8_t>(gen() & 0xff);
  return v;
}

}  // namespace

// Independent expectation in double precision: the kernel must be within float rounding of it.
TEST_CASE(matches_double_precision_formula_nchw_uint8) {
  const int64_t n = 2, c = 3, h = 5, w = 7;
  auto src = random_bytes(n * c * h * w, 1);
  std::vector<float> dst(src.size());
  rfy_tensor s = host_tensor(src.data(), RFY_UINT8, {n, c, h, w});
  rfy_tensor d = host_tensor(dst.data(), RFY_FLOAT32, {n, c, h, w});
  CHECK(rfy_normalize_images(&s, &d, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_OK);
  double worst = 0;
  for (size_t i = 0; i < src.size(); ++i) {
    const int64_t ch = (static_cast<int64_t>(i) / (h * w)) % c;
    const double expect = (src[i] / 255.0 - kMean[ch]) / kStd[ch];
    worst = std::fmax(worst, std::fabs(expect - dst[i]));
  }
  CHECK(worst < 1e-5);
}

TEST_CASE(nhwc_input_equals_nchw_input) {
  const int64_t n = 3, c = 3, h = 9, w = 11;
  auto nhwc = random_bytes(n * h * w * c, 2);
  std::vector<uint8_t> nchw(nhwc.size());
  for (int64_t a = 0; a < n; ++a)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k) nchw[((a * c + k) * h + y) * w + x] = nhwc[((a * h + y) * w + x) * c + k];
  std::vector<float> out1(nhwc.size()), out2(nhwc.size());
  rfy_tensor s1 = nhwc_as_nchw(nhwc.data(), RFY_UINT8, n, h, w, c);
  rfy_tensor s2 = host_tensor(nchw.data(), RFY_UINT8, {n, c, h, w});
  rfy_tensor d1 = host_tensor(out1.data(), RFY_FLOAT32, {n, c, h, w});
  rfy_tensor d2 = host_tensor(out2.data(), RFY_FLOAT32, {n, c, h, w});
  CHECK(rfy_normalize_images(&s1, &d1, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_OK);
  CHECK(rfy_normalize_images(&s2, &d2, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_OK);
  CHECK(out1 == out2);
}

TEST_CASE(reference_and_fast_paths_are_bit_identical) {
  for (int threads : {1, 2, 4}) {
    rfy_set_num_threads(threads);
    const int64_t n = 5, c = 3, h = 32, w = 33;
    std::vector<float> src(n * c * h * w);
    std::mt19937 gen(3);
    std::uniform_real_distribution<float> u(-2.f, 3.f);
    for (auto& x : src) x = u(gen);
    std::vector<float> ref(src.size()), fast(src.size());
    rfy_tensor s = host_tensor(src.data(), RFY_FLOAT32, {n, c, h, w});
    rfy_tensor r = host_tensor(ref.data(), RFY_FLOAT32, {n, c, h, w});
    rfy_tensor f = host_tensor(fast.data(), RFY_FLOAT32, {n, c, h, w});
    CHECK(rfy_normalize_images(&s, &r, kMean, kStd, RFY_PATH_REFERENCE, nullptr) == RFY_OK);
    CHECK(rfy_normalize_images(&s, &f, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_OK);
    CHECK(ref == fast);
  }
}

TEST_CASE(strided_output_is_written_in_place) {
  // dst is an NHWC buffer described as NCHW: the kernel must honour output strides too.
  const int64_t n = 1, c = 3, h = 4, w = 4;
  auto src = random_bytes(n * c * h * w, 4);
  std::vector<float> out_nhwc(src.size()), out_nchw(src.size());
  rfy_tensor s = host_tensor(src.data(), RFY_UINT8, {n, c, h, w});
  rfy_tensor d1 = nhwc_as_nchw(out_nhwc.data(), RFY_FLOAT32, n, h, w, c);
  rfy_tensor d2 = host_tensor(out_nchw.data(), RFY_FLOAT32, {n, c, h, w});
  CHECK(rfy_normalize_images(&s, &d1, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_OK);
  CHECK(rfy_normalize_images(&s, &d2, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_OK);
  bool same = true;
  for (int64_t k = 0; k < c; ++k)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        same = same && out_nhwc[(y * w + x) * c + k] == out_nchw[(k * h + y) * w + x];
  CHECK(same);
}

TEST_CASE(empty_batch_is_fine) {
  rfy_tensor s = host_tensor(nullptr, RFY_UINT8, {0, 3, 4, 4});
  rfy_tensor d = host_tensor(nullptr, RFY_FLOAT32, {0, 3, 4, 4});
  CHECK(rfy_normalize_images(&s, &d, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_OK);
}

TEST_CASE(bad_arguments_are_named) {
  std::vector<uint8_t> src(2 * 3 * 4 * 4);
  std::vector<float> dst(src.size());
  rfy_tensor s = host_tensor(src.data(), RFY_UINT8, {2, 3, 4, 4});
  rfy_tensor d = host_tensor(dst.data(), RFY_FLOAT32, {2, 3, 4, 4});

  rfy_tensor wrong_dtype = d;
  wrong_dtype.dtype = RFY_UINT8;
  CHECK(rfy_normalize_images(&s, &wrong_dtype, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "dst must be float32; got uint8[2, 3, 4, 4]");

  rfy_tensor wrong_shape = host_tensor(dst.data(), RFY_FLOAT32, {2, 3, 4, 2});
  CHECK(rfy_normalize_images(&s, &wrong_shape, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "must have the same shape");

  rfy_tensor three_d = host_tensor(src.data(), RFY_UINT8, {6, 4, 4});
  CHECK(rfy_normalize_images(&three_d, &d, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "src must be 4-D");

  const float bad_std[3] = {0.2f, 0.0f, 0.2f};
  CHECK(rfy_normalize_images(&s, &d, kMean, bad_std, RFY_PATH_FAST, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "std[1] must be finite and > 0");

  rfy_tensor broadcast = d;
  broadcast.strides[0] = 0;
  CHECK(rfy_normalize_images(&s, &broadcast, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "overlapping memory");

  CHECK(rfy_normalize_images(&s, &d, kMean, kStd, 7, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "path must be");

  rfy_tensor negative = s;
  negative.strides[2] = -4;
  CHECK(rfy_normalize_images(&negative, &d, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "negative stride");
}

TEST_CASE(mixed_devices_are_rejected) {
  std::vector<uint8_t> src(48);
  std::vector<float> dst(48);
  rfy_tensor s = host_tensor(src.data(), RFY_UINT8, {1, 3, 4, 4});
  rfy_tensor d = host_tensor(dst.data(), RFY_FLOAT32, {1, 3, 4, 4});
  d.device_type = RFY_CUDA;
  CHECK(rfy_normalize_images(&s, &d, kMean, kStd, RFY_PATH_FAST, nullptr) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "same device");
}

TEST_MAIN()
