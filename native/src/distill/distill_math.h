// Per-row algebra of the fused distillation loss, shared verbatim by the CPU reference, the CPU fast path and the
// CUDA kernels. Each path only differs in how it accumulates the sums below over a row.
//
// With s' = s - max(s) and, for a logits teacher, t' = (t - max(t)) / T and e_j = exp(t'_j):
//   z_s  = sum exp(s'_j)          z_st = sum exp(s'_j / T)       s_sum = sum s'_j
//   logits teacher: z_t = sum e_j, qt = sum e_j t'_j, qs = sum e_j s'_j / T       (q_j = e_j / z_t)
//   probs teacher:  z_t = sum q_j, qt = sum q_j log q_j, qs = sum q_j s'_j / T    (terms with q_j = 0 skipped)
// then log p_j = s'_j - log z_s, log pT_j = s'_j / T - log z_st and
//   KL = sum q (log q - log pT) = (qt - qs) / z_t - log z_t + log z_st     (logits)
//      = qt - qs + z_t log z_st                                            (probs)
//   H  = log z_t - qt / z_t (logits),  -qt (probs)
#pragma once

#include <cmath>

#include "core/host_device.h"
#include "robustify/distill.h"

namespace rfy::distill {

template <typename A>
struct RowSums {
  A z_s = 0, z_st = 0, z_t = 0, qt = 0, qs = 0, s_sum = 0;
  A s_y = 0;            // s'_y
  bool teacher_correct = false;  // argmax t == y
};

template <typename A>
struct RowResult {
  A ce = 0, kd = 0, weight = 0, total = 0;
  // Gradient of this row's loss: grad_j = a (p_j - (1-eps)[j=y] - eps/C) + b (pT_j - q_j), before reduction scale.
  A a = 0, b = 0;
  A log_z_s = 0, log_z_st = 0, inv_z_t = 0;  // for the gradient pass
  bool has_teacher = false;
};

template <typename A>
RFY_HD inline A rlog(A x) {
#if defined(__CUDA_ARCH__)
  return log(x);
#else
  return std::log(x);
#endif
}

// given_weight is row_weights[i] for GIVEN (ignored otherwise).
template <typename A>
RFY_HD inline RowResult<A> finalize(const RowSums<A>& r, const rfy_distill_options& o, int64_t classes,
                                    A given_weight) {
  RowResult<A> out;
  const A eps = static_cast<A>(o.label_smoothing);
  const A T = static_cast<A>(o.temperature);
  out.log_z_s = rlog(r.z_s);
  out.log_z_st = rlog(r.z_st);
  const A n = static_cast<A>(classes);
  out.ce = -(A(1) - eps) * (r.s_y - out.log_z_s);
  if (eps != A(0)) out.ce -= eps / n * (r.s_sum - n * out.log_z_s);
  A kl = 0, entropy = 0;
  out.has_teacher = r.z_t > A(0);
  if (out.has_teacher) {
    if (o.teacher_kind == RFY_TEACHER_LOGITS) {
      const A log_z_t = rlog(r.z_t);
      out.inv_z_t = A(1) / r.z_t;
      kl = (r.qt - r.qs) * out.inv_z_t - log_z_t + out.log_z_st;
      entropy = log_z_t - r.qt * out.inv_z_t;
    } else {
      kl = r.qt - r.qs + r.z_t * out.log_z_st;
      entropy = -r.qt;
    }
  }
  A w = 1;
  if (o.weighting == RFY_KD_WEIGHT_ENTROPY || o.weighting == RFY_KD_WEIGHT_ENTROPY_CORRECT) {
    w = classes > 1 ? A(1) - entropy / rlog(n) : A(0);
    w = w < A(0) ? A(0) : (w > A(1) ? A(1) : w);
    if (o.weighting == RFY_KD_WEIGHT_ENTROPY_CORRECT && !r.teacher_correct) w = 0;
  } else if (o.weighting == RFY_KD_WEIGHT_GIVEN) {
    w = given_weight;
  }
  if (!out.has_teacher) w = 0;
  out.weight = w;
  const A ce_w = static_cast<A>(o.ce_weight), kd_w = static_cast<A>(o.kd_weight);
  out.ce *= ce_w;
  out.kd = (w == A(0) || kd_w == A(0)) ? A(0) : kd_w * T * T * w * kl;
  out.total = out.ce + out.kd;
  out.a = ce_w;
  out.b = (w == A(0) || kd_w == A(0)) ? A(0) : kd_w * T * w;
  return out;
}

}  // namespace rfy::distill
