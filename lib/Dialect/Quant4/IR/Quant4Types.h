//===- Quant4Types.h - quant4 types -----------------------------*- C++ -*-===//

#ifndef QUANT4_DIALECT_QUANT4_IR_QUANT4TYPES_H
#define QUANT4_DIALECT_QUANT4_IR_QUANT4TYPES_H

#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "dialect/Quant4Types.h.inc"

#endif // QUANT4_DIALECT_QUANT4_IR_QUANT4TYPES_H
