#include "distill/distill_cpu.h"

namespace rfy::distill {

int64_t count_valid(const rfy_distill_pair& p, const rfy_tensor& labels) {
  int64_t valid = 0;
  for (int64_t r = 0; r < labels.shape[0]; ++r) valid += row_valid(label_at(labels, r), p.options, p.student->shape[1]);
  return valid;
}

double reduction_scale(const rfy_distill_options& o, int64_t valid) {
  if (o.reduction != RFY_REDUCE_MEAN) return 1.0;
  return valid > 0 ? 1.0 / static_cast<double>(valid) : 0.0;
}

void write_stats(const rfy_distill_pair& p, const rfy_tensor& labels, int64_t valid) {
  double total = 0, ce = 0, kd = 0, weight = 0;
  for (int64_t r = 0; r < labels.shape[0]; ++r) {
    if (!row_valid(label_at(labels, r), p.options, p.student->shape[1])) continue;
    total += get(*p.rows, row_offset(*p.rows, r, RFY_DISTILL_ROW_TOTAL));
    ce += get(*p.rows, row_offset(*p.rows, r, RFY_DISTILL_ROW_CE));
    kd += get(*p.rows, row_offset(*p.rows, r, RFY_DISTILL_ROW_KD));
    weight += get(*p.rows, row_offset(*p.rows, r, RFY_DISTILL_ROW_WEIGHT));
  }
  const double scale = p.options.reduction == RFY_REDUCE_MEAN ? reduction_scale(p.options, valid) : 1.0;
  const rfy_tensor& out = *p.stats;
  const int64_t st = out.strides[0];
  put(out, 0 * st, total * scale);
  put(out, 1 * st, ce * scale);
  put(out, 2 * st, kd * scale);
  put(out, 3 * st, valid > 0 ? weight / static_cast<double>(valid) : 0.0);
  put(out, 4 * st, static_cast<double>(valid));
}

}  // namespace rfy::distill
