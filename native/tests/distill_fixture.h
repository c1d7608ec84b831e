// Owns the buffers of one (student, teacher) distillation pair on the host and describes them for the C ABI.
// Shared by the distill tests, checker and benchmark.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "robustify/distill.h"
#include "tests/tensor_fixture.h"

namespace rfy_test {

// Points a pair at its tensors (host or device descriptors alike).
inline void attach(rfy_distill_pair& pair, const rfy_tensor* student, const rfy_tensor* teacher, const rfy_tensor* grad,
                   const rfy_tensor* rows, const rfy_tensor* stats, const rfy_tensor* row_weights) {
  pair.student = student;
  pair.teacher = teacher;
  pair.grad = grad;
  pair.rows = rows;
  pair.stats = stats;
  pair.row_weights = row_weights;
}

template <typename T>
struct DistillCase {
  int64_t batch, classes;
  std::vector<T> student, teacher, grad;
  std::vector<T> rows, stats;
  std::vector<float> weights;
  std::vector<int64_t> labels;
  rfy_tensor ts{}, tt{}, tg{}, tr{}, tst{}, tw{}, tl{};
  rfy_distill_pair pair{};

  DistillCase(int64_t b, int64_t c, uint32_t seed, double scale = 3.0)
      : batch(b), classes(c), student(b * c), teacher(b * c), grad(b * c), rows(b * 4), stats(5), weights(b),
        labels(b) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> n(0.0, scale);
    for (auto& x : student) x = static_cast<T>(n(gen));
    for (auto& x : teacher) x = static_cast<T>(n(gen));
    std::uniform_real_distribution<float> u(0.f, 1.f);
    for (auto& w : weights) w = u(gen);
    for (auto& y : labels) y = static_cast<int64_t>(gen() % static_cast<uint32_t>(c));
    rfy_distill_default_options(&pair.options);
    describe();
  }

  // Turns the teacher rows into probabilities (softmax at temperature 1).
  void teacher_as_probs() {
    for (int64_t i = 0; i < batch; ++i) {
      double m = -INFINITY, z = 0;
      for (int64_t j = 0; j < classes; ++j) m = std::fmax(m, static_cast<double>(teacher[i * classes + j]));
      for (int64_t j = 0; j < classes; ++j) z += std::exp(teacher[i * classes + j] - m);
      for (int64_t j = 0; j < classes; ++j)
        teacher[i * classes + j] = static_cast<T>(std::exp(teacher[i * classes + j] - m) / z);
    }
    pair.options.teacher_kind = RFY_TEACHER_PROBS;
  }

  void describe() {
    const rfy_dtype d = sizeof(T) == 8 ? RFY_FLOAT64 : RFY_FLOAT32;
    ts = host_tensor(student.data(), d, {batch, classes});
    tt = host_tensor(teacher.data(), d, {batch, classes});
    tg = host_tensor(grad.data(), d, {batch, classes});
    tr = host_tensor(rows.data(), d, {batch, 4});
    tst = host_tensor(stats.data(), d, {5});
    tw = host_tensor(weights.data(), RFY_FLOAT32, {batch});
    tl = host_tensor(labels.data(), RFY_INT64, {batch});
    attach(pair, &ts, &tt, &tg, &tr, &tst, &tw);
  }

  rfy_status run(int32_t path) { return rfy_distill_loss(&pair, 1, &tl, path, nullptr); }
};

}  // namespace rfy_test
