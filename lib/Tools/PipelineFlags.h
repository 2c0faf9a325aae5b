//===- PipelineFlags.h - A pass pipeline's options as tool flags -*- C++
//-*-===//
//
// A tool that lets its command line set a pass pipeline's options (e.g.
// q4-nvptx --gemv-lanes=8 for NVPTXPipelineOptions' `gemv-lanes`) declares
// none of them again: PipelineFlags registers one global flag per option of
// the options struct, named like the option (or as the tool renames it),
// with the option's description, and hands each given value to the option
// itself, which parses and checks it as `--pipeline{name=value}` would.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TOOLS_PIPELINEFLAGS_H
#define QUANT4_TOOLS_PIPELINEFLAGS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mlir::quant4 {

class PipelineFlags {
public:
  /// An options struct's options by name (llvm::cl::SubCommand's map).
  using OptionMap = decltype(llvm::cl::SubCommand::OptionsMap);

  /// Registers a flag for each of `options` (an options struct's options by
  /// name, which must outlive this) but the `hidden` ones, named as
  /// `renamed` says (option name, flag name) or like the option. Construct
  /// before llvm::cl::ParseCommandLineOptions.
  PipelineFlags(
      const OptionMap &options,
      llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>> renamed = {},
      llvm::ArrayRef<llvm::StringRef> hidden = {});
  ~PipelineFlags();

  /// After parsing: sets the option of each flag that was given. False (the
  /// option has printed why) when a value does not parse.
  bool apply();

private:
  struct Flag;
  std::vector<std::unique_ptr<Flag>> flags_;
};

} // namespace mlir::quant4

#endif // QUANT4_TOOLS_PIPELINEFLAGS_H
