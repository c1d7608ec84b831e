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
