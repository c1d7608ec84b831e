#include "core/cuda_backend.h"

#include <dlfcn.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"

namespace rfy {
namespace {

std::mutex backend_mutex;
const rfy_cuda_backend_v1* backend = nullptr;

std::string directory_of_this_library() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&rfy_cuda_backend_load), &info) == 0 || info.dli_fname == nullptr) return "";
  std::string path = info.dli_fname;
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

void load(const char* path) {
  std::lock_guard<std::mutex> lock(backend_mutex);
  if (backend) return;
  std::vector<std::string> candidates;
  if (path && *path) {
    candidates.emplace_back(path);
  } else {
    const std::string dir = directory_of_this_library();
    if (!dir.empty()) candidates.push_back(dir + "/librobustify_cuda.so");
    candidates.emplace_back("librobustify_cuda.so");
  }
  std::string reasons;
  for (const auto& candidate : candidates) {
    void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      reasons += concat("\n  ", candidate, ": ", why ? why : "dlopen failed");
      continue;
    }
    auto get = reinterpret_cast<rfy_cuda_backend_get_fn>(dlsym(handle, RFY_CUDA_BACKEND_SYMBOL));
    const rfy_cuda_backend_v1* table = get ? get() : nullptr;
    if (!table) {
      reasons += concat("\n  ", candidate, ": no ", RFY_CUDA_BACKEND_SYMBOL, " table");
      dlclose(handle);
      continue;
    }
    if (table->abi_major != RFY_ABI_VERSION_MAJOR) {
      reasons += concat("\n  ", candidate, ": ABI ", table->abi_major, ".", table->abi_minor, ", core expects ",
                        RFY_ABI_VERSION_MAJOR, ".x");
      dlclose(handle);
      continue;
    }
    backend = table;  // the handle stays open for the life of the process
    return;
  }
  fail(RFY_ERR_NO_CUDA, "could not load the CUDA backend:", reasons);
}

}  // namespace

const rfy_cuda_backend_v1& cuda_backend() {
  std::lock_guard<std::mutex> lock(backend_mutex);
  if (!backend)
    fail(RFY_ERR_NO_CUDA, "a CUDA tensor was given but the CUDA backend is not loaded (call rfy_cuda_backend_load; "
                          "it needs a CUDA build and a GPU driver)");
  return *backend;
}

void check_backend(rfy_status status) {
  if (status != RFY_OK) throw Error(status, rfy_last_error());
}

}  // namespace rfy

extern "C" {

RFY_API rfy_status rfy_cuda_backend_load(const char* path) {
  return rfy::guard("rfy_cuda_backend_load", [&] { rfy::load(path); });
}

RFY_API int32_t rfy_cuda_backend_loaded(void) {
  std::lock_guard<std::mutex> lock(rfy::backend_mutex);
  return rfy::backend != nullptr;
}

// Asks the driver API directly (dlopen of libcuda), so the answer needs no CUDA runtime and no backend.
RFY_API rfy_status rfy_cuda_device_count(int32_t* count) {
  return rfy::guard("rfy_cuda_device_count", [&] {
    rfy::require(count != nullptr, "count is NULL");
    *count = 0;
    void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!driver) return;
    using init_fn = int (*)(unsigned);
    using count_fn = int (*)(int*);
    auto init = reinterpret_cast<init_fn>(dlsym(driver, "cuInit"));
    auto device_count = reinterpret_cast<count_fn>(dlsym(driver, "cuDeviceGetCount"));
    int n = 0;
    if (init && device_count && init(0) == 0 && device_count(&n) == 0) *count = n;
    // The driver stays loaded: unloading libcuda after cuInit is unsafe.
  });
}

}
