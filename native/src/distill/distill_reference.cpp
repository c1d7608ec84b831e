// The reference: one row at a time, double-precision sums, std::exp/std::log. The ground truth for the fast and
// CUDA paths, and the path the finite-difference gradient checks run on (float64 logits).
#include <cmath>
#include <limits>

#include "distill/distill.h"
#include "distill/distill_cpu.h"
#include "distill/distill_math.h"

namespace rfy::distill {
namespace {

template <typename T>
void row(const rfy_distill_pair& p, int64_t i, int64_t label, double scale) {
  const rfy_distill_options& o = p.options;
  const int64_t C = p.student->shape[1];
  const T* s = static_cast<const T*>(p.student->data) + i * p.student->strides[0];
  const T* t = static_cast<const T*>(p.teacher->data) + i * p.teacher->strides[0];
  T* g = static_cast<T*>(p.grad->data) + i * p.grad->strides[0];
  const double T_ = o.temperature;
  const bool logits = o.teacher_kind == RFY_TEACHER_LOGITS;
  double ms = -std::numeric_limits<double>::infinity(), mt = ms;
  int64_t argmax_t = 0;
  for (int64_t j = 0; j < C; ++j) {
    ms = std::fmax(ms, static_cast<double>(s[j]));
    if (static_cast<double>(t[j]) > static_cast<double>(t[argmax_t])) argmax_t = j;
  }
  mt = t[argmax_t];
  if (!std::isfinite(ms)) ms = 0;
  if (!std::isfinite(mt)) mt = 0;
  RowSums<double> r;
  for (int64_t j = 0; j < C; ++j) {
    const double sp = s[j] - ms;
    r.z_s += std::exp(sp);
    r.z_st += std::exp(sp / T_);
    r.s_sum += sp;
    if (logits) {
      const double tp = (t[j] - mt) / T_;
      const double e = std::exp(tp);
      r.z_t += e;
      if (e > 0) {
        r.qt += e * tp;
        r.qs += e * sp / T_;
      }
    } else if (t[j] > 0) {
      const double q = t[j];
      r.z_t += q;
      r.qt += q * std::log(q);
      r.qs += q * sp / T_;
    }
  }
  r.s_y = s[label] - ms;
  r.teacher_correct = argmax_t == label;
  const RowResult<double> res = finalize(r, o, C, static_cast<double>(given_weight(p, i)));
  write_row(p, i, res);
  const double eps = o.label_smoothing;
  for (int64_t j = 0; j < C; ++j) {
    const double sp = s[j] - ms;
    const double pj = std::exp(sp - res.log_z_s);
    double gj = res.a * (pj - (j == label ? 1.0 - eps : 0.0) - eps / static_cast<double>(C));
    if (res.b != 0) {
      const double ptj = std::exp(sp / T_ - res.log_z_st);
      const double qj = logits ? std::exp((t[j] - mt) / T_) * res.inv_z_t : (t[j] > 0 ? static_cast<double>(t[j]) : 0.0);
      gj += res.b * (ptj - qj);
    }
    g[j] = static_cast<T>(o.accumulate ? static_cast<double>(g[j]) + scale * gj : scale * gj);
  }
}

template <typename T>
void ignored_row(const rfy_distill_pair& p, int64_t i) {
  T* g = static_cast<T*>(p.grad->data) + i * p.grad->strides[0];
  if (!p.options.accumulate)
    for (int64_t j = 0; j < p.student->shape[1]; ++j) g[j] = T(0);
  for (int c = 0; c < RFY_DISTILL_ROW_COLUMNS; ++c) put(*p.rows, row_offset(*p.rows, i, c), 0.0);
}

}  // namespace

void reference_row(const rfy_distill_pair& p, const rfy_tensor& labels, int64_t i, double scale) {
  const int64_t label = label_at(labels, i);
  const bool f64 = p.student->dtype == RFY_FLOAT64;
  if (!row_valid(label, p.options, p.student->shape[1])) {
    f64 ? ignored_row<double>(p, i) : ignored_row<float>(p, i);
  } else {
    f64 ? row<double>(p, i, label, scale) : row<float>(p, i, label, scale);
  }
}

void run_reference(const rfy_distill_pair& p, const rfy_tensor& labels) {
  const int64_t valid = count_valid(p, labels);
  const double scale = reduction_scale(p.options, valid);
  for (int64_t i = 0; i < labels.shape[0]; ++i) reference_row(p, labels, i, scale);
  write_stats(p, labels, valid);
}

}  // namespace rfy::distill
