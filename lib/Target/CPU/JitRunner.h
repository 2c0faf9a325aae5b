//===- JitRunner.h - compile and run a quant4 function on the CPU -*- C++ -*-=//
//
// The logic behind q4-run: compiles a module with the CPU pipeline, JITs it
// with mlir::ExecutionEngine and calls one entry function whose arguments
// and results are ranked tensors of f32, f16, bf16, i8 or ui8 (dynamic
// dimensions take their sizes from the inputs), passing memref descriptors
// through the `llvm.emit_c_interface` wrapper.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_CPU_JITRUNNER_H
#define QUANT4_TARGET_CPU_JITRUNNER_H

#include "Target/CPU/Npy.h"
#include "Target/HostABI/EntrySignature.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <memory>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::quant4 {

/// A compiled entry function.
class CPUJit {
public:
  /// Compiles `module` (consumed: it is lowered in place) for calling
  /// `entry`, with `threads` OpenMP threads (> 1 loads libomp) and the
  /// `activations` mode ("f32" or "q8_k") for the matmuls that leave it open
  /// (empty: as written). Errors are emitted as diagnostics.
  static FailureOr<std::unique_ptr<CPUJit>> compile(ModuleOp module,
                                                    StringRef entry,
                                                    int64_t threads = 1,
                                                    StringRef activations = "");
  ~CPUJit();

  /// Calls the entry once; `inputs` must match its argument types and
  /// static sizes; results have the sizes the code computed. Errors are
  /// reported through `error`.
  LogicalResult run(const std::vector<::quant4::cpu::NpyArray> &inputs,
                    std::vector<::quant4::cpu::NpyArray> &outputs,
                    std::string &error);

private:
  CPUJit() = default;

  std::unique_ptr<ExecutionEngine> engine;
  EntrySignature signature;
};

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_JITRUNNER_H
