#include "core/error.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

extern "C" RFY_API rfy_status rfy_tune_host_allocator(void) {
  return rfy::guard("rfy_tune_host_allocator", [] {
#if defined(__GLIBC__)
    // Fixed values also switch off glibc's dynamic threshold, so large buffers stay on the heap.
    if (mallopt(M_MMAP_THRESHOLD, 256 << 20) != 1 || mallopt(M_TRIM_THRESHOLD, 1 << 30) != 1)
      rfy::fail(RFY_ERR_INTERNAL, "mallopt refused the thresholds");
#else
    rfy::fail(RFY_ERR_UNSUPPORTED, "this C library has no mallopt");
#endif
  });
}
