//===- FakeCudaDefaults.cpp - Every entry point of the fake libcuda -------===//
//
// Weak definitions of every entry point CudaEntryPoints.def names, failing
// with CUDA_ERROR_NOT_SUPPORTED; FakeCuda.cpp overrides the ones the tests
// use.
//
//===----------------------------------------------------------------------===//

#include "Runtime/CudaApi.h"

using namespace quant4::runtime::cuda;

/// cuda.h's CUDA_ERROR_NOT_SUPPORTED.
static constexpr CUresult kNotSupported = 801;

#define QUANT4_CUDA_ENTRY(member, symbol, params)                              \
  extern "C" __attribute__((weak, visibility("default")))                      \
  CUresult symbol params {                                                     \
    return kNotSupported;                                                      \
  }
#include "Runtime/CudaEntryPoints.def"
