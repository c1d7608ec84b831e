// The CPU paths of the augment family.
#pragma once

#include "augment/plan.h"

namespace rfy::augment {

// Runs `plan` on CPU tensors: the reference path one sample at a time, the fast path one sample per worker.
void run_cpu(const Plan& plan, const rfy_augment_batch& batch, int path);

}  // namespace rfy::augment
