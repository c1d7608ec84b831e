// The backend keeps no error state of its own: messages go to the core's thread-local slot, so rfy_last_error()
// answers for both libraries.
#include "core/error.h"

extern "C" void rfy_internal_set_last_error(const char* message);

namespace rfy {
void set_last_error(const std::string& message) { rfy_internal_set_last_error(message.c_str()); }
void clear_last_error() { rfy_internal_set_last_error(""); }
}  // namespace rfy
