// Validation of caller-supplied tensor descriptors. Every message names the argument and what was expected, because
// these messages reach Java and C++ users verbatim.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "robustify/robustify.h"

namespace rfy {

const char* dtype_name(int32_t dtype);
std::string describe(const rfy_tensor& t);  // e.g. "float32[2, 3, 28, 28] strides [2352, 784, 28, 1] on cpu"
int64_t numel(const rfy_tensor& t);

// Structural checks: non-null, ndim, non-negative shape/strides, known dtype/device, data present if non-empty.
const rfy_tensor& check_tensor(const rfy_tensor* t, const char* name);
void require_ndim(const rfy_tensor& t, const char* name, int32_t ndim);
void require_dtype(const rfy_tensor& t, const char* name, std::initializer_list<int32_t> allowed);
void require_same_shape(const rfy_tensor& a, const char* a_name, const rfy_tensor& b, const char* b_name);
void require_same_device(const rfy_tensor& a, const char* a_name, const rfy_tensor& b, const char* b_name);
// Elements reachable through distinct offsets only, so a kernel writing it in parallel never races with itself.
void require_non_overlapping(const rfy_tensor& t, const char* name);

}  // namespace rfy
