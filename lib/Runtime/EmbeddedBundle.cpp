//===- EmbeddedBundle.cpp - The runtime side of a GPU host library --------===//

#include "Runtime/EmbeddedBundle.h"
#include "Runtime/KernelBundle.h"

#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace quant4::runtime {
namespace {

using namespace cuda;

/// What one host library's bundle became in one CUDA context.
struct LoadedBundle {
  ContextRef context;
  KernelBundle kernels;
};

/// The driver, and each bundle loaded into each context; one per copy of
/// this runtime (each host library links its own). Never destroyed: at
/// process exit the driver may be gone before static destructors run.
class Registry {
public:
  static Registry &get() {
    static Registry *registry = new Registry();
    return *registry;
  }

  /// Loads libcuda.so.1 on first use.
  Expected<CudaDriverRef> driver() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!driver_) {
      Expected<CudaDriverRef> loaded = CudaDriver::load();
      if (!loaded)
        return loaded.status();
      driver_ = loaded.take();
    }
    return driver_;
  }

  /// Device 0's primary context, retained once (what the CUDA runtime uses
  /// when a thread has no current context).
  Expected<CUcontext> primaryContext(const CudaDriverRef &driver) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!primary_) {
      Expected<ContextRef> created = Context::create(driver);
      if (!created)
        return created.status();
      primary_ = created.take();
    }
    return primary_->get();
  }

  /// `bundle` loaded into `context` (current on this thread), loading it on
  /// first use.
  Expected<const LoadedBundle *> load(const CudaDriverRef &driver,
                                      const Q4rtBundle &bundle,
                                      CUcontext context) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_ptr<LoadedBundle> &entry = loaded_[{&bundle, context}];
    if (entry)
      return entry.get();
    Expected<ContextRef> borrowed = Context::borrow(driver, context);
    if (!borrowed)
      return borrowed.status();
    Expected<KernelBundle> kernels = KernelBundle::create(
        *borrowed, std::string(bundle.manifest, bundle.manifestSize),
        [&](const std::string &name) -> Expected<std::string> {
          for (uint32_t i = 0; i < bundle.numImages; ++i)
            if (name == bundle.images[i].name)
              return std::string(bundle.images[i].data, bundle.images[i].size);
          return Status::error("no embedded PTX module " + name);
        });
    if (!kernels) {
      loaded_.erase({&bundle, context});
      return kernels.status();
    }
    entry.reset(new LoadedBundle{borrowed.take(), kernels.take()});
    return entry.get();
  }

private:
  Registry() = default;
  std::mutex mutex_;
  CudaDriverRef driver_;
  ContextRef primary_;
  std::map<std::pair<const Q4rtBundle *, CUcontext>,
           std::unique_ptr<LoadedBundle>>
      loaded_;
};

/// Makes a context current on this thread for the scope, unless it is.
class ScopedCurrent {
public:
  ScopedCurrent(const CudaDriver &driver, CUcontext context)
      : driver_(driver), context_(context) {}
  Status enter() {
    CUcontext current = nullptr;
    if (Status s =
            driver_.check(driver_.ctxGetCurrent(&current), "cuCtxGetCurrent");
        !s || current == context_)
      return s;
    pushed_ = true;
    return driver_.check(driver_.ctxPushCurrent(context_), "cuCtxPushCurrent");
  }
  ~ScopedCurrent() {
    CUcontext popped = nullptr;
    if (pushed_)
      (void)driver_.ctxPopCurrent(&popped);
  }

private:
  const CudaDriver &driver_;
  CUcontext context_;
  bool pushed_ = false;
};

/// Kernels are compiled for 16-byte aligned, non-null arguments.
constexpr uintptr_t kArgumentAlignment = 16;

Status launch(const Q4rtBundle *bundle, uint32_t function,
              void *const *arguments, uint32_t numArguments, CUstream stream) {
  if (!bundle || bundle->version != Q4RT_BUNDLE_VERSION)
    return Status::error("embedded bundle of an unknown layout version");
  Registry &registry = Registry::get();
  Expected<CudaDriverRef> driver = registry.driver();
  if (!driver)
    return driver.status();
  const CudaDriver &d = **driver;
  CUcontext context = nullptr;
  if (Status s =
          stream ? d.check(d.streamGetCtx(stream, &context), "cuStreamGetCtx")
                 : d.check(d.ctxGetCurrent(&context), "cuCtxGetCurrent");
      !s)
    return s;
  if (!context) {
    Expected<CUcontext> primary = registry.primaryContext(*driver);
    if (!primary)
      return primary.status();
    context = *primary;
  }
  ScopedCurrent current(d, context);
  if (Status s = current.enter(); !s)
    return s;
  Expected<const LoadedBundle *> loaded =
      registry.load(*driver, *bundle, context);
  if (!loaded)
    return loaded.status();

  const KernelBundle &kernels = (*loaded)->kernels;
  if (function >= kernels.functions().size())
    return Status::error("the embedded bundle has no function " +
                         std::to_string(function));
  std::vector<CUdeviceptr> pointers;
  for (uint32_t i = 0; i < numArguments; ++i) {
    auto pointer = reinterpret_cast<uintptr_t>(arguments[i]);
    if (pointer == 0 || pointer % kArgumentAlignment != 0)
      return Status::error(
          "argument " + std::to_string(i) +
          (pointer ? " is not 16-byte aligned" : " is a null pointer"));
    pointers.push_back(CUdeviceptr(pointer));
  }
  return kernels.run(function, pointers, stream);
}

thread_local std::string lastError;

} // namespace
} // namespace quant4::runtime

extern "C" int q4rt_launch(const Q4rtBundle *bundle, uint32_t function,
                           const char *caller, void *const *arguments,
                           uint32_t numArguments, void *stream) {
  using namespace quant4::runtime;
  (void)CudaDriver::takeLastFailure();
  Status status = launch(bundle, function, arguments, numArguments,
                         static_cast<cuda::CUstream>(stream));
  if (status)
    return 0;
  cuda::CUresult code = CudaDriver::takeLastFailure();
  lastError =
      std::string(caller ? caller : "q4rt_launch") + ": " + status.message();
  return code != cuda::CUDA_SUCCESS ? code : Q4RT_ERROR_RUNTIME;
}

extern "C" const char *q4rt_last_error(void) {
  return quant4::runtime::lastError.c_str();
}
