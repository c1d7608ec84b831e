#include "core/error.h"

namespace rfy {
namespace {
thread_local std::string last_error;
}

void set_last_error(const std::string& message) { last_error = message; }
void clear_last_error() { last_error.clear(); }

}  // namespace rfy

extern "C" {

// Not in the public header: lets the CUDA backend, a separate library, report into the same thread-local message.
RFY_API void rfy_internal_set_last_error(const char* message) { rfy::set_last_error(message ? message : ""); }

RFY_API const char* rfy_last_error(void) { return rfy::last_error.c_str(); }

RFY_API const char* rfy_status_name(rfy_status status) {
  switch (status) {
    case RFY_OK: return "RFY_OK";
    case RFY_ERR_INVALID_ARGUMENT: return "RFY_ERR_INVALID_ARGUMENT";
    case RFY_ERR_UNSUPPORTED: return "RFY_ERR_UNSUPPORTED";
    case RFY_ERR_NO_CUDA: return "RFY_ERR_NO_CUDA";
    case RFY_ERR_CUDA: return "RFY_ERR_CUDA";
    case RFY_ERR_INTERNAL: return "RFY_ERR_INTERNAL";
  }
  return "RFY_ERR_UNKNOWN";
}

}  // extern "C"
