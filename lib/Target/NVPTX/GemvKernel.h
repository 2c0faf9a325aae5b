//===- GemvKernel.h - The body of the GEMV-class kernel ---------*- C++ -*-===//
//
// What quant4-gpu-gemv (Gemv.cpp) builds inside one gpu.launch: the shape
// and knobs of a GEMV-class matmul, and the kernel body for them
// (GemvKernel.cpp has the loop structure).
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_GEMVKERNEL_H
#define QUANT4_TARGET_NVPTX_GEMVKERNEL_H

#include "Target/NVPTX/GemvDecode.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "Target/NVPTX/QuantizeQ8K.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir::quant4 {

/// Static facts about one GEMV-class matmul.
struct GemvShape : MatmulSizes {
  int64_t lanes;         // L: lanes sharing a column's K blocks
  int64_t unitLanes;     // S: lanes sharing one block's units
  int64_t blockLanes;    // L / S: blocks of a column in flight
  int64_t unitValues;    // values per decoder unit
  int64_t colsPerWarp;   // 32 / L (low bits of the lane id)
  int64_t warpsPerBlock; // W
  int64_t colsPerThread; // R: columns sharing each x load
  int64_t unroll;        // U: K blocks per lane and loop trip
  bool int8Activations;  // activations q8_k: x rounded to Q8_K
};

/// Fills `launch` (32 x W threads, N / (W x 32 / L x R) launch blocks) with
/// the kernel computing y = x w^T for the matmul `s` describes: `x` the
/// [M, K] activations tensor, `y` the [M, N] f32 result buffer; with `xq`
/// set (activations q8_k) the kernel reads x rounded to Q8_K from it.
void buildGemvKernel(OpBuilder &b, Location loc, gpu::LaunchOp launch,
                     const GemvShape &s, GemvDecoder &decoder, Value x, Value y,
                     Q8KBuffers xq = {});

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_GEMVKERNEL_H
