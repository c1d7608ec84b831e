// NVTX ranges (header-only NVTX3 from the CUDA toolkit): free when no profiler is attached, visible in nsys/ncu.
#pragma once

#if defined(RFY_WITH_NVTX)
#include <nvtx3/nvToolsExt.h>
#endif

namespace rfy {

class ScopedRange {
 public:
  explicit ScopedRange(const char* name) {
#if defined(RFY_WITH_NVTX)
    nvtxRangePushA(name);
#else
    (void)name;
#endif
  }
  ~ScopedRange() {
#if defined(RFY_WITH_NVTX)
    nvtxRangePop();
#endif
  }
  ScopedRange(const ScopedRange&) = delete;
  ScopedRange& operator=(const ScopedRange&) = delete;
};

}  // namespace rfy
