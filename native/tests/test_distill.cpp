#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "tests/check.h"
#include "tests/distill_fixture.h"

using rfy_test::DistillCase;

namespace {

// Independent statement of the loss, written the obvious way (explicit log-softmax and q per class, double):
// no shared algebra with the library.
double naive_loss(const DistillCase<double>& c, std::vector<double>* grad) {
  const auto& o = c.pair.options;
  const int64_t C = c.classes;
  const double T = o.temperature, eps = o.label_smoothing;
  double total = 0;
  int64_t valid = 0;
  std::vector<std::vector<double>> row_grads(c.batch);
  for (int64_t i = 0; i < c.batch; ++i) {
    const int64_t y = c.labels[i];
    row_grads[i].assign(C, 0.0);
    if (y == o.ignore_index) continue;
    ++valid;
    std::vector<double> logp(C), logpt(C), q(C);
    auto log_softmax = [&](const double* x, double temp, std::vector<double>& out) {
      double m = -INFINITY, z = 0;
      for (int64_t j = 0; j < C; ++j) m = std::fmax(m, x[j] / temp);
      for (int64_t j = 0; j < C; ++j) z += std::exp(x[j] / temp - m);
      for (int64_t j = 0; j < C; ++j) out[j] = x[j] / temp - m - std::log(z);
    };
    const double* s = &c.student[i * C];
    const double* t = &c.teacher[i * C];
    log_softmax(s, 1.0, logp);
    log_softmax(s, T, logpt);
    if (o.teacher_kind == RFY_TEACHER_LOGITS) {
      std::vector<double> lq(C);
      log_softmax(t, T, lq);
      for (int64_t j = 0; j < C; ++j) q[j] = std::exp(lq[j]);
    } else {
      for (int64_t j = 0; j < C; ++j) q[j] = t[j];
    }
    double ce = -(1 - eps) * logp[y];
    for (int64_t j = 0; j < C; ++j) ce -= eps / C * logp[j];
    double kl = 0, h = 0;
    int64_t argmax = 0;
    for (int64_t j = 0; j < C; ++j) {
      if (q[j] > 0) {
        kl += q[j] * (std::log(q[j]) - logpt[j]);
        h -= q[j] * std::log(q[j]);
      }
      if (t[j] > t[argmax]) argmax = j;
    }
    double w = 1;
    if (o.weighting == RFY_KD_WEIGHT_ENTROPY || o.weighting == RFY_KD_WEIGHT_ENTROPY_CORRECT)
      w = std::clamp(1 - h / std::log(double(C)), 0.0, 1.0) * (o.weighting == RFY_KD_WEIGHT_ENTROPY_CORRECT && argmax != y ? 0 : 1);
    if (o.weighting == RFY_KD_WEIGHT_GIVEN) w = c.weights[i];
    total += o.ce_weight * ce + o.kd_weight * T * T * w * kl;
    for (int64_t j = 0; j < C; ++j)
      row_grads[i][j] = o.ce_weight * (std::exp(logp[j]) - (j == y ? 1 - eps : 0) - eps / C) +
                        o.kd_weight * T * w * (std::exp(logpt[j]) - q[j]);
  }
  const double scale = o.reduction == RFY_REDUCE_MEAN ? (valid ? 1.0 / valid : 0.0) : 1.0;
  if (grad) {
    grad->assign(c.batch * C, 0.0);
    for (int64_t i = 0; i < c.batch; ++i)
      for (int64_t j = 0; j < C; ++j) (*grad)[i * C + j] = row_grads[i][j] * scale;
  }
  return total * scale;
}

double rel_err(double a, double b) { return std::fabs(a - b) / std::max(1e-6, std::fabs(b)); }

template <typename T>
double max_grad_err(const std::vector<T>& g, const std::vector<double>& expect) {
  double scale = 1e-12, worst = 0;
  for (double e : expect) scale = std::max(scale, std::fabs(e));
  for (size_t i = 0; i < g.size(); ++i) worst = std::max(worst, std::fabs(g[i] - expect[i]) / scale);
  return worst;
}

void configure(rfy_distill_options& o, int variant) {
  rfy_distill_default_options(&o);
  o.temperature = std::vector<float>{4.0f, 0.5f, 20.0f, 1.0f, 2.0f}[variant % 5];  // 1, 2, 4: integer paths
  o.label_smoothing = variant % 3 == 1 ? 0.1f : 0.0f;
  o.weighting = variant % 4;
  o.reduction = (variant / 4) % 2 == 0 ? RFY_REDUCE_MEAN : RFY_REDUCE_SUM;
  o.kd_weight = variant % 5 == 0 ? 0.5f : 1.0f;
  o.ce_weight = variant % 7 == 3 ? 0.0f : 1.0f;
}

}  // namespace

