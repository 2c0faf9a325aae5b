//===- Passes.h - quant4 GPU mapping passes ---------------------*- C++ -*-===//
#ifndef QUANT4_TARGET_NVPTX_PASSES_H
#define QUANT4_TARGET_NVPTX_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::quant4 {

#define GEN_PASS_DECL
#include "dialect/Quant4GPUPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialect/Quant4GPUPasses.h.inc"

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_PASSES_H
