// A host DistillCase copied to the GPU in storage type H (float, __half, __nv_bfloat16), with descriptors ready for
// rfy_distill_loss. Shared by check_distill and bench_distill (CUDA builds only).
#pragma once

#if defined(RFY_HAVE_CUDA_BACKEND)
#include <vector>

#include "dev/tool_support.h"
#include "tests/distill_fixture.h"

namespace rfy_tool {

template <typename H>
struct DeviceDistill {
  int64_t batch, classes;
  DeviceBuffer student, teacher, grad, rows, stats, labels, weights;
  rfy_tensor ts{}, tt{}, tg{}, tr{}, tst{}, tl{}, tw{};
  rfy_distill_pair pair{};

  // `inputs` receives the values rounded to H, so a CPU reference can see exactly what the GPU sees.
  DeviceDistill(const rfy_test::DistillCase<float>& c, rfy_dtype dtype, rfy_test::DistillCase<float>* inputs)
      : batch(c.batch), classes(c.classes), student(c.student.size() * sizeof(H)),
        teacher(c.student.size() * sizeof(H)), grad(c.student.size() * sizeof(H)),
        rows(static_cast<size_t>(c.batch) * 4 * sizeof(float)), stats(5 * sizeof(float)),
        labels(static_cast<size_t>(c.batch) * sizeof(int64_t)), weights(static_cast<size_t>(c.batch) * sizeof(float)) {
    const size_t n = c.student.size();
    std::vector<H> s(n), t(n);
    for (size_t i = 0; i < n; ++i) {
      s[i] = static_cast<H>(c.student[i]);
      t[i] = static_cast<H>(c.teacher[i]);
      if (inputs) {
        inputs->student[i] = static_cast<float>(s[i]);
        inputs->teacher[i] = static_cast<float>(t[i]);
      }
    }
    student.upload(s.data());
    teacher.upload(t.data());
    labels.upload(c.labels.data());
    weights.upload(c.weights.data());
    ts = on_device(student.ptr, dtype, {batch, classes});
    tt = on_device(teacher.ptr, dtype, {batch, classes});
    tg = on_device(grad.ptr, dtype, {batch, classes});
    tr = on_device(rows.ptr, RFY_FLOAT32, {batch, 4});
    tst = on_device(stats.ptr, RFY_FLOAT32, {5});
    tl = on_device(labels.ptr, RFY_INT64, {batch});
    tw = on_device(weights.ptr, RFY_FLOAT32, {batch});
    pair = c.pair;
    rfy_test::attach(pair, &ts, &tt, &tg, &tr, &tst, &tw);
  }

  rfy_status run() { return rfy_distill_loss(&pair, 1, &tl, RFY_PATH_FAST, nullptr); }

  static rfy_tensor on_device(void* p, rfy_dtype d, std::initializer_list<int64_t> shape) {
    rfy_tensor x = rfy_test::host_tensor(p, d, shape);
    x.device_type = RFY_CUDA;
    return x;
  }
};

}  // namespace rfy_tool
#endif