TEST_CASE(both_paths_match_the_naive_statement_in_double) {
  for (int variant = 0; variant < 16; ++variant) {
    DistillCase<double> c(7, 13, 100 + variant);
    configure(c.pair.options, variant);
    if (variant % 5 == 2) c.teacher_as_probs();
    if (variant % 6 == 5) c.labels[2] = c.pair.options.ignore_index;
    std::vector<double> expect_grad;
    const double expect = naive_loss(c, &expect_grad);
    for (int32_t path : {RFY_PATH_REFERENCE, RFY_PATH_FAST}) {
      CHECK(c.run(path) == RFY_OK);
      CHECK(rel_err(c.stats[0], expect) < 1e-6);
      CHECK(max_grad_err(c.grad, expect_grad) < 1e-9);
    }
  }
}

TEST_CASE(fast_float_path_matches_reference) {
  const int64_t shapes[][2] = {{1, 2}, {64, 10}, {16, 1000}, {3, 21843}, {2, 50000}, {4096, 10}};
  int variant = 0;
  for (auto& shape : shapes) {
    DistillCase<float> c(shape[0], shape[1], 7 + variant);
    configure(c.pair.options, variant++);
    CHECK(c.run(RFY_PATH_REFERENCE) == RFY_OK);
    const std::vector<float> ref_grad = c.grad, ref_stats = c.stats;
    CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
    for (int k = 0; k < 4; ++k) CHECK(rel_err(c.stats[k], ref_stats[k]) < 1e-5);
    std::vector<double> expect(ref_grad.begin(), ref_grad.end());
    CHECK(max_grad_err(c.grad, expect) < 1e-5);
  }
}

// The fast path sums each 1024-class chunk relative to the chunk's own maxima and rescales the chunks afterwards:
// rows whose maxima sit in a late chunk, chunks with no finite logit, wide logit ranges and a teacher maximum tied
// across chunks (argmax = first) must still give the reference's values.
TEST_CASE(fast_path_matches_reference_across_chunks) {
  const int64_t C = 3000;  // three chunks, the last one partial
  DistillCase<float> c(6, C, 12, 30.0);
  auto at = [&](std::vector<float>& v, int64_t i, int64_t j) -> float& { return v[i * C + j]; };
  for (int64_t j = 1024; j < 2048; ++j) {
    at(c.student, 0, j) = at(c.teacher, 0, j) = -INFINITY;  // a dead chunk in both
    at(c.teacher, 1, j) = -INFINITY;                        // a dead teacher chunk
  }
  at(c.student, 2, 2999) = 1e4f;  // row maxima in the last (partial) chunk, far above the rest
  at(c.teacher, 2, 2500) = 1e4f;
  at(c.teacher, 3, 100) = at(c.teacher, 3, 2100) = 400.0f;  // tied teacher maximum: argmax is class 100
  c.labels[3] = 100;
  c.labels[4] = 2100;
  at(c.teacher, 4, 2100) = 500.0f;
  at(c.student, 5, 0) = -1e4f;
  for (int variant = 0; variant < 5; ++variant) {
    configure(c.pair.options, variant);
    c.pair.options.weighting = RFY_KD_WEIGHT_ENTROPY_CORRECT;
    c.pair.options.label_smoothing = 0;  // eps > 0 with a -inf student logit is +inf by definition
    CHECK(c.run(RFY_PATH_REFERENCE) == RFY_OK);
    const std::vector<float> ref_grad = c.grad, ref_rows = c.rows;
    CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
    for (size_t k = 0; k < ref_rows.size(); ++k) CHECK(rel_err(c.rows[k], ref_rows[k]) < 1e-5);
    CHECK(c.rows[3 * 4 + 3] > 0.0f && c.rows[4 * 4 + 3] > 0.0f);  // teacher judged correct: weight kept
    std::vector<double> expect(ref_grad.begin(), ref_grad.end());
    CHECK(max_grad_err(c.grad, expect) < 1e-5);
  }
}

