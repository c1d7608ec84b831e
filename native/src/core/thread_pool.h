// A persistent CPU thread pool whose size the caller sets (rfy_set_num_threads), so the library never competes
// with the host framework's own threads unless asked to. Idle workers poll briefly before sleeping
// (ROBUSTIFY_POOL_SPIN_US, see thread_pool.cpp); the caller never waits for a worker that has not joined a region.
#pragma once

#include <cstdint>
#include <functional>

namespace rfy {

int32_t num_threads();
void set_num_threads(int32_t threads);

// Calls body(chunk_begin, chunk_end) over [begin, end) in chunks of at least `grain` iterations, on the pool and
// the calling thread. Runs serially when the range is small, when called from inside a parallel region, or when
// another thread holds the pool. The first exception thrown by any chunk is rethrown here after all chunks end.
void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

}  // namespace rfy
