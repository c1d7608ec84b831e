// Host-side planning of one rfy_corrupt_images call, shared by the CPU paths and the CUDA backend: argument
// checks (every message names the argument), per-sample tasks with their resolved constants, and the workspace
// layout.
#pragma once

#include <cstdint>
#include <vector>

#include "corrupt/sample.h"
#include "robustify/corrupt.h"

namespace rfy::corrupt {

struct Task {
  int64_t sample_id;
  int32_t corruption, severity;
  float p[kMaxParams];
};

struct Plan {
  int64_t n = 0;
  int c = 0, h = 0, w = 0;
  int dtype = RFY_UINT8;
  bool cuda = false;
  int preset = 0, preset_size = 0;
  uint64_t seed = 0;
  std::vector<Task> tasks;
  int64_t sample_floats = 0;  // per sample: the planar image plus the largest op scratch, 64-float aligned
  FrostTextures frost{};
};

// Checks the batch and options and resolves every sample. With outputs = false only what the workspace size
// depends on is read (src's shape, corruptions, severities, the preset).
Plan make_plan(const rfy_corrupt_batch* batch, const rfy_corrupt_options* options, bool outputs);

// Bytes of workspace: the task table (CUDA) plus sample_floats for each sample served at once: every sample on
// CUDA, one per worker on the fast CPU path, one on the reference path.
int64_t workspace_bytes(const Plan& plan, int path, int32_t cpu_threads);
int64_t cpu_slots(const Plan& plan, int path, int32_t cpu_threads);
constexpr int64_t kTaskTableAlign = 256;
int64_t task_table_bytes(const Plan& plan);

}  // namespace rfy::corrupt
