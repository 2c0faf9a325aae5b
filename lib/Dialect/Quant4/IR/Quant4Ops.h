//===- Quant4Ops.h - quant4 operations --------------------------*- C++ -*-===//

#ifndef QUANT4_DIALECT_QUANT4_IR_QUANT4OPS_H
#define QUANT4_DIALECT_QUANT4_IR_QUANT4OPS_H

#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialect/Quant4Ops.h.inc"

#endif // QUANT4_DIALECT_QUANT4_IR_QUANT4OPS_H
