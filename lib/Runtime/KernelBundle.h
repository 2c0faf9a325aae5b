//===- KernelBundle.h - Run what q4-nvptx compiled --------------*- C++ -*-===//
//
// Loads <prefix>.manifest and the PTX files it names (one Module each) and
// runs a host function: its launches, in order, on one stream, with the
// caller's device buffers as the function's memref arguments and scratch
// buffers allocated at load (so one bundle runs one function at a time).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_KERNELBUNDLE_H
#define QUANT4_RUNTIME_KERNELBUNDLE_H

#include "Runtime/BundleManifest.h"
#include "Runtime/CudaModule.h"

#include <map>
#include <memory>

namespace quant4::runtime {

class KernelBundle {
public:
  /// `manifestPath` ends in ".manifest"; PTX files are looked up beside it.
  static Expected<KernelBundle> load(ContextRef context,
                                     const std::string &manifestPath);

  const std::vector<BundleFunction> &functions() const { return functions_; }
  /// nullptr when there is no function `name`.
  const BundleFunction *function(const std::string &name) const;

  /// Enqueues function `name` on `stream`; each buffer must be at least as
  /// large as the argument it stands for.
  Status run(const std::string &name,
             const std::vector<const DeviceBuffer *> &arguments,
             const Stream &stream) const;

private:
  KernelBundle() = default;
  std::vector<BundleFunction> functions_;
  std::map<std::string, std::shared_ptr<Module>> modules_;
  /// The kernel of each launch, in functions_ order.
  std::vector<std::vector<Kernel>> kernels_;
  /// Each function's scratch buffers, allocated at load.
  std::vector<std::vector<DeviceBuffer>> scratch_;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_KERNELBUNDLE_H
