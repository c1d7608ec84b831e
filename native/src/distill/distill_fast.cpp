// The fast CPU path: rows in parallel; each row in two passes.
//  1. Sums pass, the only one that reads the row from memory: chunks of kChunk classes (the chunk's student and
//     teacher stay in L1 between its max loop and its sums loop); online max/sum-exp across chunks (distill_chunks.h).
//     It caches e = exp(tp) in the gradient row and u = exp(sp / T) in a per-thread scratch row.
//  2. Gradient pass over the cached values (L2-resident for C up to ~50k): with an integer T (1, 2, 4: the method's
//     default is 4) exp(sp) = u^T, so the pass needs no exp at all; two exps per class in all.
// Within a chunk, 16-lane float accumulators (one AVX-512 or two AVX2 registers each) are flushed to double per
// chunk, which bounds float rounding growth. This file is built with -ffp-contract=fast (FMA in the exp polynomial):
// it is held to a tolerance against the reference, not to bit-equality. float64 logits take the reference row code.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/thread_pool.h"
#include "distill/distill.h"
#include "distill/distill_chunks.h"
#include "distill/distill_cpu.h"
#include "distill/distill_math.h"
#include "distill/fast_exp.h"

// Clones for AVX-512 (x86-64-v4: 32 vector registers, so the sums loop's ~20 live constants and accumulators stay
// in registers) and AVX2 + FMA (x86-64-v3), picked at load time; baseline x86-64 otherwise.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(RFY_NO_TARGET_CLONES)
#define RFY_DISTILL_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RFY_DISTILL_CLONES
#endif

