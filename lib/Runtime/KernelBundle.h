//===- KernelBundle.h - Run what q4-nvptx compiled --------------*- C++ -*-===//
//
// Loads <prefix>.manifest and the PTX files it names (one Module each), or the
// same from memory (a host library's embedded bundle, EmbeddedBundle.h), and
// runs a host function: its launches, in order, on one stream, with the
// caller's device buffers as the function's memref arguments and scratch
// buffers allocated at load (so one bundle runs one function at a time).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_KERNELBUNDLE_H
#define QUANT4_RUNTIME_KERNELBUNDLE_H

#include "Runtime/BundleManifest.h"
#include "Runtime/CudaModule.h"

#include <functional>
#include <map>
#include <memory>

namespace quant4::runtime {

class KernelBundle {
public:
  /// The PTX image a manifest's launch names (its file name there).
  using ImageLookup =
      std::function<Expected<std::string>(const std::string &file)>;

  /// `manifestPath` ends in ".manifest"; PTX files are looked up beside it.
  static Expected<KernelBundle> load(ContextRef context,
                                     const std::string &manifestPath);
  /// A manifest's text and its PTX images from `lookup` (e.g. embedded in a
  /// host library), loaded into `context`, which must be current. Without
  /// `allocateScratch` only the run() that takes scratch pointers works.
  static Expected<KernelBundle> create(ContextRef context,
                                       const std::string &manifest,
                                       const ImageLookup &lookup,
                                       bool allocateScratch = true);

  const std::vector<BundleFunction> &functions() const { return functions_; }
  /// nullptr when there is no function `name`.
  const BundleFunction *function(const std::string &name) const;

  /// Enqueues function `name` on `stream`; each buffer must be at least as
  /// large as the argument it stands for.
  Status run(const std::string &name,
             const std::vector<const DeviceBuffer *> &arguments,
             const Stream &stream) const;
  /// Enqueues functions()[index] on `stream` (null: the default stream) with
  /// raw device pointers, whose sizes the caller vouches for.
  Status run(size_t index, const std::vector<cuda::CUdeviceptr> &arguments,
             cuda::CUstream stream) const;
  /// The same with the caller's scratch buffers (one per manifest scratch
  /// line, each at least as large), e.g. a workspace per stream.
  Status run(size_t index, const std::vector<cuda::CUdeviceptr> &arguments,
             const std::vector<cuda::CUdeviceptr> &scratch,
             cuda::CUstream stream) const;

private:
  KernelBundle() = default;
  /// Loads the modules and kernels `functions` launch and their scratch.
  static Expected<KernelBundle> build(ContextRef context,
                                      std::vector<BundleFunction> functions,
                                      const ImageLookup &lookup,
                                      bool allocateScratch = true);
  std::vector<BundleFunction> functions_;
  std::map<std::string, std::shared_ptr<Module>> modules_;
  /// The kernel of each launch, in functions_ order.
  std::vector<std::vector<Kernel>> kernels_;
  /// Each function's scratch buffers, allocated at load (if asked to).
  std::vector<std::vector<DeviceBuffer>> scratch_;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_KERNELBUNDLE_H
