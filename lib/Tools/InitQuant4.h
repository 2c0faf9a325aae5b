//===- InitQuant4.h - Everything a quant4 tool registers --------*- C++ -*-===//
//
// The one list of dialects, extensions, translations, passes and pipelines
// that quant4's tools (q4-opt, q4-run, q4-compile, q4-nvptx) and the Python
// package register, so that they all understand the same IR and pipelines.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TOOLS_INITQUANT4_H
#define QUANT4_TOOLS_INITQUANT4_H

namespace mlir {
class DialectRegistry;

namespace quant4 {

/// Adds upstream's dialects, dialect extensions and LLVM IR translations,
/// the quant4 dialect, and the NVPTX target's extensions to `registry`.
void registerQuant4Dialects(DialectRegistry &registry);

/// Registers upstream's passes and every quant4 pass and pipeline: dialect
/// transforms, conversions, passes on lowered code, the CPU and NVPTX
/// pipelines. Safe to call more than once.
void registerAllQuant4Passes();

} // namespace quant4
} // namespace mlir

#endif // QUANT4_TOOLS_INITQUANT4_H
