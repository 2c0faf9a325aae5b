//===- MatmulKernel.h - register-blocked CPU matmul loops -------*- C++ -*-===//
//
// Internal to lib/Conversion/Quant4ToLinalg: the `vectorize` lowering of
// quant4.matmul, explicit loops on tensors (MatmulKernel.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_CONVERSION_QUANT4TOLINALG_MATMULKERNEL_H
#define QUANT4_CONVERSION_QUANT4TOLINALG_MATMULKERNEL_H

#include "Conversion/Quant4ToLinalg/LoweringUtils.h"
#include "Dialect/Quant4/IR/Quant4Attrs.h"

namespace mlir::quant4::detail {

/// Tiles of the register-blocked matmul.
struct MatmulKernelTiles {
  /// Rows of x sharing each decoded weight vector (accumulators per column).
  int64_t rows = 4;
  /// Output columns per tile: the unit of work of a thread.
  int64_t columns = 16;
  /// Column tiles as one scf.forall (threads) instead of an scf.for.
  bool parallel = false;
};

/// The sums of weight row (output column) `n` with the `rows` rows of x from
/// `row0`, one value per row in the accumulator type; `tail` for the rows
/// after the last full row group (one at a time).
using RowSumsBuilder = function_ref<SmallVector<Value>(
    OpBuilder &b, Location loc, Value row0, int64_t rows, Value n, bool tail)>;

/// Rows in whole groups of `rowsPerGroup` (0 when groups are single rows,
/// which then all count as tail rows).
Value getFullGroupRows(OpBuilder &b, Location loc, Value numRows,
                       int64_t rowsPerGroup);

/// y [numRows, numColumns] of `accType` from `rowSums`: column tiles of
/// `tiles.columns` (one scf.forall with `tiles.parallel`, scf.for otherwise);
/// in each, the rows in groups of `tiles.rows`, then the remaining rows one
/// at a time, each group's sums for one column at a time.
Value buildTiledMatmul(OpBuilder &b, Location loc, Value numRows,
                       Value numColumns, Type accType,
                       const MatmulKernelTiles &tiles, RowSumsBuilder rowSums);

/// y [M, N] (element type `accType`) = x [M, K] (a 2-D float tensor) times
/// the transposed weights (`storage`, `grid`, `format`). Column tiles; in
/// each, groups of `tiles.rows` rows share every decoded weight vector
/// (w = a_g * c + b_g from BlockFormatAttrInterface::buildBlockAffine /
/// buildVectorCodes, bit-exact) with one vector.fma per row; the remaining
/// rows (all of them for M = 1) use the factored sum
/// a_g * sum(x * c) + b_g * sum(x) per decode group, with the group sums of
/// x computed once per row. One vector accumulator per row and column over
/// all of K, reduced once at the end.
Value buildMatmulKernel(OpBuilder &b, Location loc, Value x, Value storage,
                        const BlockGrid &grid, BlockFormatAttrInterface format,
                        Type accType, const MatmulKernelTiles &tiles);

} // namespace mlir::quant4::detail

#endif // QUANT4_CONVERSION_QUANT4TOLINALG_MATMULKERNEL_H
