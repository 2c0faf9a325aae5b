//===- FakeCuda.h - Shared bits of the fake libcuda.so.1 --------*- C++ -*-===//
#ifndef QUANT4_UNITTESTS_RUNTIME_FAKECUDA_H
#define QUANT4_UNITTESTS_RUNTIME_FAKECUDA_H

#include "Runtime/CudaApi.h"

/// An exported driver entry point.
#define FAKE                                                                   \
  extern "C" __attribute__((visibility("default")))                            \
  quant4::runtime::cuda::CUresult

/// Whether a stream of the fake is capturing a graph (FakeCuda.cpp).
bool fakeCaptureOngoing();

/// cuda.h's CUDA_ERROR_NOT_FOUND.
inline constexpr quant4::runtime::cuda::CUresult kFakeNotFound = 500;

/// The fake device's opt-in shared memory per block (an H100's 227 KiB).
inline constexpr int kFakeOptInSharedBytes = 227 * 1024;

#endif // QUANT4_UNITTESTS_RUNTIME_FAKECUDA_H
