// Release builds use the portable x86-64 baseline; hot loops get an AVX2 clone picked at load time (GCC
// target_clones), so one binary runs everywhere and still uses wider vectors where the CPU has them.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(RFY_NO_TARGET_CLONES)
#define RFY_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#define RFY_VECTOR_CLONES_NAME "runtime dispatch avx2/x86-64 baseline"
#else
#define RFY_VECTOR_CLONES
#define RFY_VECTOR_CLONES_NAME "baseline only"
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__CUDACC__)
namespace rfy {

// Run-time checks before calling code built with target("avx2") / the AVX-512 target (hand-written intrinsics).
inline bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
inline bool cpu_has_avx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                          __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
  return has;
}

}  // namespace rfy
#endif
