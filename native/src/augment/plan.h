// Host-side planning of one augment call, shared by the CPU paths and the CUDA backend: argument checks (every
// message names the argument), the per-sample tasks and the workspace layout.
#pragma once

#include <cstdint>
#include <vector>

#include "augment/task.h"
#include "robustify/augment.h"

namespace rfy::augment {

struct Plan {
  int64_t n = 0;
  int c = 0, h = 0, w = 0;
  bool cuda = false;
  std::vector<Task> tasks;                // AugMix and single ops
  bool pixmix = false;
  std::vector<PixMixTask> pixmix_tasks;   // PixMix
  Pictures pictures{};
  int64_t sample_floats = 0;
};

// Checks src (and with outputs = true dst), and the options; resolves every sample's task.
Plan make_augmix_plan(const rfy_augment_batch* batch, const rfy_augmix_options* options, bool outputs);
Plan make_pixmix_plan(const rfy_augment_batch* batch, const rfy_pixmix_options* options, bool outputs);
Plan make_op_plan(const rfy_augment_batch* batch, int32_t op, double value, bool outputs);

constexpr int64_t kTaskTableAlign = 256;
int64_t task_table_bytes(const Plan& plan);
int64_t cpu_slots(const Plan& plan, int path, int32_t cpu_threads);
// CUDA: the task table plus every sample's floats; CPU: one sample's floats per slot.
int64_t workspace_bytes(const Plan& plan, int path, int32_t cpu_threads);

}  // namespace rfy::augment
