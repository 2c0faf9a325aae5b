//===- IRSession.cpp - One MLIR context for one Python call ---------------===//

#include "IRSession.h"

#include "Tools/InitQuant4.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace quant4::python {

void registerPasses() { mlir::quant4::registerAllQuant4Passes(); }

namespace {

DialectRegistry makeRegistry() {
  DialectRegistry registry;
  mlir::quant4::registerQuant4Dialects(registry);
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
