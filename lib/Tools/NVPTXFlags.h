//===- NVPTXFlags.h - The NVPTX pipeline's options as tool flags -*- C++
//-*-===//
//
// q4-nvptx's and q4-compile's flags for NVPTXPipelineOptions
// (lib/Target/NVPTX/Pipeline.h), declared there once: each option is a flag
// of its own name (--chip, --gemv-lanes, --mma-min-rows, ...), except
// `threads`, which is --block-threads (--threads is the CPU code's OpenMP
// threads in q4-compile), and `emit-binary`, which the tools need on.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TOOLS_NVPTXFLAGS_H
#define QUANT4_TOOLS_NVPTXFLAGS_H

#include "Target/NVPTX/Pipeline.h"
#include "Tools/PipelineFlags.h"

namespace mlir::quant4 {

/// Flags setting `options`; `except` names options the tool takes otherwise
/// (e.g. q4-compile's --activations, for both of its targets).
std::unique_ptr<PipelineFlags>
makeNVPTXFlags(NVPTXPipelineOptions &options,
               llvm::ArrayRef<llvm::StringRef> except = {});

} // namespace mlir::quant4

#endif // QUANT4_TOOLS_NVPTXFLAGS_H
