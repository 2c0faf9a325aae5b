//===- ThreadsOption.h - the --threads flag of quant4's tools ---*- C++ -*-===//
//
// q4-run and q4-compile take `--threads N`: the OpenMP threads of the
// generated code. libLLVM already registers a hidden global `--threads`
// (unused by these tools), so a ThreadsOption renames that one to
// `--llvm-threads` and registers quant4's, with `--num-threads` as an alias.
// Construct it in main, before llvm::cl::ParseCommandLineOptions.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TOOLS_THREADSOPTION_H
#define QUANT4_TOOLS_THREADSOPTION_H

#include "llvm/Support/CommandLine.h"

#include <memory>

namespace mlir::quant4 {

class ThreadsOption {
public:
  explicit ThreadsOption(llvm::StringRef help);
  ~ThreadsOption();
  unsigned getValue() const { return *option_; }

private:
  std::unique_ptr<llvm::cl::opt<unsigned>> option_;
  std::unique_ptr<llvm::cl::alias> alias_;
};

} // namespace mlir::quant4

#endif // QUANT4_TOOLS_THREADSOPTION_H
