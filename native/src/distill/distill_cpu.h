// Pieces both CPU paths share: label access, the reduction scale, and the row-ordered (deterministic) stats.
#pragma once

#include <cstdint>

#include "robustify/distill.h"

namespace rfy::distill {

inline int64_t label_at(const rfy_tensor& labels, int64_t row) {
  return static_cast<const int64_t*>(labels.data)[row * labels.strides[0]];
}

inline bool row_valid(int64_t label, const rfy_distill_options& o, int64_t classes) {
  return label != o.ignore_index && label >= 0 && label < classes;
}

// rows and stats are float32, or float64 on CPU (so finite-difference checks in double see the loss in double).
inline void put(const rfy_tensor& t, int64_t offset, double v) {
  if (t.dtype == RFY_FLOAT64)
    static_cast<double*>(t.data)[offset] = v;
  else
    static_cast<float*>(t.data)[offset] = static_cast<float>(v);
}

inline double get(const rfy_tensor& t, int64_t offset) {
  return t.dtype == RFY_FLOAT64 ? static_cast<const double*>(t.data)[offset] : static_cast<const float*>(t.data)[offset];
}

inline int64_t row_offset(const rfy_tensor& rows, int64_t row, int col) { return row * rows.strides[0] + col * rows.strides[1]; }

inline float given_weight(const rfy_distill_pair& p, int64_t row) {
  if (p.options.weighting != RFY_KD_WEIGHT_GIVEN) return 1.0f;
  return static_cast<const float*>(p.row_weights->data)[row * p.row_weights->strides[0]];
}

// Writes a valid row's total, CE, KD term and weight.
template <typename Result>
void write_row(const rfy_distill_pair& p, int64_t row, const Result& r) {
  put(*p.rows, row_offset(*p.rows, row, RFY_DISTILL_ROW_TOTAL), r.total);
  put(*p.rows, row_offset(*p.rows, row, RFY_DISTILL_ROW_CE), r.ce);
  put(*p.rows, row_offset(*p.rows, row, RFY_DISTILL_ROW_KD), r.kd);
  put(*p.rows, row_offset(*p.rows, row, RFY_DISTILL_ROW_WEIGHT), r.weight);
}

int64_t count_valid(const rfy_distill_pair& p, const rfy_tensor& labels);
// d(reduced loss)/d(row loss): 1/valid for MEAN (0 when no row is valid), 1 otherwise.
double reduction_scale(const rfy_distill_options& o, int64_t valid);
// Sums `rows` in row order into `stats` (see robustify/distill.h).
void write_stats(const rfy_distill_pair& p, const rfy_tensor& labels, int64_t valid);

}  // namespace rfy::distill
