#include "core/tensor_check.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <sstream>

#include "core/error.h"

namespace rfy {

const char* dtype_name(int32_t dtype) {
  switch (dtype) {
    case RFY_UINT8: return "uint8";
    case RFY_FLOAT32: return "float32";
    case RFY_FLOAT16: return "float16";
    case RFY_BFLOAT16: return "bfloat16";
    case RFY_FLOAT64: return "float64";
    case RFY_INT32: return "int32";
    case RFY_INT64: return "int64";
  }
  return "unknown-dtype";
}

static const char* device_name(int32_t device_type) {
  return device_type == RFY_CPU ? "cpu" : device_type == RFY_CUDA ? "cuda" : "unknown-device";
}

std::string describe(const rfy_tensor& t) {
  std::ostringstream out;
  out << dtype_name(t.dtype) << "[";
  for (int32_t i = 0; i < t.ndim && i < RFY_MAX_DIMS; ++i) out << (i ? ", " : "") << t.shape[i];
  out << "] strides [";
  for (int32_t i = 0; i < t.ndim && i < RFY_MAX_DIMS; ++i) out << (i ? ", " : "") << t.strides[i];
  out << "] on " << device_name(t.device_type);
  if (t.device_type == RFY_CUDA) out << ":" << t.device_index;
  return out.str();
}

int64_t numel(const rfy_tensor& t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t.ndim; ++i) n *= t.shape[i];
  return n;
}

const rfy_tensor& check_tensor(const rfy_tensor* t, const char* name) {
  require(t != nullptr, name, " is NULL");
  require(t->ndim >= 0 && t->ndim <= RFY_MAX_DIMS, name, " has ndim ", t->ndim, "; expected 0..", RFY_MAX_DIMS);
  require(t->dtype >= RFY_UINT8 && t->dtype <= RFY_INT64, name, " has unknown dtype code ", t->dtype);
  require(t->device_type == RFY_CPU || t->device_type == RFY_CUDA, name, " has unknown device type ",
          t->device_type);
  for (int32_t i = 0; i < t->ndim; ++i) {
    require(t->shape[i] >= 0, name, " has negative size ", t->shape[i], " in dimension ", i);
    require(t->strides[i] >= 0, name, " has negative stride ", t->strides[i], " in dimension ", i,
            " (flipped views are not supported; make it contiguous)");
  }
  require(numel(*t) == 0 || t->data != nullptr, name, " has ", numel(*t), " elements but a NULL data pointer");
  return *t;
}

void require_ndim(const rfy_tensor& t, const char* name, int32_t ndim) {
  require(t.ndim == ndim, name, " must be ", ndim, "-D; got ", describe(t));
}

void require_dtype(const rfy_tensor& t, const char* name, std::initializer_list<int32_t> allowed) {
  if (std::find(allowed.begin(), allowed.end(), t.dtype) != allowed.end()) return;
  std::ostringstream list;
  for (auto d : allowed) list << (list.tellp() > 0 ? " or " : "") << dtype_name(d);
  fail(RFY_ERR_INVALID_ARGUMENT, name, " must be ", list.str(), "; got ", describe(t));
}

void require_same_shape(const rfy_tensor& a, const char* a_name, const rfy_tensor& b, const char* b_name) {
  bool same = a.ndim == b.ndim;
  for (int32_t i = 0; same && i < a.ndim; ++i) same = a.shape[i] == b.shape[i];
  require(same, a_name, " and ", b_name, " must have the same shape; got ", describe(a), " and ", describe(b));
}

void require_same_device(const rfy_tensor& a, const char* a_name, const rfy_tensor& b, const char* b_name) {
  require(a.device_type == b.device_type && (a.device_type == RFY_CPU || a.device_index == b.device_index), a_name,
          " and ", b_name, " must be on the same device; got ", describe(a), " and ", describe(b));
}

void require_non_overlapping(const rfy_tensor& t, const char* name) {
  if (numel(t) <= 1) return;
  // Sort dimensions by stride; each stride must cover the whole extent of the dimensions below it.
  std::array<int32_t, RFY_MAX_DIMS> order{};
  std::iota(order.begin(), order.begin() + t.ndim, 0);
  std::sort(order.begin(), order.begin() + t.ndim,
            [&](int32_t x, int32_t y) { return t.strides[x] < t.strides[y]; });
  int64_t extent = 1;
  for (int32_t k = 0; k < t.ndim; ++k) {
    const int32_t d = order[k];
    if (t.shape[d] == 1) continue;
    require(t.strides[d] >= extent, name, " has overlapping memory (a broadcast or expanded view): ", describe(t),
            "; pass a tensor whose elements are distinct");
    extent = t.strides[d] * t.shape[d];
  }
}

}  // namespace rfy
