//===- LoweringUtils.cpp - shared pieces of the quant4 lowerings -----------===//

#include "Conversion/Quant4ToLinalg/LoweringUtils.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::quant4;

namespace mlir::quant4::detail {

/// Casts a 1-D i8 tensor to a static or dynamic size.
Value castBytes(OpBuilder &b, Location loc, Value bytes,
                       RankedTensorType type) {
  if (bytes.getType() != type)
    bytes = tensor::CastOp::create(b, loc, type, bytes);
  return bytes;
}

/// Converts a float, or a vector of floats, to element type `type` (extf,
/// truncf or nothing).
Value convertFloat(OpBuilder &b, Location loc, Value value, Type type) {
  unsigned from = getElementTypeOrSelf(value).getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (auto vector = dyn_cast<VectorType>(value.getType()))
    type = vector.clone(type);
  if (value.getType() == type)
    return value;
  if (from < to)
    return arith::ExtFOp::create(b, loc, type, value);
  return arith::TruncFOp::create(b, loc, type, value);
}

/// Whether every plane holds a fixed number of bytes per block, so the number
/// of blocks follows from the storage size.
static bool hasLinearLayout(const ::quant4::format::BlockLayout &layout) {
  return llvm::all_of(layout.planes, [](const ::quant4::format::Plane &p) {
    return p.blocksPerGroup == 1;
  });
}

FailureOr<BlockGrid> getBlockGrid(Operation *op, Value blocked,
                                         Value storage,
                                         ConversionPatternRewriter &rewriter) {
  auto type = cast<BlockedTensorType>(blocked.getType());
  Location loc = op->getLoc();
  ::quant4::format::BlockLayout layout = type.getFormat().getBlockLayout();
  BlockGrid grid{
      layout.blockSize, type.getShape().back() / layout.blockSize, {}, {}};
  auto fromBytes = blocked.getDefiningOp<FromBytesOp>();
  unsigned nextDynamic = 0;
  for (auto [d, size] : llvm::enumerate(type.getShape())) {
    if (!ShapedType::isDynamic(size)) {
      grid.sizes.push_back(rewriter.getIndexAttr(size));
      continue;
    }
    if (fromBytes) {
      grid.sizes.push_back(fromBytes.getDynamicDims()[nextDynamic++]);
      continue;
    }
    if (type.getNumDynamicDims() != 1 || !hasLinearLayout(layout))
      return rewriter.notifyMatchFailure(
          op, "dynamic sizes of a blocked value not made by from_bytes");
    // size = bytes / (bytesPerBlock * blocks per static element of the rest).
    int64_t bytesPerBlock = *layout.storageBytes(1);
    int64_t blocksPerIndex = grid.blocksPerRow;
    for (auto [e, other] : llvm::enumerate(type.getShape()))
      if (e != d && e + 1 != type.getShape().size())
        blocksPerIndex *= other;
    Value bytes = tensor::DimOp::create(rewriter, loc, storage, 0);
    Value divisor = arith::ConstantIndexOp::create(
        rewriter, loc, bytesPerBlock * blocksPerIndex);
    grid.sizes.push_back(
        rewriter.createOrFold<arith::DivUIOp>(loc, bytes, divisor));
  }
  Value numBlocks =
      arith::ConstantIndexOp::create(rewriter, loc, grid.blocksPerRow);
  for (OpFoldResult size : ArrayRef(grid.sizes).drop_back())
    numBlocks = rewriter.createOrFold<arith::MulIOp>(
        loc, numBlocks, getValueOrCreateConstantIndexOp(rewriter, loc, size));
  grid.numBlocks = getAsOpFoldResult(numBlocks);
  return grid;
}

} // namespace mlir::quant4::detail
