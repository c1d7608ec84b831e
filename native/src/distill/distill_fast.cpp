// The fast CPU path: rows in parallel; within a row, 8-lane float accumulators (vectorised, AVX2 clone chosen at
// load time) flushed to double every 1024 classes, and a polynomial exp. Two passes over the row's memory: sums,
// then the gradient. float64 logits take the reference row code, in parallel.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/simd.h"
#include "core/thread_pool.h"
#include "distill/distill.h"
#include "distill/distill_cpu.h"
#include "distill/distill_math.h"
#include "distill/fast_exp.h"

namespace rfy::distill {
namespace {

constexpr int kLanes = 8;
constexpr int64_t kFlush = 1024;  // classes per float partial sum: bounds float rounding growth

struct MaxArg {
  float s_max, t_max;
  int64_t t_arg;
};

RFY_VECTOR_CLONES MaxArg row_max(const float* __restrict s, const float* __restrict t, int64_t n) {
  float sm[kLanes], tm[kLanes];
  for (int k = 0; k < kLanes; ++k) sm[k] = tm[k] = -std::numeric_limits<float>::infinity();
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int k = 0; k < kLanes; ++k) {
      sm[k] = sm[k] > s[j + k] ? sm[k] : s[j + k];
      tm[k] = tm[k] > t[j + k] ? tm[k] : t[j + k];
    }
  for (; j < n; ++j) {
    sm[0] = sm[0] > s[j] ? sm[0] : s[j];
    tm[0] = tm[0] > t[j] ? tm[0] : t[j];
  }
  MaxArg out{sm[0], tm[0], 0};
  for (int k = 1; k < kLanes; ++k) {
    out.s_max = std::max(out.s_max, sm[k]);
    out.t_max = std::max(out.t_max, tm[k]);
  }
  // First index of the maximum, as the reference picks it.
  for (int64_t i = 0; i < n; ++i)
    if (t[i] == out.t_max) {
      out.t_arg = i;
      break;
    }
  return out;
}

// exp(s') given u = exp(s'/T): u^P when T is the integer P (P = 0: T not a supported integer, one more exp).
template <int P>
inline float exp_student(float sp, float u) {
  if constexpr (P == 0) {
    return fast_exp(sp);
  } else if constexpr (P == 1) {
    return u;
  } else if constexpr (P == 2) {
    return u * u;
  } else {
    static_assert(P == 4, "integer temperatures 1, 2, 4");
    const float u2 = u * u;
    return u2 * u2;
  }
}

// Sums of one chunk for a logits teacher: z_s, z_st, z_t, qt, qs, s_sum.
template <int P>
RFY_VECTOR_CLONES void chunk_sums_logits(const float* __restrict s, const float* __restrict t,
                                         float* __restrict cache, int64_t n, float ms, float mt, float inv_t,
                                         double* __restrict acc) {
  float zs[kLanes] = {}, zst[kLanes] = {}, zt[kLanes] = {}, qt[kLanes] = {}, qs[kLanes] = {}, ss[kLanes] = {};
  // Lane k accumulates classes j = k mod 8: the straight-line body below vectorises as 8 (AVX2) lanes.
  const int64_t whole = n - n % kLanes;
  for (int64_t j = 0; j < whole; j += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      const float sp = s[j + k] - ms;
      const float spt = sp * inv_t;
      const float tp = (t[j + k] - mt) * inv_t;
      const float e = fast_exp(tp);
      cache[j + k] = e;
      // Select operands, not results, so masked classes (e == 0, tp or spt == -inf) add exact zeros.
      const float tp_live = e > 0.0f ? tp : 0.0f;
      const float spt_live = e > 0.0f ? spt : 0.0f;
      const float u = fast_exp(spt);
      zs[k] += exp_student<P>(sp, u);
      zst[k] += u;
      ss[k] += sp;
      zt[k] += e;
      qt[k] += e * tp_live;
      qs[k] += e * spt_live;
    }
  }
  for (int64_t j = whole; j < n; ++j) {
    const float sp = s[j] - ms;
    const float spt = sp * inv_t;
    const float tp = (t[j] - mt) * inv_t;
    const float e = fast_exp(tp);
    cache[j] = e;
    const float u = fast_exp(spt);
    zs[0] += exp_student<P>(sp, u);
    zst[0] += u;
    ss[0] += sp;
    zt[0] += e;
    qt[0] += e * (e > 0.0f ? tp : 0.0f);
    qs[0] += e * (e > 0.0f ? spt : 0.0f);
  }
  for (int k = 0; k < kLanes; ++k) {
    acc[0] += zs[k];
    acc[1] += zst[k];
    acc[2] += zt[k];
    acc[3] += qt[k];
    acc[4] += qs[k];
    acc[5] += ss[k];
  }
}

// grad_j = scale * (a p_j + c0 + b (pT_j - q_j)); the one-hot term is applied by the caller.
// q_j = e_j / z_t, with e_j cached in g by the sums pass; for integer T, p_j = u^T / z_s with u = exp(s'/T):
// one exp per class instead of three.
template <int P>
RFY_VECTOR_CLONES void grad_logits(const float* __restrict s, float* __restrict g, int64_t n, float ms, float inv_t,
                                   float lzs, float inv_zs, float inv_zst, float inv_zt, float sa, float c0, float sb) {
  for (int64_t j = 0; j < n; ++j) {
    const float sp = s[j] - ms;
    const float u = fast_exp(sp * inv_t);
    const float pt = u * inv_zst;
    const float p = P == 0 ? fast_exp(sp - lzs) : exp_student<P>(sp, u) * inv_zs;
    const float q = g[j] * inv_zt;
    g[j] = sa * p + c0 + sb * (pt - q);
  }
}

