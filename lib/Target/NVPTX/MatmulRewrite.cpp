//===- MatmulRewrite.cpp - what the GPU matmul kernel passes share --------===//

#include "Target/NVPTX/MatmulRewrite.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

using namespace mlir;
using namespace mlir::quant4;

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
