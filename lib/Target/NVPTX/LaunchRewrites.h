//===- LaunchRewrites.h - Cheaper decode code inside a launch ---*- C++ -*-===//
//
// Rewrites of a gpu.launch body that quant4-gpu-gemv applies after building
// its kernel: constant decode tables to workgroup memory, small unsigned
// integer to float conversions by exponent bits, and fused multiply-adds.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_LAUNCHREWRITES_H
#define QUANT4_TARGET_NVPTX_LAUNCHREWRITES_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir::quant4 {

/// Copies each 1-D f32 constant the body indexes (decode tables) to
/// workgroup memory once per launch block (`threads` threads), then a
/// barrier; every lookup becomes a load from there.
void moveTablesToSharedMemory(gpu::LaunchOp launch, int64_t threads);

/// Every `uitofp` i32 -> f32 under `root` whose operand provably fits 23
/// bits becomes bits(v | 0x4B000000) - 2^23.
void rewriteSmallIntToFloat(Operation *root);

/// Lets every float op under `root` contract (fma).
void allowContraction(Operation *root);

/// Programmatic dependent launch (sm_90): `griddepcontrol.wait` at the start
/// of `launch`'s body, so it may start while the kernel before it in the
/// stream finishes (the bundle writer marks such launches `pdl`) and reads
/// that kernel's results only once they are complete and visible.
void waitForPreviousKernel(gpu::LaunchOp launch);
/// `griddepcontrol.launch_dependents` at the start of `launch`'s body: the
/// next kernel, if it waits with waitForPreviousKernel, may launch at once.
void allowDependentLaunch(gpu::LaunchOp launch);
/// Consecutive launches of one matmul as a programmatic chain: every launch
/// but the first waits for the one before it, every one but the last lets
/// the next launch early. (Each waits, so a kernel's wait also covers the
/// kernels before its predecessor.)
void chainLaunches(ArrayRef<gpu::LaunchOp> launches);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_LAUNCHREWRITES_H
