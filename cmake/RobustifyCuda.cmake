# Decides whether the CUDA backend is built: whenever nvcc is found (no GPU needed to compile and link).
# Sets RFY_BUILD_CUDA and, when NVTX3 headers are available, RFY_HAVE_NVTX.
include(CheckLanguage)

set(RFY_BUILD_CUDA OFF)
if(RFY_WITH_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # Ampere and Hopper SASS, plus Hopper PTX so newer GPUs JIT-compile instead of failing.
      set(CMAKE_CUDA_ARCHITECTURES "80-real;90-real;90-virtual")
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(RFY_BUILD_CUDA ON)
  else()
    message(STATUS "robustify: nvcc not found; building without the CUDA backend")
  endif()
else()
  message(STATUS "robustify: CUDA backend disabled (RFY_WITH_CUDA=OFF)")
endif()

set(RFY_HAVE_NVTX OFF)
if(RFY_BUILD_CUDA AND TARGET CUDA::nvtx3)
  set(RFY_HAVE_NVTX ON)
endif()
