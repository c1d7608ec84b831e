// Chunked online max/sum-exp for the fast CPU path. A row is cut into chunks small enough to stay in L1; each
// chunk's sums are taken relative to the chunk's own maxima, so the row is read from memory once (no separate max
// pass). combine() then rescales the chunks to the row maxima, in chunk order (deterministic), giving exactly the
// RowSums of distill_math.h; grad_factors() gives the per-chunk factors the gradient pass needs to use the values
// cached by the sums pass (no exp per class in the gradient pass).
#pragma once

#include <cmath>
#include <cstdint>

#include "distill/distill_math.h"

namespace rfy::distill {

// Sums of one chunk, relative to its maxima ms (student) and mt (teacher). With sp = s - ms, tp = (t - mt) / T,
// e = exp(tp), u = exp(sp / T): z_s = sum exp(sp), z_st = sum u, z_t = sum e, qt = sum e tp, qs = sum e sp / T,
// s_sum = sum sp. A chunk with no finite student (teacher) entry has s_live (t_live) false; its maximum is then
// taken as 0 by the kernels, and its student (teacher) sums are exact zeros (or -inf for s_sum).
struct ChunkSums {
  float ms = 0, mt = 0;
  bool s_live = false, t_live = false;
  int64_t n = 0;
  double z_s = 0, z_st = 0, z_t = 0, qt = 0, qs = 0, s_sum = 0;
};

struct RowMaxima {
  double s = 0, t = 0;  // row maxima over the live chunks (0 when none, as the reference takes them)
  int64_t t_chunk = 0;  // first chunk whose teacher maximum is the row's (argmax t lies in it)
};

inline RowMaxima row_maxima(const ChunkSums* c, int64_t chunks) {
  RowMaxima m;
  bool any_s = false, any_t = false;
  for (int64_t k = 0; k < chunks; ++k) {
    if (c[k].s_live && (!any_s || c[k].ms > m.s)) m.s = c[k].ms, any_s = true;
    if (c[k].t_live && (!any_t || c[k].mt > m.t)) m.t = c[k].mt, m.t_chunk = k, any_t = true;
  }
  return m;
}

// Factors that take a chunk's values to the row frame: exp(ms - Ms), exp((ms - Ms) / T), exp((mt - Mt) / T).
struct ChunkScale {
  double p = 1, pt = 1, q = 1;
};

// A chunk holding the row maximum (every chunk when C <= kChunk) needs no exp: its factors are exactly 1.
inline ChunkScale chunk_scale(const ChunkSums& c, const RowMaxima& m, double inv_t) {
  ChunkScale f;
  if (c.s_live && c.ms != m.s) {
    f.p = std::exp(c.ms - m.s);
    f.pt = std::exp((c.ms - m.s) * inv_t);
  }
  if (c.t_live && c.mt != m.t) f.q = std::exp((c.mt - m.t) * inv_t);
  return f;
}

// Row sums in the row frame (s' = s - Ms, t' = (t - Mt) / T) from the chunk sums, in chunk order. A dead chunk's
// sums are zero (s_sum: -inf), so its factors (1) and shifts (0) leave them as they are.
inline RowSums<double> combine(const ChunkSums* c, int64_t chunks, const RowMaxima& m, double inv_t) {
  RowSums<double> r;
  for (int64_t k = 0; k < chunks; ++k) {
    const ChunkScale f = chunk_scale(c[k], m, inv_t);
    const double ds = c[k].s_live ? c[k].ms - m.s : 0.0;  // s' = sp + ds
    const double dt = c[k].t_live ? (c[k].mt - m.t) * inv_t : 0.0;  // t' = tp + dt
    r.z_s += c[k].z_s * f.p;
    r.z_st += c[k].z_st * f.pt;
    r.s_sum += c[k].s_sum + static_cast<double>(c[k].n) * ds;
    r.z_t += c[k].z_t * f.q;
    r.qt += f.q * (c[k].qt + dt * c[k].z_t);
    r.qs += f.q * (c[k].qs + ds * inv_t * c[k].z_t);
  }
  return r;
}

}  // namespace rfy::distill
