# Portable, reproducible compile settings for the native core.
# - No -march=native: release binaries must run on any x86-64; hot loops pick wider vectors at load time instead.
# - -ffp-contract=off: the CPU paths must round exactly like each other and like the CUDA path.
# - Hidden visibility: only RFY_API symbols form the ABI.
function(rfy_configure_target target)
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter -ffp-contract=off>)
  target_compile_definitions(${target} PRIVATE RFY_BUILDING_LIBRARY)
endfunction()

# The flags rfy_build_info() reports, as the compiler sees them for this build type.
function(rfy_effective_cxx_flags out_var)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" type)
  set(${out_var} "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${type}} -ffp-contract=off -fvisibility=hidden" PARENT_SCOPE)
endfunction()
