//===- MatmulQ8.h - quant4.matmul with Q8_K activations ---------*- C++ -*-===//
//
// Internal to lib/Conversion/Quant4ToLinalg: the `activations q8_k` form of
// the matmul lowering (MatmulQ8.cpp), called from Matmul.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_CONVERSION_QUANT4TOLINALG_MATMULQ8_H
#define QUANT4_CONVERSION_QUANT4TOLINALG_MATMULQ8_H

#include "Conversion/Quant4ToLinalg/MatmulKernel.h"

namespace mlir::quant4::detail {

/// y [M, N] (f32) = x [M, K] (a 2-D float tensor) rounded to Q8_K times the
/// transposed Q4_K weights (`storage`, `grid`): x's blocks are rounded by
/// QuantizeQ8K.h, then MatmulKernel.h's tiles (`tiles`) hold per row two
/// vector<8xf32> accumulators over all K blocks, with the integer dot
/// products of each block and sub-block as vector<8xi32> (no horizontal sum
/// per block) and one horizontal sum per output.
Value buildQ8KMatmul(OpBuilder &b, Location loc, Value x, Value storage,
                     BlockFormatAttrInterface format, const BlockGrid &grid,
                     const MatmulKernelTiles &tiles);

} // namespace mlir::quant4::detail

#endif // QUANT4_CONVERSION_QUANT4TOLINALG_MATMULQ8_H
