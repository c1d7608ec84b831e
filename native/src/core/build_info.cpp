#include "core/build_config.h"
#include "core/nvtx.h"
#include "core/simd.h"
#include "robustify/robustify.h"

extern "C" {

RFY_API void rfy_abi_version(int32_t* major, int32_t* minor) {
  if (major) *major = RFY_ABI_VERSION_MAJOR;
  if (minor) *minor = RFY_ABI_VERSION_MINOR;
}

RFY_API const char* rfy_version(void) { return RFY_VERSION_STRING; }

RFY_API const char* rfy_build_info(void) {
  return "robustify " RFY_VERSION_STRING "; build " RFY_BUILD_TYPE "; compiler " RFY_CXX_COMPILER "; flags " RFY_CXX_FLAGS
         "; simd " RFY_VECTOR_CLONES_NAME "; nvtx " RFY_NVTX_STATE "; cuda backend " RFY_CUDA_BACKEND_STATE;
}

RFY_API void rfy_range_push(const char* name) {
#if defined(RFY_WITH_NVTX)
  nvtxRangePushA(name ? name : "(unnamed)");
#else
  (void)name;
#endif
}

RFY_API void rfy_range_pop(void) {
#if defined(RFY_WITH_NVTX)
  nvtxRangePop();
#endif
}

RFY_API int32_t rfy_nvtx_enabled(void) {
#if defined(RFY_WITH_NVTX)
  return 1;
#else
  return 0;
#endif
}

}
