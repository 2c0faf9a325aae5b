//===- PlainCWrappers.h - pointer-only C entry points -----------*- C++ -*-===//
//
// q4-compile's libraries export, for every entry function `f`, a plain C
// function
//
//   void q4_f(const T0 *arg0, ..., R0 *result0, ...);
//
// taking the arguments as pointers to dense row-major data and writing each
// result into a caller-provided buffer of the result's (static) size. It
// builds the memref descriptors, calls `_mlir_ciface_f`, copies the results
// out and frees the memory the compiled code allocated for them, so C callers
// never see MLIR's memref ABI.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_CPU_PLAINCWRAPPERS_H
#define QUANT4_TARGET_CPU_PLAINCWRAPPERS_H

#include "Target/CPU/EntrySignature.h"

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir::quant4 {

/// The symbol of the plain C entry point of `entry`.
std::string plainCName(const std::string &entry);

/// Adds `q4_<name>` for every signature to `module`, which must already hold
/// the `_mlir_ciface_<name>` functions. Returns false (with `error`) when one
/// is missing.
bool addPlainCWrappers(llvm::Module &module,
                       const std::vector<EntrySignature> &signatures,
                       std::string &error);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_PLAINCWRAPPERS_H
