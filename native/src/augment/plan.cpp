#include "augment/plan.h"

#include <algorithm>
#include <cmath>

#include "augment/pixmix.inl"
#include "augment/recipe.h"
#include "core/error.h"
#include "core/tensor_check.h"

namespace rfy::augment {
namespace {

int64_t align_up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

Plan shape_plan(const rfy_augment_batch* batch, bool outputs) {
  require(batch != nullptr, "batch is NULL");
  const rfy_tensor& src = check_tensor(batch->src, "src");
  require_ndim(src, "src", 4);
  require_dtype(src, "src", {RFY_UINT8, RFY_FLOAT32});
  require(src.shape[1] == 1 || src.shape[1] == 3, "src must have 1 or 3 channels (logical shape N, C, H, W); got ",
          describe(src));
  require(src.shape[2] >= 1 && src.shape[3] >= 1 && src.shape[2] <= 16384 && src.shape[3] <= 16384,
          "src height and width must be in 1..16384; got ", describe(src));
  Plan plan;
  plan.n = src.shape[0];
  plan.c = static_cast<int>(src.shape[1]);
  plan.h = static_cast<int>(src.shape[2]);
  plan.w = static_cast<int>(src.shape[3]);
  plan.cuda = src.device_type == RFY_CUDA;
  plan.sample_floats = sample_floats(plan.c, plan.h, plan.w);
  if (!outputs) return plan;
  const rfy_tensor& dst = check_tensor(batch->dst, "dst");
  require_same_shape(src, "src", dst, "dst");
  require(dst.dtype == RFY_FLOAT32, "dst must be float32; got ", describe(dst));
  require_same_device(src, "src", dst, "dst");
  require_non_overlapping(dst, "dst");
  if (plan.n > 0 && src.data == dst.data) fail(RFY_ERR_INVALID_ARGUMENT, "dst must not alias src");
  require(batch->view >= 0 && batch->view < (1 << 20), "view must be in 0..2^20-1; got ", batch->view);
  return plan;
}

uint32_t resolve_ops(uint32_t ops, int32_t all_ops, const char* name);

AugMixSettings settings(const rfy_augmix_options* o) {
  require(o != nullptr, "options is NULL (use rfy_augmix_default_options)");
  require(o->width >= 1 && o->width <= kMaxWidth, "options.width must be in 1..", kMaxWidth, "; got ", o->width);
  require(o->depth == -1 || (o->depth >= 1 && o->depth <= kMaxDepth),
          "options.depth must be -1 (uniform in 1..3) or 1..3; got ", o->depth);
  require(o->severity >= 1 && o->severity <= 10, "options.severity must be in 1..10; got ", o->severity);
  require(std::isfinite(o->alpha) && o->alpha > 0.0f && o->alpha <= 1000.0f,
          "options.alpha must be in (0, 1000]; got ", o->alpha);
  return AugMixSettings{o->width, o->depth, o->severity, o->alpha, resolve_ops(o->ops, o->all_ops, "ops")};
}

uint32_t resolve_ops(uint32_t ops, int32_t all_ops, const char* name) {
  require(all_ops == 0 || all_ops == 1, "options.all_ops must be 0 or 1; got ", all_ops);
  require((ops & ~RFY_AUGMENT_OPS_ALL) == 0, "options.", name, " has bits outside the ", RFY_AUGMENT_OP_COUNT,
          " ops (mask 0x1FFF); got 0x", std::hex, ops);
  return ops != 0 ? ops : (all_ops ? RFY_AUGMENT_OPS_ALL : RFY_AUGMENT_OPS_AUGMIX);
}

void check_pictures(const rfy_tensor& t, const rfy_tensor& src, Plan& plan) {
  require_ndim(t, "options.mixing_pictures", 4);
  require_dtype(t, "options.mixing_pictures", {RFY_UINT8});
  require_same_device(t, "options.mixing_pictures", src, "src");
  require(t.shape[0] >= 1 && t.shape[1] == plan.h && t.shape[2] == plan.w && t.shape[3] == plan.c,
          "options.mixing_pictures must be uint8 [K >= 1, ", plan.h, ", ", plan.w, ", ", plan.c,
          "] (the images' height, width and channels); got ", describe(t));
  plan.pictures.data = static_cast<const uint8_t*>(t.data);
  plan.pictures.count = t.shape[0];
  for (int d = 0; d < 4; ++d) plan.pictures.stride[d] = t.strides[d];
}

}  // namespace

Plan make_pixmix_plan(const rfy_augment_batch* batch, const rfy_pixmix_options* o, bool outputs) {
  Plan plan = shape_plan(batch, outputs);
  require(o != nullptr, "options is NULL (use rfy_pixmix_default_options)");
  require(o->k >= 0 && o->k <= kMaxRounds, "options.k must be in 0..", kMaxRounds, "; got ", o->k);
  require(std::isfinite(o->beta) && o->beta > 0.0f && o->beta <= 1000.0f, "options.beta must be in (0, 1000]; got ",
          o->beta);
  require(o->severity >= 1 && o->severity <= 10, "options.severity must be in 1..10; got ", o->severity);
  const uint32_t ops = resolve_ops(o->ops, o->all_ops, "ops");
  plan.pixmix = true;
  plan.sample_floats = pixmix_sample_floats(plan.c, plan.h, plan.w);
  if (!outputs) return plan;
  if (o->mixing_pictures) check_pictures(check_tensor(o->mixing_pictures, "options.mixing_pictures"), *batch->src, plan);
  const PixMixSettings s{o->k, o->severity, o->beta, ops, plan.pictures.data ? plan.pictures.count : 0};
  plan.pixmix_tasks.resize(static_cast<size_t>(plan.n));
  for (int64_t i = 0; i < plan.n; ++i) {
    const AugKey key{o->seed, batch->sample_ids ? batch->sample_ids[i] : i, kFamilyPixMix,
                     static_cast<uint32_t>(batch->view)};
    plan.pixmix_tasks[static_cast<size_t>(i)] = pixmix_task(key, s, plan.h, plan.w);
  }
  return plan;
}

Plan make_augmix_plan(const rfy_augment_batch* batch, const rfy_augmix_options* options, bool outputs) {
  Plan plan = shape_plan(batch, outputs);
  const AugMixSettings s = settings(options);
  if (!outputs) return plan;
  plan.tasks.resize(static_cast<size_t>(plan.n));
  for (int64_t i = 0; i < plan.n; ++i) {
    const AugKey key{options->seed, batch->sample_ids ? batch->sample_ids[i] : i, kFamilyAugMix,
                     static_cast<uint32_t>(batch->view)};
    plan.tasks[static_cast<size_t>(i)] = augmix_task(key, s, plan.h, plan.w);
  }
  return plan;
}

Plan make_op_plan(const rfy_augment_batch* batch, int32_t op, double value, bool outputs) {
  Plan plan = shape_plan(batch, outputs);
  if (!outputs) return plan;
  require(op >= 0 && op < RFY_AUGMENT_OP_COUNT, "op must be an rfy_augment_op (0..", RFY_AUGMENT_OP_COUNT - 1,
          "); got ", op);
  require(std::isfinite(value), "value must be finite; got ", value);
  if (op == RFY_AUGMENT_POSTERIZE)
    require(value == std::floor(value) && value >= 0 && value <= 8, "posterize value (bits) must be an integer in 0..8; got ", value);
  if (op == RFY_AUGMENT_SOLARIZE) require(value >= 0 && value <= 256, "solarize value (threshold) must be in 0..256; got ", value);
  if (op >= RFY_AUGMENT_COLOR) require(value >= 0 && value <= 100, "enhance factor must be in 0..100; got ", value);
  plan.tasks.assign(static_cast<size_t>(plan.n), single_op_task(op, value, plan.h, plan.w));
  return plan;
}

int64_t task_table_bytes(const Plan& plan) {
  const int64_t per = plan.pixmix ? static_cast<int64_t>(sizeof(PixMixTask)) : static_cast<int64_t>(sizeof(Task));
  return align_up(per * plan.n, kTaskTableAlign);
}

int64_t cpu_slots(const Plan& plan, int path, int32_t cpu_threads) {
  if (plan.n == 0) return 0;
  if (path == RFY_PATH_REFERENCE) return 1;
  return std::min<int64_t>(plan.n, std::max<int32_t>(1, cpu_threads));
}

int64_t workspace_bytes(const Plan& plan, int path, int32_t cpu_threads) {
  const int64_t per_sample = plan.sample_floats * static_cast<int64_t>(sizeof(float));
  if (plan.cuda) return plan.n == 0 ? 0 : task_table_bytes(plan) + plan.n * per_sample;
  return cpu_slots(plan, path, cpu_threads) * per_sample;
}

}  // namespace rfy::augment
