//===- CudaContext.h - A device and its primary context ---------*- C++ -*-===//
//
// Retains the device's primary context (the one the CUDA runtime and PyTorch
// share) and makes it current on the calling thread. Buffers, streams and
// modules keep their Context alive.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_CUDACONTEXT_H
#define QUANT4_RUNTIME_CUDACONTEXT_H

#include "Runtime/CudaDriver.h"

#include <memory>
#include <string>

namespace quant4::runtime {

class Context;
using ContextRef = std::shared_ptr<Context>;

class Context {
public:
  /// Device `ordinal` (0-based) of `driver`; an error names the call that
  /// failed or the number of devices there are.
  static Expected<ContextRef> create(CudaDriverRef driver, int ordinal = 0);
  /// CudaDriver::load() then create().
  static Expected<ContextRef> createDefault(int ordinal = 0);
  /// A context the caller owns (e.g. the one a stream belongs to); it is
  /// neither retained nor released here and must outlive the result.
  static Expected<ContextRef> borrow(CudaDriverRef driver,
                                     cuda::CUcontext context);

  ~Context();
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  const CudaDriver &driver() const { return *driver_; }
  cuda::CUdevice device() const { return device_; }
  cuda::CUcontext get() const { return context_; }
  const std::string &deviceName() const { return name_; }

  /// Makes the context current on the calling thread.
  Status makeCurrent() const;
  /// Waits for all work in the context.
  Status synchronize() const;
  /// cuDeviceGetAttribute.
  Expected<int> attribute(cuda::CUdevice_attribute attribute) const;

private:
  Context() = default;

  CudaDriverRef driver_;
  cuda::CUdevice device_ = 0;
  cuda::CUcontext context_ = nullptr;
  /// The primary context retained by create(), released on destruction.
  bool retained_ = false;
  std::string name_;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_CUDACONTEXT_H
