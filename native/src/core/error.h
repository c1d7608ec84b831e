// Internal error plumbing: code inside the library throws rfy::Error; every C entry point runs its body through
// rfy::guard, which turns exceptions into a status code plus the thread-local message of rfy_last_error().
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "robustify/robustify.h"

namespace rfy {

class Error : public std::runtime_error {
 public:
  Error(rfy_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  rfy_status status() const { return status_; }

 private:
  rfy_status status_;
};

void set_last_error(const std::string& message);
void clear_last_error();

template <typename... Parts>
std::string concat(Parts&&... parts) {
  std::ostringstream out;
  (out << ... << std::forward<Parts>(parts));
  return out.str();
}

template <typename... Parts>
[[noreturn]] void fail(rfy_status status, Parts&&... parts) {
  throw Error(status, concat(std::forward<Parts>(parts)...));
}

template <typename... Parts>
void require(bool condition, Parts&&... parts) {
  if (!condition) fail(RFY_ERR_INVALID_ARGUMENT, std::forward<Parts>(parts)...);
}

template <typename Body>
rfy_status guard(const char* function, Body&& body) noexcept {
  try {
    body();
    return RFY_OK;
  } catch (const Error& e) {
    set_last_error(concat(function, ": ", e.what()));
    return e.status();
  } catch (const std::bad_alloc&) {
    set_last_error(concat(function, ": out of host memory"));
    return RFY_ERR_INTERNAL;
  } catch (const std::exception& e) {
    set_last_error(concat(function, ": internal error: ", e.what()));
    return RFY_ERR_INTERNAL;
  } catch (...) {
    set_last_error(concat(function, ": internal error (unknown exception)"));
    return RFY_ERR_INTERNAL;
  }
}

}  // namespace rfy
