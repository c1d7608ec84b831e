// The CPU paths of rfy_corrupt_images.
#pragma once

#include "corrupt/plan.h"

namespace rfy::corrupt {

// Runs `plan` on CPU tensors: the reference path one sample at a time, the fast path one sample per worker.
void run_cpu(const Plan& plan, const rfy_corrupt_batch& batch, int path);

}  // namespace rfy::corrupt
