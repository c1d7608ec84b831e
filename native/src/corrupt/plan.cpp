#include "corrupt/plan.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/tensor_check.h"
#include "corrupt/ops/ops.inl"
#include "corrupt/params.h"

namespace rfy::corrupt {
namespace {

int64_t align_up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

void check_frost(const rfy_tensor& t, const rfy_tensor& src, Plan& plan) {
  require_ndim(t, "options.frost_textures", 4);
  require_dtype(t, "options.frost_textures", {RFY_UINT8});
  require_same_device(t, "options.frost_textures", src, "src");
  require(t.shape[0] >= 1 && t.shape[3] == 3, "options.frost_textures must be [K >= 1, H, W, 3] RGB; got ",
          describe(t));
  require(t.strides[3] == 1, "options.frost_textures must have stride 1 over channels; got ", describe(t));
  require(t.shape[1] >= plan.h && t.shape[2] >= plan.w, "options.frost_textures (", t.shape[1], " x ", t.shape[2],
          ") must be at least as large as the images (", plan.h, " x ", plan.w, ")");
  plan.frost.data = static_cast<const uint8_t*>(t.data);
  plan.frost.count = t.shape[0];
  plan.frost.height = t.shape[1];
  plan.frost.width = t.shape[2];
  for (int d = 0; d < 4; ++d) plan.frost.stride[d] = t.strides[d];
}

}  // namespace

Plan make_plan(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options, bool outputs) {
  require(batch != nullptr, "batch is NULL");
  require(options != nullptr, "options is NULL (use rfy_corrupt_default_options)");
  const rfy_tensor& src = check_tensor(batch->src, "src");
  require_ndim(src, "src", 4);
  require_dtype(src, "src", {RFY_UINT8, RFY_FLOAT32});
  Plan plan;
  plan.n = src.shape[0];
  require(src.shape[1] == 1 || src.shape[1] == 3, "src must have 1 or 3 channels (logical shape N, C, H, W); got ",
          describe(src));
  require(src.shape[2] >= 1 && src.shape[3] >= 1 && src.shape[2] <= 16384 && src.shape[3] <= 16384,
          "src height and width must be in 1..16384; got ", describe(src));
  plan.c = static_cast<int>(src.shape[1]);
  plan.h = static_cast<int>(src.shape[2]);
  plan.w = static_cast<int>(src.shape[3]);
  plan.dtype = src.dtype;
  plan.cuda = src.device_type == RFY_CUDA;
  require(options->preset >= RFY_CORRUPT_PRESET_AUTO && options->preset <= RFY_CORRUPT_PRESET_CIFAR,
          "options.preset must be auto (0), imagenet (1), tinyimagenet (2) or cifar (3); got ", options->preset);
  plan.preset = resolve_preset(options->preset, plan.h, plan.w);
  plan.preset_size = preset_size(plan.preset);
  plan.seed = options->seed;
  if (plan.n > 0) {
    require(batch->corruptions != nullptr, "corruptions is NULL (one rfy_corruption per sample)");
    require(batch->severities != nullptr, "severities is NULL (one severity in 1..5 per sample)");
  }
  plan.tasks.resize(static_cast<size_t>(plan.n));
  int64_t scratch = 0;
  for (int64_t i = 0; i < plan.n; ++i) {
    Task& t = plan.tasks[static_cast<size_t>(i)];
    t.corruption = batch->corruptions[i];
    t.severity = batch->severities[i];
    t.sample_id = batch->sample_ids ? batch->sample_ids[i] : i;
    require(t.corruption >= RFY_CORRUPT_IDENTITY && t.corruption < RFY_CORRUPTION_COUNT, "corruptions[", i,
            "] is not an rfy_corruption: ", t.corruption);
    std::fill(t.p, t.p + kMaxParams, 0.0f);
    if (t.corruption == RFY_CORRUPT_IDENTITY) continue;
    require(t.severity >= 1 && t.severity <= 5, "severities[", i, "] must be in 1..5; got ", t.severity);
    parameters(t.corruption, t.severity, plan.preset, t.p);
    scratch = std::max(scratch, op_scratch_floats(t.corruption, plan.c, plan.h, plan.w, t.p));
  }
  plan.sample_floats = align_up(static_cast<int64_t>(plan.c) * plan.h * plan.w, 64) + align_up(scratch, 64);
  if (!outputs) return plan;

  const rfy_tensor& dst = check_tensor(batch->dst, "dst");
  require_same_shape(src, "src", dst, "dst");
  require(dst.dtype == src.dtype, "dst must have src's dtype (", dtype_name(src.dtype), "); got ", describe(dst));
  require_same_device(src, "src", dst, "dst");
  require_non_overlapping(dst, "dst");
  if (plan.n > 0 && src.data == dst.data) fail(RFY_ERR_INVALID_ARGUMENT, "dst must not alias src");
  if (options->frost_textures) check_frost(*options->frost_textures, src, plan);
  return plan;
}

int64_t task_table_bytes(const Plan& plan) {
  return align_up(static_cast<int64_t>(sizeof(Task)) * plan.n, kTaskTableAlign);
}

int64_t cpu_slots(const Plan& plan, int path, int32_t cpu_threads) {
  if (plan.n == 0) return 0;
  if (path == RFY_PATH_REFERENCE) return 1;
  return std::min<int64_t>(plan.n, std::max<int32_t>(1, cpu_threads));
}

int64_t workspace_bytes(const Plan& plan, int path, int32_t cpu_threads) {
  if (plan.cuda) return task_table_bytes(plan) + plan.n * plan.sample_floats * static_cast<int64_t>(sizeof(float));
  return cpu_slots(plan, path, cpu_threads) * plan.sample_floats * static_cast<int64_t>(sizeof(float));
}

}  // namespace rfy::corrupt
