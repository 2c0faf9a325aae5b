//===- CudaModule.h - PTX/cubin modules and kernel launches -----*- C++ -*-===//
//
// Module::load JIT-compiles PTX (or loads a cubin) and reports the JIT log on
// failure; Kernel::launch checks the launch shape and the argument count
// before cuLaunchKernel.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_CUDAMODULE_H
#define QUANT4_RUNTIME_CUDAMODULE_H

#include "Runtime/CudaStream.h"
#include "Runtime/DeviceBuffer.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace quant4::runtime {

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
};

/// Kernel parameters by value, in the kernel's order: device pointers and
/// 32/64-bit scalars. cuLaunchKernel reads each through a pointer, so the
/// values live here until the launch returns.
class KernelArgs {
public:
  KernelArgs &pointer(const DeviceBuffer &buffer) { return add(buffer.get()); }
  KernelArgs &pointer(cuda::CUdeviceptr pointer) { return add(pointer); }
  KernelArgs &i64(int64_t value) { return add(value); }
  KernelArgs &i32(int32_t value) { return add(value); }
  KernelArgs &f32(float value) { return add(value); }

  size_t size() const { return values_.size(); }
  /// The array cuLaunchKernel takes; valid until the next add.
  std::vector<void *> pointers();

private:
  template <typename T> KernelArgs &add(T value) {
    static_assert(sizeof(T) <= sizeof(uint64_t));
    uint64_t slot = 0;
    std::memcpy(&slot, &value, sizeof(T));
    values_.push_back(slot);
    return *this;
  }
  std::vector<uint64_t> values_;
};

class Kernel {
public:
  cuda::CUfunction get() const { return function_; }
  const std::string &name() const { return name_; }
  /// `args` must hold exactly `expectedArgs` values when that is >= 0.
  /// `programmatic`: launched with programmatic stream serialization
  /// (cuLaunchKernelEx), so it may start while the stream's previous kernel
  /// finishes; the kernel must execute griddepcontrol.wait before it reads
  /// anything that kernel writes.
  Status launch(Dim3 grid, Dim3 block, KernelArgs &args, const Stream &stream,
                unsigned sharedBytes = 0, int expectedArgs = -1,
                bool programmatic = false) const {
    return launch(grid, block, args, stream.get(), sharedBytes, expectedArgs,
                  programmatic);
  }
  /// The same on a raw stream (null: the context's default stream).
  Status launch(Dim3 grid, Dim3 block, KernelArgs &args, cuda::CUstream stream,
                unsigned sharedBytes = 0, int expectedArgs = -1,
                bool programmatic = false) const;

  /// Launches may ask for up to `bytes` of dynamic shared memory
  /// (CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES; by default 48 KiB
  /// less the kernel's static shared memory). The driver refuses more than
  /// the device's opt-in limit less the static shared memory.
  Status allowDynamicSharedBytes(unsigned bytes) const;

private:
  friend class Module;
  Kernel(const CudaDriver *driver, cuda::CUfunction function, std::string name)
      : driver_(driver), function_(function), name_(std::move(name)) {}
  const CudaDriver *driver_;
  cuda::CUfunction function_;
  std::string name_;
};

class Module {
public:
  /// `image` is PTX text (with or without a trailing NUL) or a cubin.
  static Expected<Module> load(ContextRef context, const std::string &image);
  /// Reads `path` and loads it.
  static Expected<Module> loadFile(ContextRef context, const std::string &path);

  /// The kernel `name`; valid while this module is.
  Expected<Kernel> kernel(const std::string &name) const;

private:
  explicit Module(Owned<cuda::CUmodule> module) : module_(std::move(module)) {}
  Owned<cuda::CUmodule> module_;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_CUDAMODULE_H
