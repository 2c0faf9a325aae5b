//===- JitService.h - Compile quant4 MLIR text to a callable ----*- C++ -*-===//
//
// quant4.compile's native half, behind plain types: parses MLIR text, hands
// the module to the CPU target's JIT (lib/Target/CPU CPUJit: the
// --quant4-cpu-pipeline plus mlir::ExecutionEngine) and calls the entry with
// NpyArray buffers. Compile errors come back as located diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_PYTHON_JITSERVICE_H
#define QUANT4_PYTHON_JITSERVICE_H

#include "IRService.h"
#include "Target/CPU/Npy.h"

#include <memory>
#include <string>
#include <vector>

namespace quant4::python {

class CompiledFunction {
public:
  /// Compiles `entry` of `source` for the host CPU with `threads` OpenMP
  /// threads and the `activations` mode (CPUJit::compile); null on failure,
  /// with the diagnostics in `result`.
  static std::unique_ptr<CompiledFunction>
  compile(const std::string &source, const std::string &bufferName,
          const std::string &entry, int64_t threads,
          const std::string &activations, IRResult &result);
  ~CompiledFunction();

  /// Calls the entry; false with `error` set when the inputs do not match
  /// its signature.
  bool run(const std::vector<cpu::NpyArray> &inputs,
           std::vector<cpu::NpyArray> &outputs, std::string &error);

private:
  struct Impl;
  explicit CompiledFunction(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace quant4::python

#endif // QUANT4_PYTHON_JITSERVICE_H
