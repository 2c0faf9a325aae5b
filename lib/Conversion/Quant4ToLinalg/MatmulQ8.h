//===- MatmulQ8.h - quant4.matmul with Q8_K activations ---------*- C++ -*-===//
//
// Internal to lib/Conversion/Quant4ToLinalg: the `activations q8_k` form of
// the matmul lowering (MatmulQ8.cpp), called from Matmul.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_CONVERSION_QUANT4TOLINALG_MATMULQ8_H
#define QUANT4_CONVERSION_QUANT4TOLINALG_MATMULQ8_H

#include "Conversion/Quant4ToLinalg/LoweringUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::quant4::detail {

/// y[..., m, n] += the Q8_K x Q4_K dot products of x's blocks `xBlocks`
/// ([..., M, KB, 256], any float type) and weight row n of `storage` (Q4_K
/// bytes of `grid`), accumulated into the f32 tensor `acc` ([..., M, N]).
/// x is first rounded to Q8_K by linalg.generics ahead of the returned
/// reduction, whose loops are (batch..., M, N, KB).
linalg::GenericOp buildQ8KMatmul(OpBuilder &b, Location loc, Value xBlocks,
                                 Value acc, Value storage,
                                 BlockFormatAttrInterface format,
                                 const BlockGrid &grid);

} // namespace mlir::quant4::detail

#endif // QUANT4_CONVERSION_QUANT4TOLINALG_MATMULQ8_H
