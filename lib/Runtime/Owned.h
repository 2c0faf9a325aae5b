//===- Owned.h - Move-only ownership of a driver handle ---------*- C++ -*-===//
//
// Owned<Handle> keeps a driver handle (CUstream, CUevent, CUmodule, ...) and
// the Context it belongs to, and hands the handle to a destroy function once.
// The Context stays alive as long as anything made in it.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_OWNED_H
#define QUANT4_RUNTIME_OWNED_H

#include "Runtime/CudaContext.h"

#include <utility>

namespace quant4::runtime {

template <typename Handle> class Owned {
public:
  using Destroy = cuda::CUresult (*CudaDriver::*)(Handle);

  Owned() = default;
  Owned(ContextRef context, Handle handle, Destroy destroy)
      : context_(std::move(context)), handle_(handle), destroy_(destroy) {}
  Owned(Owned &&other) noexcept { *this = std::move(other); }
  Owned &operator=(Owned &&other) noexcept {
    if (this != &other) {
      reset();
      context_ = std::move(other.context_);
      handle_ = std::exchange(other.handle_, Handle());
      destroy_ = other.destroy_;
    }
    return *this;
  }
  Owned(const Owned &) = delete;
  Owned &operator=(const Owned &) = delete;
  ~Owned() { reset(); }

  Handle get() const { return handle_; }
  const ContextRef &context() const { return context_; }
  const CudaDriver &driver() const { return context_->driver(); }

private:
  void reset() {
    if (context_ && handle_ != Handle())
      (void)(context_->driver().*destroy_)(handle_);
    handle_ = Handle();
  }

  ContextRef context_;
  Handle handle_ = Handle();
  Destroy destroy_ = nullptr;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_OWNED_H
