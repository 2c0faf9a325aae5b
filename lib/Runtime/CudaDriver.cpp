//===- CudaDriver.cpp - The CUDA driver, loaded at run time ---------------===//

#include "Runtime/CudaDriver.h"

#include <dlfcn.h>

#include <utility>

namespace quant4::runtime {

using namespace cuda;

/// dlsym(symbol), then the symbol without a trailing "_vN".
static void *resolve(void *handle, const std::string &symbol) {
  if (void *address = dlsym(handle, symbol.c_str()))
    return address;
  size_t suffix = symbol.rfind("_v");
  if (suffix == std::string::npos)
    return nullptr;
  return dlsym(handle, symbol.substr(0, suffix).c_str());
}

Expected<CudaDriverRef> CudaDriver::load(const std::string &library) {
  void *handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *reason = dlerror();
    return Status::error(library +
                         " not found: " + (reason ? reason : "dlopen failed") +
                         " (is the NVIDIA driver installed?)");
  }
  std::shared_ptr<CudaDriver> driver(new CudaDriver());
  driver->handle_ = handle;
#define QUANT4_CUDA_ENTRY(member, symbol, params)                              \
  driver->member =                                                             \
      reinterpret_cast<decltype(driver->member)>(resolve(handle, #symbol));    \
  if (!driver->member)                                                         \
    return Status::error(library + " lacks the entry point " #symbol           \
                                   " (driver too old?)");
#include "Runtime/CudaEntryPoints.def"
  if (Status status = driver->check(driver->init(0), "cuInit"); !status)
    return status;
  return CudaDriverRef(std::move(driver));
}

CudaDriver::~CudaDriver() {
  if (handle_)
    dlclose(handle_);
}

std::string CudaDriver::errorName(CUresult result) const {
  const char *name = nullptr;
  if (getErrorName(result, &name) == CUDA_SUCCESS && name)
    return name;
  return "CUDA error " + std::to_string(result);
}

/// The CUresult of the last failed check() on this thread.
static thread_local CUresult lastFailure = CUDA_SUCCESS;

CUresult CudaDriver::takeLastFailure() {
  return std::exchange(lastFailure, CUDA_SUCCESS);
}

Status CudaDriver::check(CUresult result, std::string_view call) const {
  if (result == CUDA_SUCCESS)
    return Status::success();
  lastFailure = result;
  std::string message = std::string(call) + ": " + errorName(result);
  const char *description = nullptr;
  if (getErrorString(result, &description) == CUDA_SUCCESS && description)
    message += std::string(": ") + description;
  return Status::error(std::move(message));
}

} // namespace quant4::runtime
