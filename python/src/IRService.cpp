//===- IRService.cpp - MLIR text in, MLIR text out ------------------------===//
//
// A fresh MLIRContext per call (no threads), every upstream dialect, the
// quant4 dialect, and every pass q4-opt registers. Diagnostics are collected
// with a ScopedDiagnosticHandler instead of being printed.
//
//===----------------------------------------------------------------------===//

#include "IRService.h"

#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#ifdef QUANT4_PYTHON_HAVE_QUANT4_TRANSFORMS
#include "Dialect/Quant4/Transforms/Passes.h"
#endif
#ifdef QUANT4_PYTHON_HAVE_CONVERSION
#include "Conversion/Quant4ToLinalg/Quant4ToLinalg.h"
#endif
#ifdef QUANT4_PYTHON_HAVE_LOWERED_TRANSFORMS
#include "Transforms/Passes.h"
#endif
#ifdef QUANT4_PYTHON_HAVE_CPU_TARGET
#include "Target/CPU/Pipeline.h"
#endif

#include <mutex>

using namespace mlir;

namespace quant4::python {

namespace {

/// Registers the passes q4-opt registers, once per process.
void registerPasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerAllPasses();
#ifdef QUANT4_PYTHON_HAVE_QUANT4_TRANSFORMS
    mlir::quant4::registerQuant4Passes();
#endif
#ifdef QUANT4_PYTHON_HAVE_CONVERSION
    mlir::quant4::registerQuant4ConversionPasses();
#endif
#ifdef QUANT4_PYTHON_HAVE_LOWERED_TRANSFORMS
    mlir::quant4::registerQuant4TransformsPasses();
#endif
#ifdef QUANT4_PYTHON_HAVE_CPU_TARGET
    mlir::quant4::registerCPUPipeline();
#endif
  });
}

DialectRegistry makeRegistry() {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<mlir::quant4::Quant4Dialect>();
  return registry;
}

const char *severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

IRDiagnostic toDiagnostic(const Diagnostic &diag, DiagnosticSeverity severity) {
  IRDiagnostic out;
  out.severity = severityName(severity);
  out.message = diag.str();
  llvm::raw_string_ostream os(out.location);
  diag.getLocation().print(os);
  if (auto fileLoc = diag.getLocation()->findInstanceOf<FileLineColLoc>()) {
    out.file = fileLoc.getFilename().str();
    out.line = fileLoc.getLine();
    out.column = fileLoc.getColumn();
  }
  return out;
}

/// One call's context, source and collected diagnostics.
class Session {
public:
  Session(const std::string &source, const std::string &bufferName)
      : registry_(makeRegistry()),
        context_(registry_, MLIRContext::Threading::DISABLED),
        handler_(&context_, [this](Diagnostic &diag) {
          result.diagnostics.push_back(toDiagnostic(diag, diag.getSeverity()));
          for (const Diagnostic &note : diag.getNotes())
            result.diagnostics.push_back(
                toDiagnostic(note, DiagnosticSeverity::Note));
          return success();
        }) {
    sourceMgr_.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, bufferName),
        llvm::SMLoc());
  }

  /// Parses and verifies the source.
  OwningOpRef<ModuleOp> parse() {
    return parseSourceFile<ModuleOp>(sourceMgr_, ParserConfig(&context_));
  }

  void error(std::string message) {
    IRDiagnostic diag;
    diag.severity = "error";
    diag.message = std::move(message);
    result.diagnostics.push_back(std::move(diag));
  }

  void print(ModuleOp module, const PrintOptions &options) {
    OpPrintingFlags flags;
    if (options.generic)
      flags.printGenericOpForm();
    if (options.debugInfo)
      flags.enableDebugInfo();
    llvm::raw_string_ostream os(result.text);
    module->print(os, flags);
    result.ok = true;
  }

  MLIRContext &context() { return context_; }
  IRResult result;

private:
  DialectRegistry registry_;
  MLIRContext context_;
  ScopedDiagnosticHandler handler_;
  llvm::SourceMgr sourceMgr_;
};

/// `builtin.module(a,b)` -> `a,b`: the pass manager is anchored on the
/// module already (a wrapper would nest and silently do nothing).
std::string stripModuleWrapper(std::string pipeline) {
  llvm::StringRef text = llvm::StringRef(pipeline).trim();
  if (text.consume_front("builtin.module(") && text.consume_back(")"))
    return text.str();
  return text.str();
}

} // namespace

IRResult parseModule(const std::string &source, const std::string &bufferName,
                     const PrintOptions &print) {
  Session session(source, bufferName);
  OwningOpRef<ModuleOp> module = session.parse();
  if (module)
    session.print(*module, print);
  return std::move(session.result);
}

IRResult runPipeline(const std::string &source, const std::string &bufferName,
                     const std::string &pipeline, const PrintOptions &print) {
  registerPasses();
  Session session(source, bufferName);
  OwningOpRef<ModuleOp> module = session.parse();
  if (!module)
    return std::move(session.result);
  PassManager pm(&session.context(), ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(
          parsePassPipeline(stripModuleWrapper(pipeline), pm, errorStream))) {
    session.error("invalid pass pipeline '" + pipeline + "': " + errors);
    return std::move(session.result);
  }
  if (failed(pm.run(*module))) {
    session.error("pass pipeline '" + pipeline + "' failed");
    return std::move(session.result);
  }
  session.print(*module, print);
  return std::move(session.result);
}

} // namespace quant4::python
