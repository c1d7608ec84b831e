#include <cmath>
#include <string>

#include "core/error.h"
#include "core/tensor_check.h"
#include "distill/distill.h"

namespace rfy::distill {
namespace {

std::string at(int32_t i, const char* what) { return concat("pairs[", i, "].", what); }

void check_options(const rfy_distill_options& o, int32_t i) {
  require(std::isfinite(o.temperature) && o.temperature > 0, at(i, "options.temperature"), " must be > 0; got ",
          o.temperature);
  require(std::isfinite(o.kd_weight) && o.kd_weight >= 0, at(i, "options.kd_weight"), " must be >= 0; got ",
          o.kd_weight);
  require(std::isfinite(o.ce_weight) && o.ce_weight >= 0, at(i, "options.ce_weight"), " must be >= 0; got ",
          o.ce_weight);
  require(o.label_smoothing >= 0 && o.label_smoothing <= 1, at(i, "options.label_smoothing"),
          " must be in [0, 1]; got ", o.label_smoothing);
  require(o.teacher_kind == RFY_TEACHER_LOGITS || o.teacher_kind == RFY_TEACHER_PROBS, at(i, "options.teacher_kind"),
          " must be RFY_TEACHER_LOGITS or RFY_TEACHER_PROBS; got ", o.teacher_kind);
  require(o.weighting >= RFY_KD_WEIGHT_UNIFORM && o.weighting <= RFY_KD_WEIGHT_GIVEN, at(i, "options.weighting"),
          " is not an rfy_kd_weighting: ", o.weighting);
  require(o.reduction >= RFY_REDUCE_MEAN && o.reduction <= RFY_REDUCE_NONE, at(i, "options.reduction"),
          " is not an rfy_reduction: ", o.reduction);
  require(o.accumulate == 0 || o.accumulate == 1, at(i, "options.accumulate"), " must be 0 or 1; got ",
          o.accumulate);
}

void require_unit_class_stride(const rfy_tensor& t, const std::string& name) {
  require(t.shape[1] <= 1 || t.strides[1] == 1, name, " must have stride 1 over classes; got ", describe(t),
          " (make it contiguous)");
}

}  // namespace

Shape validate(const rfy_distill_pair* pairs, int32_t num_pairs, const rfy_tensor* labels_ptr, bool cpu) {
  require(num_pairs >= 1, "num_pairs must be >= 1; got ", num_pairs);
  require(pairs != nullptr, "pairs is NULL");
  const rfy_tensor& labels = check_tensor(labels_ptr, "labels");
  require_ndim(labels, "labels", 1);
  require_dtype(labels, "labels", {RFY_INT64});
  Shape shape{labels.shape[0], -1};
  for (int32_t i = 0; i < num_pairs; ++i) {
    const rfy_distill_pair& p = pairs[i];
    check_options(p.options, i);
    const std::string sn = at(i, "student"), tn = at(i, "teacher"), gn = at(i, "grad"), rn = at(i, "rows"),
                      stn = at(i, "stats");
    const rfy_tensor& s = check_tensor(p.student, sn.c_str());
    const rfy_tensor& t = check_tensor(p.teacher, tn.c_str());
    const rfy_tensor& g = check_tensor(p.grad, gn.c_str());
    const rfy_tensor& rows = check_tensor(p.rows, rn.c_str());
    const rfy_tensor& stats = check_tensor(p.stats, stn.c_str());
    require_ndim(s, sn.c_str(), 2);
    require_dtype(s, sn.c_str(), {RFY_FLOAT32, RFY_FLOAT64, RFY_FLOAT16, RFY_BFLOAT16});
    if (cpu && (s.dtype == RFY_FLOAT16 || s.dtype == RFY_BFLOAT16))
      fail(RFY_ERR_UNSUPPORTED, sn, " is ", dtype_name(s.dtype), ": the CPU paths take float32 or float64 logits "
           "(half-precision logits are supported on CUDA)");
    require(s.shape[0] == shape.batch, sn, " has ", s.shape[0], " rows but labels has ", shape.batch);
    require(s.shape[1] >= 1, sn, " needs at least one class; got ", describe(s));
    if (shape.classes < 0) shape.classes = s.shape[1];
    require_same_shape(s, sn.c_str(), t, tn.c_str());
    require_same_shape(s, sn.c_str(), g, gn.c_str());
    require(t.dtype == s.dtype && g.dtype == s.dtype, sn, ", ", tn, " and ", gn, " must share a dtype; got ",
            dtype_name(s.dtype), ", ", dtype_name(t.dtype), ", ", dtype_name(g.dtype));
    require_same_device(s, sn.c_str(), labels, "labels");
    require_same_device(s, sn.c_str(), t, tn.c_str());
    require_same_device(s, sn.c_str(), g, gn.c_str());
    require_same_device(s, sn.c_str(), rows, rn.c_str());
    require_same_device(s, sn.c_str(), stats, stn.c_str());
    require_unit_class_stride(s, sn);
    require_unit_class_stride(t, tn);
    require_unit_class_stride(g, gn);
    require_non_overlapping(g, gn.c_str());
    // The gradient is written while the logits are still being read (and, accumulating, read itself).
    require(s.shape[0] == 0 || (g.data != s.data && g.data != t.data), gn, " must not share memory with ", sn, " or ", tn);
    require_ndim(rows, rn.c_str(), 2);
    if (cpu)
      require_dtype(rows, rn.c_str(), {RFY_FLOAT32, RFY_FLOAT64});
    else
      require_dtype(rows, rn.c_str(), {RFY_FLOAT32});
    require(stats.dtype == rows.dtype, stn, " must have the dtype of ", rn, "; got ", dtype_name(stats.dtype),
            " and ", dtype_name(rows.dtype));
    require(rows.shape[0] == shape.batch && rows.shape[1] == RFY_DISTILL_ROW_COLUMNS, rn, " must be [", shape.batch,
            ", ", RFY_DISTILL_ROW_COLUMNS, "]; got ", describe(rows));
    require_ndim(stats, stn.c_str(), 1);
    require(stats.shape[0] == RFY_DISTILL_STATS, stn, " must be [", RFY_DISTILL_STATS, "]; got ", describe(stats));
    if (p.options.weighting == RFY_KD_WEIGHT_GIVEN) {
      const std::string wn = at(i, "row_weights");
      const rfy_tensor& w = check_tensor(p.row_weights, wn.c_str());
      require_ndim(w, wn.c_str(), 1);
      require_dtype(w, wn.c_str(), {RFY_FLOAT32});
      require(w.shape[0] == shape.batch, wn, " must have ", shape.batch, " entries; got ", describe(w));
      require_same_device(s, sn.c_str(), w, wn.c_str());
    }
  }
  if (cpu && labels.device_type == RFY_CPU) {
    const auto* y = static_cast<const int64_t*>(labels.data);
    for (int64_t r = 0; r < shape.batch; ++r) {
      const int64_t label = y[r * labels.strides[0]];
      for (int32_t i = 0; i < num_pairs; ++i)
        require(label == pairs[i].options.ignore_index || (label >= 0 && label < shape.classes), "labels[", r,
                "] = ", label, " is outside 0..", shape.classes - 1, " and is not ignore_index (",
                pairs[i].options.ignore_index, ")");
    }
  }
  return shape;
}

}  // namespace rfy::distill
