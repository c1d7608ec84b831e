// Launch geometry shared by the elementwise kernels: grid-stride loops with a bounded grid.
#pragma once

#include <algorithm>
#include <cstdint>

namespace rfy::cuda {

constexpr int kThreads = 256;

inline unsigned grid_for(int64_t elements) {
  const int64_t blocks = (elements + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::clamp<int64_t>(blocks, 1, 1 << 16));
}

}  // namespace rfy::cuda