TEST_CASE(finite_difference_gradient_in_double) {
  for (int variant = 0; variant < 8; ++variant) {
    DistillCase<double> c(3, 5, 200 + variant);
    configure(c.pair.options, variant);
    if (variant == 6) c.teacher_as_probs();
    CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
    const std::vector<double> analytic = c.grad;
    const double h = 1e-6;
    double worst = 0;
    for (size_t k = 0; k < c.student.size(); ++k) {
      const double keep = c.student[k];
      c.student[k] = keep + h;
      c.run(RFY_PATH_REFERENCE);
      const double up = c.stats[0];
      c.student[k] = keep - h;
      c.run(RFY_PATH_REFERENCE);
      const double down = c.stats[0];
      c.student[k] = keep;
      worst = std::max(worst, std::fabs((up - down) / (2 * h) - analytic[k]));
    }
    CHECK(worst < 1e-7);
  }
}

TEST_CASE(extreme_and_masked_logits_stay_finite) {
  DistillCase<float> c(8, 100, 3, 1.0);
  for (auto& x : c.student) x *= 1e4f;
  for (auto& x : c.teacher) x *= -1e4f;
  for (int64_t i = 0; i < c.batch; ++i)
    for (int64_t j = 0; j < 10; ++j) {
      if (j == c.labels[i]) continue;
      c.teacher[i * 100 + j] = -INFINITY;  // masked classes
      c.student[i * 100 + j] = -INFINITY;
    }
  for (int variant = 0; variant < 8; ++variant) {
    configure(c.pair.options, variant);
    c.pair.options.label_smoothing = 0;  // eps > 0 with a -inf student logit is +inf by definition
    for (int32_t path : {RFY_PATH_REFERENCE, RFY_PATH_FAST}) {
      CHECK(c.run(path) == RFY_OK);
      bool finite = std::isfinite(c.stats[0]);
      for (float g : c.grad) finite = finite && std::isfinite(g);
      CHECK(finite);
    }
  }
}

TEST_CASE(all_ignored_and_empty_batches_give_zero) {
  DistillCase<float> c(5, 7, 4);
  for (auto& y : c.labels) y = -100;
  std::fill(c.grad.begin(), c.grad.end(), 42.0f);
  CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
  CHECK(c.stats[0] == 0.0f && c.stats[4] == 0.0f);
  CHECK(std::all_of(c.grad.begin(), c.grad.end(), [](float g) { return g == 0.0f; }));
  DistillCase<float> empty(0, 7, 5);
  CHECK(empty.run(RFY_PATH_FAST) == RFY_OK);
  CHECK(empty.stats[0] == 0.0f);
}

TEST_CASE(results_do_not_depend_on_thread_count) {
  DistillCase<float> c(300, 257, 6);
  c.pair.options.weighting = RFY_KD_WEIGHT_ENTROPY;
  rfy_set_num_threads(1);
  CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
  const std::vector<float> g1 = c.grad, s1 = c.stats;
  rfy_set_num_threads(3);
  CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
  CHECK(c.grad == g1 && c.stats == s1);
}

TEST_CASE(two_pairs_in_one_call_equal_two_calls) {
  DistillCase<float> a(9, 11, 7), b(9, 11, 8);
  b.labels = a.labels;
  b.pair.options.weighting = RFY_KD_WEIGHT_ENTROPY_CORRECT;
  rfy_distill_pair pairs[2] = {a.pair, b.pair};
  CHECK(rfy_distill_loss(pairs, 2, &a.tl, RFY_PATH_FAST, nullptr) == RFY_OK);
  const std::vector<float> sa = a.stats, sb = b.stats, ga = a.grad, gb = b.grad;
  CHECK(a.run(RFY_PATH_FAST) == RFY_OK);
  CHECK(b.run(RFY_PATH_FAST) == RFY_OK);
  CHECK(sa == a.stats && sb == b.stats && ga == a.grad && gb == b.grad);
}

