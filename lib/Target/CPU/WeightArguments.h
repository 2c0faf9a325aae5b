//===- WeightArguments.h - weights read at load time ------------*- C++ -*-===//
//
// For `q4-compile --weights=load`: every quant4.weight op of an entry
// function becomes a trailing argument of that function (a float tensor, or
// the blocked storage as `tensor<Bxui8>` viewed through quant4.from_bytes),
// marked read-only for bufferization. The library's plain C entry point
// passes the tensor the runtime mapped from the model file there
// (PlainCWrappers.h), so the compiled code reads the file's pages directly.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_CPU_WEIGHTARGUMENTS_H
#define QUANT4_TARGET_CPU_WEIGHTARGUMENTS_H

#include "Target/HostABI/LibraryInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::quant4 {

/// Turns the quant4.weight ops of `funcs` (the entries of `library`, in
/// order) into arguments and records them in `library.weights` and each
/// entry's `weights`. Weights outside the entries, or in an entry that other
/// functions call, are errors at the op.
LogicalResult bindWeightArguments(ModuleOp module, ArrayRef<func::FuncOp> funcs,
                                  LibraryInterface &library);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_WEIGHTARGUMENTS_H
