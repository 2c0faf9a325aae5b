//===- HostLibrary.h - A C-callable host library of kernels -----*- C++ -*-===//
//
// The logic behind `q4-compile --target=nvptx`: runs --quant4-nvptx-pipeline,
// then writes a host library that embeds the launch manifest and the PTX
// (KernelBundle.h) and exports, per entry function `f(tensors...) ->
// tensors...`,
//
//   int q4_f(const T *arg0, ..., R *result0, ..., void *stream);
//   int q4_f_with_workspace(<the same buffers>, void *workspace,
//                           uint64_t workspace_bytes, void *stream);
//   uint64_t q4_f_workspace_size(void);
//
// with CUDA device pointers (16-byte aligned, not overlapping) in the
// argument order of the CPU target's plain C functions
// (lib/Target/HostABI/EntrySignature.h)
// and a CUstream last, plus `int q4_<lib>_prepare(void *stream)` and
// `const char *q4_<lib>_error(void)`. The wrappers
// are generated as LLVM IR that hands the pointers to lib/Runtime's
// q4rt_launch (EmbeddedBundle.h); the library links lib/Runtime statically
// (its symbols hidden) and needs only libcuda.so.1, libstdc++ and libc at run
// time: no MLIR, no CUDA toolkit.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_NVPTX_HOSTLIBRARY_H
#define QUANT4_TARGET_NVPTX_HOSTLIBRARY_H

#include "Target/HostABI/EntrySignature.h"
#include "Target/HostABI/LibraryInterface.h"
#include "Target/NVPTX/Pipeline.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::quant4 {

/// What compileHostLibrary writes.
enum class HostOutput {
  /// The wrappers and the embedded bundle as LLVM IR text.
  LLVMIR,
  /// The same as a position-independent object file; link it with
  /// hostRuntimeArchive() (and -lstdc++ -ldl) into a library yourself.
  Object,
  /// A shared library: the object linked with lib/Runtime.
  Shared,
};

struct HostLibraryOptions {
  /// The host CPU of the wrappers (LLVM CPU name); they only pack pointers,
  /// so the default keeps the library portable.
  std::string cpu = "x86-64";
  /// <lib> of the library's error function q4_<lib>_error (a C identifier).
  std::string libraryName = "lib";

  /// `q4_<lib>_error`: the calling thread's last error message.
  std::string errorFunction() const { return "q4_" + libraryName + "_error"; }
  /// `q4_<lib>_prepare`: loads the kernels and a stream's workspace.
  std::string prepareFunction() const {
    return "q4_" + libraryName + "_prepare";
  }
};

/// An entry point of a host library.
struct HostEntry {
  EntrySignature signature;
  /// The bytes of its workspace (its scratch buffers laid out as
  /// lib/Runtime/Workspace.h says); 0 when it needs none.
  uint64_t workspaceBytes = 0;

  /// `q4_<entry>`, `q4_<entry>_with_workspace`, `q4_<entry>_workspace_size`.
  std::string function() const { return plainCName(signature.name); }
  std::string withWorkspaceFunction() const {
    return function() + "_with_workspace";
  }
  std::string workspaceSizeFunction() const {
    return function() + "_workspace_size";
  }
};

/// Checks the entries (all public functions when `entries` is empty), lowers
/// `module` in place with `pipeline` and writes `kind` to `path`. Fills
/// `hostEntries` in entry order.
LogicalResult compileHostLibrary(ModuleOp module, ArrayRef<std::string> entries,
                                 const NVPTXPipelineOptions &pipeline,
                                 const HostLibraryOptions &options,
                                 HostOutput kind, StringRef path,
                                 std::vector<HostEntry> &hostEntries);

/// lib/Runtime's archive for host libraries (Quant4HostRuntime) in the build
/// tree this compiler came from.
std::string hostRuntimeArchive();

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_HOSTLIBRARY_H
