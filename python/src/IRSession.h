//===- IRSession.h - One MLIR context for one Python call -------*- C++ -*-===//
//
// Shared by IRService and JitService: a fresh MLIRContext (no threads) with
// every upstream dialect and extension, the LLVM IR translations and the
// quant4 dialect; the source buffer; and a ScopedDiagnosticHandler that
// collects diagnostics (with locations and notes) into an IRResult.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_PYTHON_IRSESSION_H
#define QUANT4_PYTHON_IRSESSION_H

#include "IRService.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace quant4::python {

/// Registers every pass and pipeline q4-opt registers, once per process.
void registerPasses();

class Session {
public:
  Session(const std::string &source, const std::string &bufferName);

  /// Parses and verifies the source; null on error (diagnostics recorded).
  mlir::OwningOpRef<mlir::ModuleOp> parse();
  /// Records an error without a location.
  void error(std::string message);
  /// Prints `module` into result.text and marks the result ok.
  void print(mlir::ModuleOp module, const PrintOptions &options);

  mlir::MLIRContext &context() { return context_; }
  IRResult result;

private:
  mlir::DialectRegistry registry_;
  mlir::MLIRContext context_;
  mlir::ScopedDiagnosticHandler handler_;
  llvm::SourceMgr sourceMgr_;
};

} // namespace quant4::python

#endif // QUANT4_PYTHON_IRSESSION_H
