//===- PlainCWrappers.h - pointer-only C entry points -----------*- C++ -*-===//
//
// q4-compile's libraries export, for every entry function `f`, a plain C
// function
//
//   int q4_f(const T0 *arg0, [int64_t arg0_d<i>, ...] ...,
//            R0 *result0, [int64_t result0_d<i>, ...] ...);
//
// taking the arguments as pointers to dense row-major data and writing each
// result into a caller-provided buffer. Every pointer is followed by one
// int64_t per dynamic dimension of its tensor, outermost first: the size of
// an argument, the size the caller allocated a result for. The wrapper
// checks them (a negative size, or a result whose computed size differs, is
// an error), builds the memref descriptors, passes the weights in load mode
// (LibraryFunctions.h), calls `_mlir_ciface_f`, copies the results out and
// frees the memory the compiled code allocated for them, so C callers never
// see MLIR's memref ABI. It returns 0, or 1 with the message in
// q4_<lib>_error().
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_CPU_PLAINCWRAPPERS_H
#define QUANT4_TARGET_CPU_PLAINCWRAPPERS_H

#include "Target/HostABI/LibraryInterface.h"

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir::quant4 {

/// Adds `q4_<name>` for every entry of `library`, and the library functions
/// (LibraryFunctions.h), to `module`, which must already hold the
/// `_mlir_ciface_<name>` functions. Returns false (with `error`) when one is
/// missing.
bool addPlainCWrappers(llvm::Module &module, const LibraryInterface &library,
                       std::string &error);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_PLAINCWRAPPERS_H
