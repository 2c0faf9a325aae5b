//===- IRSession.cpp - One MLIR context for one Python call ---------------===//

#include "IRSession.h"

#include "Dialect/Quant4/IR/Quant4Dialect.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/MemoryBuffer.h"
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
#ifdef QUANT4_PYTHON_HAVE_NVPTX_TARGET
#include "Target/NVPTX/Pipeline.h"
#endif

#include <mutex>

using namespace mlir;

namespace quant4::python {

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
#ifdef QUANT4_PYTHON_HAVE_NVPTX_TARGET
    mlir::quant4::registerNVPTXPipeline();
#endif
  });
}

namespace {

DialectRegistry makeRegistry() {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::quant4::Quant4Dialect>();
#ifdef QUANT4_PYTHON_HAVE_NVPTX_TARGET
  mlir::quant4::registerNVPTXDialectExtensions(registry);
#endif
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

} // namespace

Session::Session(const std::string &source, const std::string &bufferName)
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
      llvm::MemoryBuffer::getMemBufferCopy(source, bufferName), llvm::SMLoc());
}

OwningOpRef<ModuleOp> Session::parse() {
  return parseSourceFile<ModuleOp>(sourceMgr_, ParserConfig(&context_));
}

void Session::error(std::string message) {
  IRDiagnostic diag;
  diag.severity = "error";
  diag.message = std::move(message);
  result.diagnostics.push_back(std::move(diag));
}

void Session::print(ModuleOp module, const PrintOptions &options) {
  OpPrintingFlags flags;
  if (options.generic)
    flags.printGenericOpForm();
  if (options.debugInfo)
    flags.enableDebugInfo();
  llvm::raw_string_ostream os(result.text);
  module->print(os, flags);
  result.ok = true;
}

} // namespace quant4::python
