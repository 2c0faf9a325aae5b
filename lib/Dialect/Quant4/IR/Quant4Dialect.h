//===- Quant4Dialect.h - quant4 dialect -------------------------*- C++ -*-===//

#ifndef QUANT4_DIALECT_QUANT4_IR_QUANT4DIALECT_H
#define QUANT4_DIALECT_QUANT4_IR_QUANT4DIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialect/Quant4Dialect.h.inc"

#endif // QUANT4_DIALECT_QUANT4_IR_QUANT4DIALECT_H
