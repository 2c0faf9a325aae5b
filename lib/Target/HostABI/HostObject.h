//===- HostObject.h - host code to a shared library -------------*- C++ -*-===//
//
// The steps every target's host library takes from an LLVM module of host
// code to a shared library: a TargetMachine for the host triple, the module
// written as LLVM IR text or a position-independent object file, and the
// object linked into a shared library by the system's C compiler driver.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_HOSTABI_HOSTOBJECT_H
#define QUANT4_TARGET_HOSTABI_HOSTOBJECT_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir::quant4 {

/// A TargetMachine for the host triple and `cpu` ("host": this machine's CPU
/// and features, like -march=native; else an LLVM CPU name) at LLVM
/// optimization level `optLevel`, emitting position-independent code; null
/// (and `error`) when LLVM has no such target.
std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(StringRef cpu, unsigned optLevel, std::string &error);

/// What writeHostModule writes.
enum class HostFileKind {
  /// LLVM IR text.
  LLVMIR,
  /// A position-independent object file.
  Object,
};

/// Writes `module` (its triple and data layout already `machine`'s) to
/// `path`; failure (and `error`) when the file cannot be written.
LogicalResult writeHostModule(llvm::Module &module,
                              llvm::TargetMachine &machine, HostFileKind kind,
                              StringRef path, std::string &error);

/// Links `objectPath` into the shared library `libraryPath` with the first
/// of `cc`, `clang`, `gcc` found on PATH (or LLVM's tools directory), then
/// `extraArgs` (archives, -l...).
LogicalResult linkSharedLibrary(StringRef objectPath, StringRef libraryPath,
                                std::string &error,
                                ArrayRef<std::string> extraArgs = {});

} // namespace mlir::quant4

#endif // QUANT4_TARGET_HOSTABI_HOSTOBJECT_H
