//===- CudaDriver.h - The CUDA driver, loaded at run time -------*- C++ -*-===//
//
// dlopen()s libcuda.so.1 and resolves the entry points in CudaEntryPoints.def.
// Without a driver, load() returns an error ("libcuda.so.1 not found: ...")
// instead of crashing, so binaries that link lib/Runtime run on machines
// without a GPU. check() turns a CUresult into a Status that names the call
// and the error: "cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX: a PTX JIT
// compilation failed".
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_CUDADRIVER_H
#define QUANT4_RUNTIME_CUDADRIVER_H

#include "Format/Expected.h"
#include "Format/Status.h"
#include "Runtime/CudaApi.h"

#include <memory>
#include <string>
#include <string_view>

namespace quant4::runtime {

using format::Expected;
using format::Status;

/// The resolved driver. Shared by every object made through it; the library
/// stays loaded until the last one is gone.
class CudaDriver : public cuda::EntryPoints {
public:
  /// The library the driver ships as on Linux.
  static constexpr const char *kDefaultLibrary = "libcuda.so.1";

  /// Loads `library`, resolves every entry point and calls cuInit(0).
  static Expected<std::shared_ptr<const CudaDriver>>
  load(const std::string &library = kDefaultLibrary);

  ~CudaDriver();
  CudaDriver(const CudaDriver &) = delete;
  CudaDriver &operator=(const CudaDriver &) = delete;

  /// Success for CUDA_SUCCESS, else "<call>: <CUDA_ERROR_NAME>: <description>".
  Status check(cuda::CUresult result, std::string_view call) const;
  /// The CUresult of the last check() on this thread that failed, or
  /// CUDA_SUCCESS; resets it. Lets a C API return the CUDA error code of a
  /// failed Status.
  static cuda::CUresult takeLastFailure();
  /// The error's name (e.g. "CUDA_ERROR_INVALID_PTX"), or "CUDA error <n>"
  /// when the driver does not know it.
  std::string errorName(cuda::CUresult result) const;

private:
  CudaDriver() = default;
  void *handle_ = nullptr;
};

using CudaDriverRef = std::shared_ptr<const CudaDriver>;

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_CUDADRIVER_H
