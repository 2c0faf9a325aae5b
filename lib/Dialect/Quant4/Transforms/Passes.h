//===- Passes.h - quant4 dialect passes -------------------------*- C++ -*-===//

#ifndef QUANT4_DIALECT_QUANT4_TRANSFORMS_PASSES_H
#define QUANT4_DIALECT_QUANT4_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::quant4 {

#define GEN_PASS_DECL
#include "dialect/Quant4Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialect/Quant4Passes.h.inc"

} // namespace mlir::quant4

#endif // QUANT4_DIALECT_QUANT4_TRANSFORMS_PASSES_H
