//===- HalfSplit.h - f32 activations as two f16 halves, per sub-block -*- C++
//-*-===//
//
// The first launch of the tensor-core GEMV (MmaGemv.cpp): x ([M, K] f32)
// becomes two f16 tensors whose sum carries x to within about 2^-22 of
// each 32-value sub-block's largest magnitude, so f16 mma.sync products
// with exact 4-bit weight codes keep f32-level accuracy:
//
//   s      = 14 - floor(log2(max |x| of the sub-block)), at most 126
//   hi     = f16(x * 2^s)                  (|x * 2^s| < 2^15: no overflow)
//   lo     = f16(x * 2^s - hi)
//   sum    = sum of the sub-block's 32 x (f32)
//
// Within each aligned run of 4 values the middle two are swapped (k order
// 0, 2, 1, 3): the order in which one 32-bit word of Q4_K nibbles yields
// its two f16x2 mma operands (MmaGemv.cpp). Rows M .. paddedRows - 1 are
// zeros.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_HALFSPLIT_H
#define QUANT4_TARGET_NVPTX_HALFSPLIT_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::quant4 {

/// Values per sub-block: one power-of-two scale and one sum.
constexpr int64_t kHalfSplitGroup = 32;

/// The split activations, in fresh buffers:
/// - `halves`: memref<2 x P x K x f16>, [0] = hi, [1] = lo (P padded rows);
/// - `sums`: memref<K / 32 x P / 2 x 4 x f32>: for sub-block j and rows
///   2 r, 2 r + 1, [sum(2 r), sum(2 r + 1), 2^-s(2 r), 2^-s(2 r + 1)].
struct HalfSplitBuffers {
  Value halves, sums;
  gpu::LaunchOp launch; // the splitting launch
};

/// Builds the launch that splits the static [rows, depth] f32 tensor `x`
/// (depth a multiple of 256, paddedRows >= rows and even) at the builder's
/// insertion point.
HalfSplitBuffers buildHalfSplitActivations(OpBuilder &b, Location loc, Value x,
                                           int64_t rows, int64_t paddedRows,
                                           int64_t depth);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_HALFSPLIT_H
