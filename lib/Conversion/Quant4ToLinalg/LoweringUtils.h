//===- LoweringUtils.h - shared pieces of the quant4 lowerings --*- C++ -*-===//
//
// Internal to lib/Conversion/Quant4ToLinalg: the helpers the dequantize and
// matmul lowerings share (byte casts, float conversions, the block grid of a
// blocked value) and the matmul patterns' entry point.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_CONVERSION_QUANT4TOLINALG_LOWERINGUTILS_H
#define QUANT4_CONVERSION_QUANT4TOLINALG_LOWERINGUTILS_H

#include "Conversion/Quant4ToLinalg/Quant4ToLinalg.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::quant4::detail {

/// Casts a 1-D i8 tensor to a static or dynamic size.
Value castBytes(OpBuilder &b, Location loc, Value bytes,
                RankedTensorType type);

/// Converts a float, or a vector of floats, to element type `type` (extf,
/// truncf or nothing).
Value convertFloat(OpBuilder &b, Location loc, Value value, Type type);

/// The logical sizes and block counts of a blocked value, with dynamic
/// sizes as index values.
struct BlockGrid {
  int64_t blockSize;
  int64_t blocksPerRow;
  SmallVector<OpFoldResult> sizes;
  OpFoldResult numBlocks;
};

/// Sizes of `blocked` (the original value; `storage` is its converted
/// storage): static sizes from the type, dynamic ones from the from_bytes
/// that made it or, for one dynamic size and a linear layout, from the
/// storage size.
FailureOr<BlockGrid> getBlockGrid(Operation *op, Value blocked, Value storage,
                                  ConversionPatternRewriter &rewriter);

/// The quant4.matmul lowering (Matmul.cpp).
void populateMatmulLoweringPatterns(TypeConverter &typeConverter,
                                    RewritePatternSet &patterns,
                                    const Quant4ToLinalgOptions &options);

} // namespace mlir::quant4::detail

#endif // QUANT4_CONVERSION_QUANT4TOLINALG_LOWERINGUTILS_H
