//===- ToolContext.h - the MLIR context of a quant4 tool --------*- C++ -*-===//
//
// What q4-run, q4-compile and q4-nvptx share: an MLIRContext with every
// dialect of registerQuant4Dialects, and diagnostics printed to stderr with
// their file:line:col and source line for as long as the ToolContext lives
// (parsing and every pass run afterwards).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TOOLS_TOOLCONTEXT_H
#define QUANT4_TOOLS_TOOLCONTEXT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace mlir::quant4 {

class ToolContext {
public:
  ToolContext();
  MLIRContext &getContext() { return context_; }
  /// Parses the file at `path` ("-" for stdin); null after reporting the
  /// error.
  OwningOpRef<ModuleOp> parseFile(llvm::StringRef path);

private:
  MLIRContext context_;
  llvm::SourceMgr sourceMgr_;
  SourceMgrDiagnosticHandler handler_;
};

} // namespace mlir::quant4

#endif // QUANT4_TOOLS_TOOLCONTEXT_H