RFY_VECTOR_CLONES void grad_probs(const float* __restrict s, const float* __restrict t, float* __restrict g,
                                  int64_t n, float ms, float inv_t, float lzs, float lzst, float sa, float c0,
                                  float sb) {
  for (int64_t j = 0; j < n; ++j) {
    const float sp = s[j] - ms;
    const float p = fast_exp(sp - lzs);
    const float pt = fast_exp(sp * inv_t - lzst);
    const float q = t[j] > 0.0f ? t[j] : 0.0f;
    g[j] = sa * p + c0 + sb * (pt - q);
  }
}

void float_row(const rfy_distill_pair& p, int64_t i, int64_t label, double scale) {
  const rfy_distill_options& o = p.options;
  const int64_t C = p.student->shape[1];
  const float* s = static_cast<const float*>(p.student->data) + i * p.student->strides[0];
  const float* t = static_cast<const float*>(p.teacher->data) + i * p.teacher->strides[0];
  float* g = static_cast<float*>(p.grad->data) + i * p.grad->strides[0];
  const bool logits = o.teacher_kind == RFY_TEACHER_LOGITS;
  const float inv_t = 1.0f / o.temperature;
  // T = 1, 2 or 4 (4 is the method's default): exp(s') is a power of exp(s'/T), saving an exp per class.
  const int int_temperature = o.temperature == 1.0f ? 1 : o.temperature == 2.0f ? 2 : o.temperature == 4.0f ? 4 : 0;
  MaxArg m = row_max(s, t, C);
  if (!std::isfinite(m.s_max)) m.s_max = 0;
  if (!std::isfinite(m.t_max)) m.t_max = 0;

  RowSums<double> r;
  if (logits) {
    double acc[6] = {};
    for (int64_t j = 0; j < C; j += kFlush) {
      const int64_t n = std::min(kFlush, C - j);
      switch (int_temperature) {
        case 1: chunk_sums_logits<1>(s + j, t + j, g + j, n, m.s_max, m.t_max, inv_t, acc); break;
        case 2: chunk_sums_logits<2>(s + j, t + j, g + j, n, m.s_max, m.t_max, inv_t, acc); break;
        case 4: chunk_sums_logits<4>(s + j, t + j, g + j, n, m.s_max, m.t_max, inv_t, acc); break;
        default: chunk_sums_logits<0>(s + j, t + j, g + j, n, m.s_max, m.t_max, inv_t, acc); break;
      }
    }
    r.z_s = acc[0];
    r.z_st = acc[1];
    r.z_t = acc[2];
    r.qt = acc[3];
    r.qs = acc[4];
    r.s_sum = acc[5];
  } else {
    // Probabilities need log q per class: a scalar loop (std::log), in double like the reference.
    for (int64_t j = 0; j < C; ++j) {
      const double sp = static_cast<double>(s[j]) - m.s_max;
      r.z_s += fast_exp(static_cast<float>(sp));
      r.z_st += fast_exp(static_cast<float>(sp) * inv_t);
      r.s_sum += sp;
      if (t[j] > 0) {
        r.z_t += t[j];
        r.qt += t[j] * std::log(static_cast<double>(t[j]));
        r.qs += t[j] * sp * inv_t;
      }
    }
  }
  r.s_y = static_cast<double>(s[label]) - m.s_max;
  r.teacher_correct = m.t_arg == label;
  const RowResult<double> res = finalize(r, o, C, static_cast<double>(given_weight(p, i)));
  write_row(p, i, res);

  const double eps = o.label_smoothing;
  const float sa = static_cast<float>(scale * res.a);
  const float c0 = static_cast<float>(-scale * res.a * eps / static_cast<double>(C));
  const float sb = static_cast<float>(scale * res.b);
  if (logits) {
    const float lzs = static_cast<float>(res.log_z_s), inv_zs = static_cast<float>(1.0 / r.z_s);
    const float inv_zst = static_cast<float>(1.0 / r.z_st), inv_zt = static_cast<float>(res.inv_z_t);
    switch (int_temperature) {
      case 1: grad_logits<1>(s, g, C, m.s_max, inv_t, lzs, inv_zs, inv_zst, inv_zt, sa, c0, sb); break;
      case 2: grad_logits<2>(s, g, C, m.s_max, inv_t, lzs, inv_zs, inv_zst, inv_zt, sa, c0, sb); break;
      case 4: grad_logits<4>(s, g, C, m.s_max, inv_t, lzs, inv_zs, inv_zst, inv_zt, sa, c0, sb); break;
      default: grad_logits<0>(s, g, C, m.s_max, inv_t, lzs, inv_zs, inv_zst, inv_zt, sa, c0, sb); break;
    }
  } else {
    grad_probs(s, t, g, C, m.s_max, inv_t, static_cast<float>(res.log_z_s), static_cast<float>(res.log_z_st), sa, c0,
               sb);
  }
  g[label] -= static_cast<float>(scale * res.a * (1.0 - eps));
}

}  // namespace

void run_fast(const rfy_distill_pair& p, const rfy_tensor& labels) {
  const int64_t valid = count_valid(p, labels);
  const double scale = reduction_scale(p.options, valid);
  const int64_t B = labels.shape[0], C = p.student->shape[1];
  const bool f32 = p.student->dtype == RFY_FLOAT32;
  // ~64k classes of work per chunk keeps scheduling cost negligible.
  const int64_t grain = std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, C));
  parallel_for(0, B, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t label = label_at(labels, i);
      if (f32 && row_valid(label, p.options, C))
        float_row(p, i, label, scale);
      else
        reference_row(p, labels, i, scale);  // ignored rows (zeroing) and float64 logits
    }
  });
  write_stats(p, labels, valid);
}

}  // namespace rfy::distill