TEST_CASE(reduction_none_gives_per_row_gradients) {
  DistillCase<double> c(4, 6, 9);
  c.pair.options.reduction = RFY_REDUCE_SUM;
  CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
  const std::vector<double> sum_grad = c.grad;
  const float sum_total = c.stats[0];
  c.pair.options.reduction = RFY_REDUCE_NONE;
  CHECK(c.run(RFY_PATH_FAST) == RFY_OK);
  CHECK(c.grad == sum_grad);  // each row's loss depends on its own row only
  double rows = 0;
  for (int64_t i = 0; i < c.batch; ++i) rows += c.rows[i * 4];
  CHECK(rel_err(rows, sum_total) < 1e-6);
}

TEST_CASE(accumulate_adds_the_gradient_to_what_grad_held) {
  // Every row shape the fast path distinguishes: one chunk, several chunks (C > 1024), a non-integer T (exp per
  // class in the gradient pass), probabilities as teacher; an ignored row must keep what it held.
  struct Shape {
    int64_t b, c;
    float temperature;
    bool probs;
  };
  for (const Shape& sh : {Shape{7, 37, 4.0f, false}, Shape{5, 2500, 4.0f, false}, Shape{6, 301, 2.5f, false},
                          Shape{4, 50, 4.0f, true}}) {
    for (int32_t path : {RFY_PATH_FAST, RFY_PATH_REFERENCE}) {
      DistillCase<float> c(sh.b, sh.c, 21);
      if (sh.probs) c.teacher_as_probs();
      c.pair.options.temperature = sh.temperature;
      c.labels[1] = -100;
      CHECK(c.run(path) == RFY_OK);
      const std::vector<float> fresh = c.grad, stats = c.stats;
      std::vector<float> before(c.grad.size());
      std::mt19937 gen(3);
      std::normal_distribution<float> n(0.0f, 0.01f);
      for (auto& x : before) x = n(gen);
      c.grad = before;
      c.describe();
      c.pair.options.accumulate = 1;
      c.pair.options.temperature = sh.temperature;
      if (sh.probs) c.pair.options.teacher_kind = RFY_TEACHER_PROBS;
      CHECK(c.run(path) == RFY_OK);
      CHECK(c.stats == stats);
      double worst = 0, scale = 1e-12;
      for (size_t k = 0; k < fresh.size(); ++k) {
        scale = std::max(scale, std::fabs(static_cast<double>(fresh[k])));
        worst = std::max(worst, std::fabs(static_cast<double>(c.grad[k]) - (static_cast<double>(before[k]) + fresh[k])));
      }
      CHECK(worst / scale < 1e-6);
      bool ignored_row_kept = true;
      for (int64_t j = 0; j < sh.c; ++j) ignored_row_kept = ignored_row_kept && c.grad[sh.c + j] == before[sh.c + j];
      CHECK(ignored_row_kept);
    }
  }
}

TEST_CASE(bad_arguments_are_named) {
  DistillCase<float> c(2, 3, 10);
  c.pair.options.temperature = 0;
  CHECK(c.run(RFY_PATH_FAST) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "pairs[0].options.temperature must be > 0");
  rfy_distill_default_options(&c.pair.options);
  c.labels[1] = 3;
  CHECK(c.run(RFY_PATH_FAST) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "labels[1] = 3 is outside 0..2");
  c.labels[1] = 0;
  c.pair.options.weighting = RFY_KD_WEIGHT_GIVEN;
  c.pair.row_weights = nullptr;
  CHECK(c.run(RFY_PATH_FAST) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "pairs[0].row_weights is NULL");
  c.describe();
  c.pair.options.weighting = RFY_KD_WEIGHT_UNIFORM;
  c.ts.dtype = c.tt.dtype = c.tg.dtype = RFY_BFLOAT16;
  CHECK(c.run(RFY_PATH_FAST) == RFY_ERR_UNSUPPORTED);
  CHECK_CONTAINS(rfy_last_error(), "half-precision logits are supported on CUDA");
  c.describe();
  c.pair.options.accumulate = 2;
  CHECK(c.run(RFY_PATH_FAST) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "pairs[0].options.accumulate must be 0 or 1");
  c.pair.options.accumulate = 0;
  c.tg.data = c.ts.data;
  CHECK(c.run(RFY_PATH_FAST) == RFY_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(rfy_last_error(), "pairs[0].grad must not share memory with pairs[0].student");
}

TEST_MAIN()
