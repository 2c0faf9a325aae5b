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
// Each sub-block's 32 values are stored in the order the mma kernel's
// lanes consume them (HalfSplitOrder: lane c's f16x2 operands pair the
// nibbles of one or two 32-bit code words, MmaGemv.cpp); sums and scales
// do not depend on the order. Rows M .. paddedRows - 1 are zeros.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_HALFSPLIT_H
#define QUANT4_TARGET_NVPTX_HALFSPLIT_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

#include <array>

namespace mlir::quant4 {

/// Values per sub-block: one power-of-two scale and one sum.
constexpr int64_t kHalfSplitGroup = 32;

/// Where the 8 values at positions 8c .. 8c + 7 of a stored sub-block come
/// from: two runs of 4 values of the sub-block, at runStride * c and
/// runStride * c + runGap, stored as `shuffle` of the 8 (first run, then
/// second).
struct HalfSplitOrder {
  int64_t runStride, runGap;
  std::array<int64_t, 8> shuffle;
};

/// Q4_K and NF4: values 8c .. 8c + 7, the middle two of each run of 4
/// swapped (k order 0, 2, 1, 3: one word of Q4_K nibbles gives bytes 0, 2
/// and 1, 3 as its two f16x2 operands).
constexpr HalfSplitOrder kHalfSplitRunsOf4{8, 4, {0, 2, 1, 3, 4, 6, 5, 7}};
/// One 32-bit word w whose nibble i holds value v(i) of 8, as f16x2
/// operands (w >> 4 i) & 0x000F000F for i = 0 .. 3: pairs v(0), v(4);
/// v(1), v(5); ... MXFP4 ggml (word = qs bytes 4c .. 4c + 3: values 4c ..
/// 4c + 3 in the low nibbles, 16 + 4c .. in the high ones) and MXFP4 hf
/// (word = values 8c .. 8c + 7, value 2i in byte i's low nibble).
constexpr HalfSplitOrder kHalfSplitMXFP4Ggml{4, 16, {0, 2, 4, 6, 1, 3, 5, 7}};
constexpr HalfSplitOrder kHalfSplitNibblePairs{8, 4, {0, 4, 1, 5, 2, 6, 3, 7}};

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
/// insertion point, each sub-block stored in `order`.
HalfSplitBuffers buildHalfSplitActivations(OpBuilder &b, Location loc, Value x,
                                           int64_t rows, int64_t paddedRows,
                                           int64_t depth,
                                           const HalfSplitOrder &order);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_HALFSPLIT_H
