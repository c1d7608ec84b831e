// Internal interface of the distill family: argument checks shared by all paths, and the CPU implementations.
#pragma once

#include "robustify/distill.h"

namespace rfy::distill {

struct Shape {
  int64_t batch = 0;
  int64_t classes = 0;
};

// Checks every pair against the shared labels; messages name the pair index and argument.
// cpu: also checks label values (the CUDA path cannot read device labels here).
Shape validate(const rfy_distill_pair* pairs, int32_t num_pairs, const rfy_tensor* labels, bool cpu);

void run_reference(const rfy_distill_pair& pair, const rfy_tensor& labels);
// One row of the reference (ignored rows are zeroed); scale = reduction_scale(...).
void reference_row(const rfy_distill_pair& pair, const rfy_tensor& labels, int64_t row, double scale);
void run_fast(const rfy_distill_pair& pair, const rfy_tensor& labels);

}  // namespace rfy::distill
