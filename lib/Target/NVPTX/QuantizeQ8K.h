//===- QuantizeQ8K.h - x rounded to Q8_K on the GPU -------------*- C++ -*-===//
//
// The first launch of a GEMV with `activations q8_k`: every 256-value block
// of x ([M, K] f32) becomes ggml's Q8_K (quantize_row_q8_K_ref, lib/Format
// quantizeQ8K): d = max / -127 from the value of largest magnitude (the
// first one on ties), codes min(127, nearest_int(-127 / max * x)), an
// all-zero block d = 0 and zero codes. One warp per block, 8 values per
// lane, the (|x|, index) maximum found with a shuffle butterfly.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_QUANTIZEQ8K_H
#define QUANT4_TARGET_NVPTX_QUANTIZEQ8K_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::quant4 {

/// x in Q8_K, in two fresh buffers: `codes` memref<M x K x i8> (flattened,
/// row-major) and `scales` memref<M x K / 256 x f32> (one d per block).
struct Q8KBuffers {
  Value codes, scales;
  gpu::LaunchOp launch; // the rounding launch
};

/// Builds the launch that rounds the static [rows, depth] tensor `x`
/// (depth a multiple of 256) to Q8_K, at the builder's insertion point.
Q8KBuffers buildQ8KQuantization(OpBuilder &b, Location loc, Value x,
                                int64_t rows, int64_t depth);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_QUANTIZEQ8K_H
