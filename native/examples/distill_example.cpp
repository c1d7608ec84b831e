// The fused distillation loss from C++: a batch of student and teacher logits you already own, one call for the
// loss and its gradient with respect to the student logits (feed it to your framework's backward).
#include <robustify/distill.h>

#include <cmath>
#include <cstdio>
#include <vector>

static rfy_tensor matrix(void* data, rfy_dtype dtype, int64_t rows, int64_t cols) {
  rfy_tensor t{};
  t.data = data;
  t.dtype = dtype;
  t.device_type = RFY_CPU;
  t.ndim = cols > 0 ? 2 : 1;
  t.shape[0] = rows;
  t.strides[0] = cols > 0 ? cols : 1;
  if (cols > 0) {
    t.shape[1] = cols;
    t.strides[1] = 1;
  }
  return t;
}

int main() {
  const int64_t batch = 4, classes = 5;
  std::vector<float> student(batch * classes), teacher(batch * classes), grad(batch * classes), rows(batch * 4),
      stats(5);
  std::vector<int64_t> labels = {0, 3, 1, 4};
  for (int64_t i = 0; i < batch * classes; ++i) {
    student[i] = std::sin(0.7f * i);
    teacher[i] = std::cos(0.3f * i);
  }
  rfy_tensor s = matrix(student.data(), RFY_FLOAT32, batch, classes), t = matrix(teacher.data(), RFY_FLOAT32, batch, classes),
             g = matrix(grad.data(), RFY_FLOAT32, batch, classes), r = matrix(rows.data(), RFY_FLOAT32, batch, 4),
             st = matrix(stats.data(), RFY_FLOAT32, 5, 0), y = matrix(labels.data(), RFY_INT64, batch, 0);

  rfy_distill_pair pair{};
  rfy_distill_default_options(&pair.options);  // T = 4, lambda = 1, mean over rows
  pair.options.weighting = RFY_KD_WEIGHT_ENTROPY;
  pair.student = &s;
  pair.teacher = &t;
  pair.grad = &g;
  pair.rows = &r;
  pair.stats = &st;
  if (rfy_distill_loss(&pair, 1, &y, RFY_PATH_FAST, nullptr) != RFY_OK) {
    std::fprintf(stderr, "distill failed: %s\n", rfy_last_error());
    return 1;
  }
  // Each gradient row of a mean-reduced CE + KL loss sums to zero (softmax minus distributions, over the batch).
  double row_sum = 0;
  for (int64_t j = 0; j < classes; ++j) row_sum += grad[j];
  std::printf("loss %.5f (CE %.5f, KD %.5f, mean weight %.3f); grad row 0 sums to %.2e\n", stats[0], stats[1],
              stats[2], stats[3], row_sum);
  return std::isfinite(stats[0]) && std::fabs(row_sum) < 1e-5 ? 0 : 1;
}
