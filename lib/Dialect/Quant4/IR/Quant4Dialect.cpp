//===- Quant4Dialect.cpp - quant4 dialect ---------------------------------===//

#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::quant4;

#include "dialect/Quant4Dialect.cpp.inc"

void Quant4Dialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "dialect/Quant4Ops.cpp.inc"
      >();
}

Operation *Quant4Dialect::materializeConstant(OpBuilder &builder,
                                              Attribute value, Type type,
                                              Location loc) {
  auto bytes = dyn_cast<ElementsAttr>(value);
  if (!bytes)
    return nullptr;
  if (isa<BlockedTensorType>(type))
    return ConstantOp::create(builder, loc, type, bytes);
  // to_bytes(constant) folds to the constant's bytes.
  if (bytes.getType() == type)
    return arith::ConstantOp::create(builder, loc, cast<TypedAttr>(value));
  return nullptr;
}
