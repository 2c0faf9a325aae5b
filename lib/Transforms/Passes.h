//===- Passes.h - passes on lowered quant4 code -----------------*- C++ -*-===//

#ifndef QUANT4_TRANSFORMS_PASSES_H
#define QUANT4_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::quant4 {

/// Discardable attribute naming what a linalg op was lowered from
/// ("matmul" or "dequantize"); set by convert-quant4-to-linalg.
inline constexpr llvm::StringLiteral kLoweredAttrName = "quant4.lowered";

#define GEN_PASS_DECL
#include "dialect/Quant4Transforms.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialect/Quant4Transforms.h.inc"

} // namespace mlir::quant4

#endif // QUANT4_TRANSFORMS_PASSES_H
