//===- IRService.h - MLIR text in, MLIR text out ----------------*- C++ -*-===//
//
// What quant4.ir needs from MLIR, behind an interface of plain strings so the
// pybind11 module (built with exceptions and RTTI) never sees an MLIR type:
// parse + verify + print, and running a textual pass pipeline as q4-opt
// would. Every diagnostic MLIR emits is collected with its location.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_PYTHON_IRSERVICE_H
#define QUANT4_PYTHON_IRSERVICE_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace quant4::python {

struct IRDiagnostic {
  /// "error", "warning", "note" or "remark".
  std::string severity;
  /// The location as MLIR prints it, e.g. "input.mlir":3:5.
  std::string location;
  /// File, line and column when the location has them (else "", 0, 0).
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  std::string message;
};

struct IRResult {
  bool ok = false;
  /// The printed module on success.
  std::string text;
  std::vector<IRDiagnostic> diagnostics;
};

struct PrintOptions {
  bool generic = false;
  bool debugInfo = false;
};

/// Parses and verifies `source` (named `bufferName` in locations) and prints
/// it back.
IRResult parseModule(const std::string &source, const std::string &bufferName,
                     const PrintOptions &print);

/// Parses `source`, runs `pipeline` (textual pass pipeline syntax, as in
/// `q4-opt --pass-pipeline=...`; a `builtin.module(...)` wrapper is optional)
/// and prints the result.
IRResult runPipeline(const std::string &source, const std::string &bufferName,
                     const std::string &pipeline, const PrintOptions &print);

/// Whether this build has the NVPTX target (lib/Target/NVPTX).
bool haveNVPTX();

/// What compileToPTX makes: q4-nvptx's output in memory.
struct PTXBundle {
  /// The launch manifest (lib/Target/NVPTX/KernelBundle.h); its launch
  /// lines name the PTX by `Module::file`.
  std::string manifest;
  struct Module {
    std::string name; // the gpu.binary's
    std::string file; // "kernels.<name>.ptx"
    std::string ptx;
  };
  std::vector<Module> modules;
};

/// Runs the NVPTX pipeline (as q4-nvptx: chip, PTX features, threads per
/// block; `activations` "" / "f32" / "q8_k" as the pipeline's
/// `activations` option) on `source` and collects its kernel bundle (the
/// PTX files named as by `q4-nvptx -o kernels`).
IRResult compileToPTX(const std::string &source, const std::string &bufferName,
                      const std::string &chip, const std::string &features,
                      int64_t threads, const std::string &activations,
                      PTXBundle &bundle);

} // namespace quant4::python

#endif // QUANT4_PYTHON_IRSERVICE_H