namespace rfy::distill {
namespace {

constexpr int kLanes = 16;
constexpr int64_t kChunk = 1024;  // classes per chunk: 2 x 4 KiB of logits in L1; float partial sums per chunk

struct Maxima {
  float s, t;
};

// GCC vector types, so every clone gets packed max instructions: the scalar form's max reduction is not vectorised
// at -O3 (and the loop vectoriser needs -ffinite-math-only for it).
typedef float Vec8 __attribute__((vector_size(32)));

RFY_DISTILL_CLONES Maxima chunk_max(const float* __restrict s, const float* __restrict t, int64_t n) {
  const float lowest = -std::numeric_limits<float>::infinity();
  const Vec8 init = Vec8{} + lowest;
  Vec8 sm[2] = {init, init}, tm[2] = {init, init};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int r = 0; r < 2; ++r) {
      Vec8 a, b;
      std::memcpy(&a, s + j + 8 * r, sizeof a);
      std::memcpy(&b, t + j + 8 * r, sizeof b);
      sm[r] = sm[r] > a ? sm[r] : a;
      tm[r] = tm[r] > b ? tm[r] : b;
    }
  Maxima out{lowest, lowest};
  for (int r = 0; r < 2; ++r)
    for (int k = 0; k < 8; ++k) {
      out.s = std::max(out.s, sm[r][k]);
      out.t = std::max(out.t, tm[r][k]);
    }
  for (; j < n; ++j) {
    out.s = out.s > s[j] ? out.s : s[j];
    out.t = out.t > t[j] ? out.t : t[j];
  }
  return out;
}

// First index of `value` in t (the reference's argmax picks the first maximum).
int64_t first_index(const float* t, int64_t n, float value) {
  for (int64_t j = 0; j < n; ++j)
    if (t[j] == value) return j;
  return 0;
}

// exp(s') given u = exp(s'/T): u^P when T is the integer P (P = 0: T not a supported integer, one more exp).
template <int P>
inline float exp_student(float sp, float u) {
  if constexpr (P == 0) {
    return exp2_in_domain(exp2_floor(sp * static_cast<float>(kLog2e)));  // sp <= 0
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

// Float accumulators of the sums pass; lane k takes classes j = k mod kLanes.
struct Lanes {
  float zs[kLanes] = {}, zst[kLanes] = {}, zt[kLanes] = {}, qt[kLanes] = {}, qs[kLanes] = {}, ss[kLanes] = {};
};

// The lanes' total in double, summed as a fixed tree (vectorisable; a sequential sum of 16 lanes costs as much as
// a whole short row).
inline double lane_sum(const float (&x)[kLanes]) {
  double d[kLanes / 2];
  for (int k = 0; k < kLanes / 2; ++k) d[k] = static_cast<double>(x[k]) + static_cast<double>(x[k + kLanes / 2]);
  for (int w = kLanes / 4; w >= 1; w /= 2)
    for (int k = 0; k < w; ++k) d[k] += d[k + w];
  return d[0];
}

// One class of the sums pass, into lane k. `log2e_t` = log2(e) / T: tp and spt are in base 2 (qt and qs too, until
// the chunk's flush takes them back to base e).
template <int P>
inline void accumulate(Lanes& a, int k, float s, float t, float ms, float mt, float log2e_t, float& e_out,
                       float& u_out) {
  // sp and tp are <= 0 (logits minus their chunk's maxima; only a chunk holding +inf or NaN, whose loss is not finite
  // anyway, has them > 0), so only the floor of exp2's domain applies; a masked class's tp of -inf becomes -127
  // there, so e * tp is an exact zero without a select.
  const float sp = s - ms;
  const float spt = sp * log2e_t;
  const float tp = exp2_floor((t - mt) * log2e_t);
  const float e = exp2_in_domain(tp);
  const float u = exp2_in_domain(exp2_floor(spt));
  e_out = e;
  u_out = u;
  a.zs[k] += exp_student<P>(sp, u);
  a.zst[k] += u;
  a.ss[k] += sp;
  a.zt[k] += e;
  a.qt[k] += e * tp;
  // A select on the operand, not on the sum (which the vectoriser turns into a branch): spt keeps its value (or
  // -inf) where e > 0, as in the reference, and adds an exact zero where e == 0.
  a.qs[k] += e * (e > 0.0f ? spt : 0.0f);
}

// Sums of one chunk (logits teacher) relative to its maxima; caches e in `e_cache` and u in `u_cache`.
// Prefetches the first next_n of the next logits the thread reads (`next_s`, `next_t`: the next chunk, or the next
// row's first), so their memory latency overlaps this chunk's arithmetic instead of stalling the next max loop (a
// quarter of the row time without it); and, for writing, the gradient the next sums loop stores its e to (`next_g`),
// whose read-for-ownership would otherwise hold up those stores (5% of the row time at C = 1000).
template <int P>
RFY_DISTILL_CLONES void chunk_sums(const float* __restrict s, const float* __restrict t, float* __restrict e_cache,
                                  float* __restrict u_cache, int64_t n, float log2e_t, const float* next_s,
                                  const float* next_t, float* next_g, int64_t next_n, ChunkSums& out) {
  static_assert(kLanes * sizeof(float) == 64, "one prefetch per cache line and array");
  const float ms = out.ms, mt = out.mt;
  Lanes a;
  const int64_t whole = n - n % kLanes;
  for (int64_t j = 0; j < whole; j += kLanes) {
    if (j < next_n) {
      __builtin_prefetch(next_s + j);
      __builtin_prefetch(next_t + j);
      __builtin_prefetch(next_g + j, 1);
    }
    for (int k = 0; k < kLanes; ++k)
      accumulate<P>(a, k, s[j + k], t[j + k], ms, mt, log2e_t, e_cache[j + k], u_cache[j + k]);
  }
  if (whole < n) {
    // The tail as one more vector step (short rows are all tail): dead lanes read the maxima (finite sums) and are
    // masked out of the accumulators.
    const int64_t rem = n - whole;
    float sv[kLanes], tv[kLanes], ev[kLanes], uv[kLanes];
    for (int k = 0; k < kLanes; ++k) {
      sv[k] = k < rem ? s[whole + k] : ms;
      tv[k] = k < rem ? t[whole + k] : mt;
    }
    Lanes tail;
    for (int k = 0; k < kLanes; ++k) accumulate<P>(tail, k, sv[k], tv[k], ms, mt, log2e_t, ev[k], uv[k]);
    for (int k = 0; k < kLanes; ++k) {
      const bool live = k < rem;
      a.zs[k] += live ? tail.zs[k] : 0.0f;
      a.zst[k] += live ? tail.zst[k] : 0.0f;
      a.zt[k] += live ? tail.zt[k] : 0.0f;
      a.qt[k] += live ? tail.qt[k] : 0.0f;
      a.qs[k] += live ? tail.qs[k] : 0.0f;
      a.ss[k] += live ? tail.ss[k] : 0.0f;
    }
    for (int64_t k = 0; k < rem; ++k) {
      e_cache[whole + k] = ev[k];
      u_cache[whole + k] = uv[k];
    }
  }
  out.z_s += lane_sum(a.zs);
  out.z_st += lane_sum(a.zst);
  out.z_t += lane_sum(a.zt);
  out.qt += kLn2 * lane_sum(a.qt);
  out.qs += kLn2 * lane_sum(a.qs);
  out.s_sum += lane_sum(a.ss);
}

// Per-chunk gradient constants: grad_j = cp * p~_j + c0 + cpt * u_j - cq * e_j, where p~_j = u_j^P (integer T) or
// exp(sp_j - p_shift) (other T; cp = sa then), before the caller's one-hot term. p_shift2 = p_shift * log2(e).
// Overwriting, e_j was cached in g itself (e_cache unused); accumulating (Acc), g holds the sum so far and e_j sits
// in e_cache.
struct GradConsts {
  float cp, c0, cpt, cq, p_shift2;
};

template <int P, bool Acc>
RFY_DISTILL_CLONES void chunk_grad(const float* __restrict s, const float* __restrict u_cache,
                                  const float* __restrict e_cache, float* __restrict g, int64_t n, float ms,
                                  GradConsts k) {
  for (int64_t j = 0; j < n; ++j) {
    const float u = u_cache[j];
    float p;
    if constexpr (P == 0)
      p = fast_exp2((s[j] - ms) * static_cast<float>(kLog2e) - k.p_shift2);
    else
      p = exp_student<P>(0.0f, u);
    if constexpr (Acc)
      g[j] += k.cp * p + (k.cpt * u + k.c0 - k.cq * e_cache[j]);
    else
      g[j] = k.cp * p + (k.cpt * u + k.c0 - k.cq * g[j]);  // three FMAs
  }
}

template <bool Acc>
RFY_DISTILL_CLONES void grad_probs(const float* __restrict s, const float* __restrict t, float* __restrict g,
                                  int64_t n, float ms, float inv_t, float lzs, float lzst, float sa, float c0,
                                  float sb) {
  for (int64_t j = 0; j < n; ++j) {
    const float sp = s[j] - ms;
    const float p = fast_exp(sp - lzs);
    const float pt = fast_exp(sp * inv_t - lzst);
    const float q = t[j] > 0.0f ? t[j] : 0.0f;
    const float gj = sa * p + c0 + sb * (pt - q);
    g[j] = Acc ? g[j] + gj : gj;
  }
}

// Per-thread scratch, grown to the largest row seen and kept: no allocation per call or per row.
struct Scratch {
  std::vector<float> u;
  std::vector<float> e;  // only when accumulating (otherwise e is cached in the gradient row)
  std::vector<ChunkSums> chunks;
};

Scratch& scratch(int64_t classes, bool accumulate) {
  thread_local Scratch s;
  if (static_cast<int64_t>(s.u.size()) < classes) s.u.resize(static_cast<size_t>(classes));
  if (accumulate && static_cast<int64_t>(s.e.size()) < classes) s.e.resize(static_cast<size_t>(classes));
  const int64_t chunks = (classes + kChunk - 1) / kChunk;
  if (static_cast<int64_t>(s.chunks.size()) < chunks) s.chunks.resize(static_cast<size_t>(chunks));
  return s;
}

struct RowView {
  const float* s;
  const float* t;
  float* g;
  int64_t classes;
  const float* next_s;  // the logits the thread reads after this row's (prefetched while its last chunk runs);
  const float* next_t;  // null after the thread's last row
  float* next_g;        // and the gradient it writes next (prefetched for writing)
};

template <int P>
void logits_row(const rfy_distill_pair& p, const RowView& v, int64_t i, int64_t label, double scale) {
  const rfy_distill_options& o = p.options;
  const int64_t C = v.classes, chunks = (C + kChunk - 1) / kChunk;
  const double inv_t = 1.0 / static_cast<double>(o.temperature);
  const float log2e_t = static_cast<float>(kLog2e * inv_t);
  Scratch& sc = scratch(C, o.accumulate);
  float* u = sc.u.data();
  float* e = o.accumulate ? sc.e.data() : v.g;
  ChunkSums* cs = sc.chunks.data();
  for (int64_t k = 0; k < chunks; ++k) {
    const int64_t j = k * kChunk, n = std::min(kChunk, C - j);
    const Maxima m = chunk_max(v.s + j, v.t + j, n);
    ChunkSums& c = cs[k];
    c = ChunkSums{};
    c.n = n;
    c.s_live = std::isfinite(m.s);
    c.t_live = std::isfinite(m.t);
    c.ms = c.s_live ? m.s : 0.0f;
    c.mt = c.t_live ? m.t : 0.0f;
    const bool last = k + 1 == chunks;
    const int64_t next_n = last ? (v.next_s ? std::min(kChunk, C) : 0) : std::min(kChunk, C - j - n);
    chunk_sums<P>(v.s + j, v.t + j, e + j, u + j, n, log2e_t, last ? v.next_s : v.s + j + n,
                  last ? v.next_t : v.t + j + n, last ? v.next_g : v.g + j + n, next_n, c);
  }
  const RowMaxima m = row_maxima(cs, chunks);
  RowSums<double> r = combine(cs, chunks, m, inv_t);
  r.s_y = static_cast<double>(v.s[label]) - m.s;
  if (o.weighting == RFY_KD_WEIGHT_ENTROPY_CORRECT) {  // the only reader of teacher_correct; the scan is scalar
    const int64_t t_first = cs[m.t_chunk].t_live ? m.t_chunk * kChunk : 0;
    const int64_t t_arg = t_first + first_index(v.t + t_first, std::min(kChunk, C - t_first),
                                                cs[m.t_chunk].t_live ? static_cast<float>(m.t) : v.t[0]);
    r.teacher_correct = t_arg == label;
  }
  const RowResult<double> res = finalize(r, o, C, static_cast<double>(given_weight(p, i)));
  write_row(p, i, res);

  const double sa = scale * res.a, sb = scale * res.b;
  const float c0 = static_cast<float>(-sa * o.label_smoothing / static_cast<double>(C));
  for (int64_t k = 0; k < chunks; ++k) {
    const int64_t j = k * kChunk, n = std::min(kChunk, C - j);
    const ChunkScale f = chunk_scale(cs[k], m, inv_t);
    GradConsts gk;
    gk.cp = static_cast<float>(P == 0 ? sa : sa * f.p / r.z_s);
    gk.c0 = c0;
    gk.cpt = static_cast<float>(sb * f.pt / r.z_st);
    gk.cq = static_cast<float>(sb * f.q * res.inv_z_t);
    gk.p_shift2 = static_cast<float>(kLog2e * (res.log_z_s - (static_cast<double>(cs[k].ms) - m.s)));
    if (o.accumulate)
      chunk_grad<P, true>(v.s + j, u + j, e + j, v.g + j, n, cs[k].ms, gk);
    else
      chunk_grad<P, false>(v.s + j, u + j, nullptr, v.g + j, n, cs[k].ms, gk);
  }
}

// Probabilities need log q per class: a scalar loop (std::log) in double like the reference, then the gradient.
void probs_row(const rfy_distill_pair& p, const RowView& v, int64_t i, int64_t label, double scale) {
  const rfy_distill_options& o = p.options;
  const int64_t C = v.classes;
  const float inv_t = 1.0f / o.temperature;
  Maxima m = chunk_max(v.s, v.t, C);
  RowSums<double> r;
  if (o.weighting == RFY_KD_WEIGHT_ENTROPY_CORRECT) r.teacher_correct = first_index(v.t, C, m.t) == label;
  if (!std::isfinite(m.s)) m.s = 0;
  for (int64_t j = 0; j < C; ++j) {
    const double sp = static_cast<double>(v.s[j]) - m.s;
    r.z_s += fast_exp(static_cast<float>(sp));
    r.z_st += fast_exp(static_cast<float>(sp) * inv_t);
    r.s_sum += sp;
    if (v.t[j] > 0) {
      r.z_t += v.t[j];
      r.qt += v.t[j] * std::log(static_cast<double>(v.t[j]));
      r.qs += v.t[j] * sp * inv_t;
    }
  }
  r.s_y = static_cast<double>(v.s[label]) - m.s;
  const RowResult<double> res = finalize(r, o, C, static_cast<double>(given_weight(p, i)));
  write_row(p, i, res);
  const float sa = static_cast<float>(scale * res.a), sb = static_cast<float>(scale * res.b);
  const float c0 = static_cast<float>(-scale * res.a * o.label_smoothing / static_cast<double>(C));
  (o.accumulate ? grad_probs<true> : grad_probs<false>)(v.s, v.t, v.g, C, m.s, inv_t, static_cast<float>(res.log_z_s),
                                                       static_cast<float>(res.log_z_st), sa, c0, sb);
}

// Row i; `has_next`: the thread goes on to row i + 1 (prefetched).
void float_row(const rfy_distill_pair& p, int64_t i, int64_t label, double scale, bool has_next) {
  const rfy_distill_options& o = p.options;
  const float* s = static_cast<const float*>(p.student->data);
  const float* t = static_cast<const float*>(p.teacher->data);
  const int64_t ss = p.student->strides[0], ts = p.teacher->strides[0];
  const RowView v{s + i * ss, t + i * ts, static_cast<float*>(p.grad->data) + i * p.grad->strides[0],
                  p.student->shape[1], has_next ? s + (i + 1) * ss : nullptr, has_next ? t + (i + 1) * ts : nullptr,
                  has_next ? static_cast<float*>(p.grad->data) + (i + 1) * p.grad->strides[0] : nullptr};
  if (o.teacher_kind != RFY_TEACHER_LOGITS) {
    probs_row(p, v, i, label, scale);
  } else if (o.temperature == 4.0f) {
    logits_row<4>(p, v, i, label, scale);
  } else if (o.temperature == 2.0f) {
    logits_row<2>(p, v, i, label, scale);
  } else if (o.temperature == 1.0f) {
    logits_row<1>(p, v, i, label, scale);
  } else {
    logits_row<0>(p, v, i, label, scale);
  }
  v.g[label] -= static_cast<float>(scale * p.options.ce_weight * (1.0 - o.label_smoothing));
}

}  // namespace

void run_fast(const rfy_distill_pair& p, const rfy_tensor& labels) {
  const int64_t valid = count_valid(p, labels);
  const double scale = reduction_scale(p.options, valid);
  const int64_t B = labels.shape[0], C = p.student->shape[1];
  const bool f32 = p.student->dtype == RFY_FLOAT32;
  // ~64k classes of work per chunk of rows keeps the pool's scheduling cost (~10 us a region) negligible. Rows are
  // independent and each is computed the same way on any thread, so results do not depend on the thread count.
  const int64_t grain = std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, C));
  parallel_for(0, B, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t label = label_at(labels, i);
      if (f32 && row_valid(label, p.options, C))
        float_row(p, i, label, scale, i + 1 < hi);
      else
        reference_row(p, labels, i, scale);  // ignored rows (zeroed, or left when accumulating), float64 logits
    }
  });
  write_stats(p, labels, valid);
}

}  // namespace rfy::distill
