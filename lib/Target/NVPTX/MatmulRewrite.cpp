//===- MatmulRewrite.cpp - what the GPU matmul kernel passes share --------===//

#include "Target/NVPTX/MatmulRewrite.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::quant4;

std::optional<MatmulSizes>
mlir::quant4::getStaticMatmulSizes(MatmulOp op, ActivationMode mode) {
  auto xType = cast<RankedTensorType>(op.getActivations().getType());
  BlockedTensorType wType = op.getWeights().getType();
  if (!op.getWeights().getDefiningOp<FromBytesOp>() || xType.getRank() != 2 ||
      !xType.hasStaticShape() || !wType.hasStaticShape() ||
      !op.getResult().getType().getElementType().isF32() ||
      !op.getAccumulatorType().isF32() ||
      op.getActivationModeOrDefault() != mode)
    return std::nullopt;
  MatmulSizes s;
  s.rows = xType.getDimSize(0);
  s.depth = xType.getDimSize(1);
  s.cols = wType.getShape()[0];
  s.blockSize = wType.getFormat().getBlockSize();
  s.blocksPerRow = s.depth / s.blockSize;
  s.numBlocks = s.cols * s.blocksPerRow;
  return s;
}

bool mlir::quant4::hasSignlessBytes(FromBytesOp fromBytes) {
  Value bytes = fromBytes.getBytes();
  auto type = cast<RankedTensorType>(bytes.getType());
  if (type.getElementType().isSignlessInteger(8))
    return true;
  auto arg = dyn_cast<BlockArgument>(bytes);
  auto func = arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp())
                  : func::FuncOp();
  if (!func || arg.getOwner() != &func.getBody().front() ||
      !llvm::all_of(arg.getUsers(), llvm::IsaPred<FromBytesOp>))
    return false;
  arg.setType(type.clone(IntegerType::get(type.getContext(), 8)));
  SmallVector<Type> inputs(func.getArgumentTypes());
  inputs[arg.getArgNumber()] = arg.getType();
  func.setFunctionType(
      FunctionType::get(func.getContext(), inputs, func.getResultTypes()));
  return true;
}

memref::AllocOp mlir::quant4::allocateMatmulResult(OpBuilder &b, MatmulOp op) {
  RankedTensorType yType = op.getResult().getType();
  return memref::AllocOp::create(
      b, op.getLoc(),
      MemRefType::get(yType.getShape(), yType.getElementType()));
}

void mlir::quant4::replaceMatmulWithBuffer(OpBuilder &b, MatmulOp op,
                                           Value buffer) {
  auto result = bufferization::ToTensorOp::create(
      b, op.getLoc(), op.getResult().getType(), buffer, /*restrict=*/true,
      /*writable=*/true);
  op.replaceAllUsesWith(result.getResult());
  op.erase();
}
