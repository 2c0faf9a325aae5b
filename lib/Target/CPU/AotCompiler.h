//===- AotCompiler.h - ahead-of-time compilation to a shared library -*- C++
//-*-//
//
// The logic behind q4-compile: lowers a module with the CPU pipeline,
// translates it to LLVM IR, optimizes it and emits a position-independent
// object file for a chosen CPU, then links it into a shared library with the
// system's C compiler driver (lib/Target/HostABI/HostObject.h). The library
// needs only libc at run time (plus libstdc++ when it reads its weights at
// load time); its entry points are `q4_<name>` and `_mlir_ciface_<name>` (see
// PlainCWrappers.h, LibraryHeader.h).
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_CPU_AOTCOMPILER_H
#define QUANT4_TARGET_CPU_AOTCOMPILER_H

#include "Target/HostABI/LibraryInterface.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::quant4 {

struct AotOptions {
  /// Target CPU: "host" (the default: like -march=native) or an LLVM CPU
  /// name such as "x86-64-v3" or "generic".
  std::string cpu = "host";
  /// LLVM optimization level of the generated code.
  unsigned optLevel = 3;
  /// OpenMP threads; > 1 links the library against libomp.
  int64_t threads = 1;
  /// Activation mode of the matmuls that leave it open (the pipeline's
  /// `activations`): "" keeps the IR as written, "f32" or "q8_k". q8_k
  /// integer dot products use ggml's AVX2 scheme (x86-int8-dot) when the
  /// target CPU has AVX2.
  std::string activations;
  /// Where relative model-file paths of quant4.weight ops are resolved: now
  /// (embed) or by default when the library is loaded (load).
  std::string weightsDir;
  /// Embed the tensors quant4.weight ops name (quant4-import-weights) or
  /// read them when the library is first used (WeightArguments.h).
  WeightsMode weights = WeightsMode::Embed;
  /// <lib> of the library functions q4_<lib>_error and q4_<lib>_init.
  std::string libraryName = "lib";
};

/// What compileToFile writes.
enum class AotOutput {
  /// The module after the CPU pipeline (LLVM dialect), as MLIR text.
  MLIR,
  /// The optimized LLVM IR, as text.
  LLVMIR,
  /// A position-independent object file.
  Object,
};

/// Checks and marks the entries (all public functions when `entries` is
/// empty; dynamic dimensions allowed), lowers `module` in place and writes
/// `kind` to `path`. Fills `library` (entries in order, weights in load
/// mode).
LogicalResult compileToFile(ModuleOp module, ArrayRef<std::string> entries,
                            const AotOptions &options, AotOutput kind,
                            StringRef path, LibraryInterface &library);

/// compileToFile(..., AotOutput::Object, ...).
inline LogicalResult compileToObject(ModuleOp module,
                                     ArrayRef<std::string> entries,
                                     const AotOptions &options,
                                     StringRef objectPath,
                                     LibraryInterface &library) {
  return compileToFile(module, entries, options, AotOutput::Object, objectPath,
                       library);
}

/// Links `objectPath`, written by compileToFile for `library`, into the
/// shared library `libraryPath`: with libomp when `options.threads > 1`, and
/// the weight runtime (lib/Runtime/WeightTable.h and lib/Format, linked
/// privately) and libstdc++ when it reads weights at load time.
LogicalResult linkLibrary(StringRef objectPath, StringRef libraryPath,
                          const AotOptions &options,
                          const LibraryInterface &library, std::string &error);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_AOTCOMPILER_H
