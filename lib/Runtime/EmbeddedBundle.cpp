//===- EmbeddedBundle.cpp - The runtime side of a GPU host library --------===//

#include "Runtime/EmbeddedBundle.h"
#include "Runtime/KernelBundle.h"
#include "Runtime/StreamWorkspaces.h"
#include "Runtime/Workspace.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace quant4::runtime {
namespace {

using namespace cuda;

/// What one host library's bundle became in one CUDA context: its kernels,
/// each function's workspace layout and the per-stream workspaces.
struct LoadedBundle {
  LoadedBundle(ContextRef context, KernelBundle kernels)
      : context(context), kernels(std::move(kernels)),
        workspaces(context, maxWorkspaceBytes(this->kernels.functions())) {
    for (const BundleFunction &function : this->kernels.functions())
      layouts.push_back(layoutWorkspace(function));
  }
  ContextRef context;
  KernelBundle kernels;
  std::vector<WorkspaceLayout> layouts;
  StreamWorkspaces workspaces;
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
  /// first use unless `capturing` (a graph capture forbids module loads).
  Expected<LoadedBundle *> load(const CudaDriverRef &driver,
                                const Q4rtBundle &bundle, CUcontext context,
                                bool capturing) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (capturing && !loaded_.count({&bundle, context}))
      return refusedWhileCapturing("loading the kernels into its context");
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
        },
        /*allocateScratch=*/false);
    if (!kernels) {
      loaded_.erase({&bundle, context});
      return kernels.status();
    }
    entry = std::make_unique<LoadedBundle>(borrowed.take(), kernels.take());
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

/// The bundle loaded into the context of `stream`, made current for the call
/// of `body` (with whether the stream is capturing a graph).
Status withBundle(const Q4rtBundle *bundle, CUstream stream,
                  const std::function<Status(LoadedBundle &, bool)> &body) {
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
  Expected<bool> capturing = isCapturing(d, stream);
  if (!capturing)
    return capturing.status();
  Expected<LoadedBundle *> loaded =
      registry.load(*driver, *bundle, context, *capturing);
  if (!loaded)
    return loaded.status();
  return body(**loaded, *capturing);
}

/// A device pointer the caller passed: non-null (unless `nullable`) and
/// 16-byte aligned.
Status checkPointer(const void *pointer, const std::string &what,
                    bool nullable = false) {
  auto address = reinterpret_cast<uintptr_t>(pointer);
  if (address == 0 && !nullable)
    return Status::error(what + " is a null pointer");
  if (address % kArgumentAlignment != 0)
    return Status::error(what + " is not 16-byte aligned");
  return Status::success();
}

/// The caller's workspace of q4rt_launch_workspace.
struct CallerWorkspace {
  void *pointer;
  uint64_t bytes;
};

Status launch(const Q4rtBundle *bundle, uint32_t function,
              void *const *arguments, uint32_t numArguments,
              std::optional<CallerWorkspace> workspace, CUstream stream) {
  return withBundle(bundle, stream, [&](LoadedBundle &loaded, bool capturing) {
    const KernelBundle &kernels = loaded.kernels;
    if (function >= kernels.functions().size())
      return Status::error("the embedded bundle has no function " +
                           std::to_string(function));
    std::vector<CUdeviceptr> pointers;
    for (uint32_t i = 0; i < numArguments; ++i) {
      if (Status s =
              checkPointer(arguments[i], "argument " + std::to_string(i));
          !s)
        return s;
      pointers.push_back(CUdeviceptr(arguments[i]));
    }
    const WorkspaceLayout &layout = loaded.layouts[function];
    CUdeviceptr base = 0;
    if (workspace) {
      if (workspace->bytes < layout.bytes)
        return Status::error(
            "the workspace has " + std::to_string(workspace->bytes) +
            " bytes, the function needs " + std::to_string(layout.bytes));
      if (Status s = checkPointer(workspace->pointer, "the workspace",
                                  /*nullable=*/layout.bytes == 0);
          !s)
        return s;
      base = CUdeviceptr(workspace->pointer);
    } else if (layout.bytes > 0) {
      Expected<CUdeviceptr> own = loaded.workspaces.get(stream, capturing);
      if (!own)
        return own.status();
      base = *own;
    }
    std::vector<CUdeviceptr> scratch;
    for (uint64_t offset : layout.offsets)
      scratch.push_back(base + offset);
    return kernels.run(function, pointers, scratch, stream);
  });
}

Status prepare(const Q4rtBundle *bundle, CUstream stream) {
  return withBundle(bundle, stream, [&](LoadedBundle &loaded, bool capturing) {
    return loaded.workspaces.get(stream, capturing).status();
  });
}

thread_local std::string lastError;

/// 0, or the error code of a failed `call` (a CUDA error where a driver call
/// failed) with its message kept for q4rt_last_error.
int report(const char *caller, const char *fallback,
           const std::function<Status()> &call) {
  (void)CudaDriver::takeLastFailure();
  Status status = call();
  if (status)
    return 0;
  cuda::CUresult code = CudaDriver::takeLastFailure();
  lastError = std::string(caller ? caller : fallback) + ": " + status.message();
  return code != cuda::CUDA_SUCCESS ? code : Q4RT_ERROR_RUNTIME;
}

} // namespace
} // namespace quant4::runtime

extern "C" int q4rt_launch(const Q4rtBundle *bundle, uint32_t function,
                           const char *caller, void *const *arguments,
                           uint32_t numArguments, void *stream) {
  using namespace quant4::runtime;
  return report(caller, "q4rt_launch", [&] {
    return launch(bundle, function, arguments, numArguments, std::nullopt,
                  static_cast<cuda::CUstream>(stream));
  });
}

extern "C" int q4rt_launch_workspace(const Q4rtBundle *bundle,
                                     uint32_t function, const char *caller,
                                     void *const *arguments,
                                     uint32_t numArguments, void *workspace,
                                     uint64_t workspaceBytes, void *stream) {
  using namespace quant4::runtime;
  return report(caller, "q4rt_launch_workspace", [&] {
    return launch(bundle, function, arguments, numArguments,
                  CallerWorkspace{workspace, workspaceBytes},
                  static_cast<cuda::CUstream>(stream));
  });
}

extern "C" int q4rt_prepare(const Q4rtBundle *bundle, const char *caller,
                            void *stream) {
  using namespace quant4::runtime;
  return report(caller, "q4rt_prepare", [&] {
    return prepare(bundle, static_cast<cuda::CUstream>(stream));
  });
}

extern "C" const char *q4rt_last_error(void) {
  return quant4::runtime::lastError.c_str();
}
