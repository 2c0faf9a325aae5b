//===- CudaContext.cpp - A device and its primary context -----------------===//

#include "Runtime/CudaContext.h"

namespace quant4::runtime {

using namespace cuda;

Expected<ContextRef> Context::create(CudaDriverRef driver, int ordinal) {
  if (!driver)
    return Status::error("Context::create: no driver");
  int count = 0;
  if (Status s =
          driver->check(driver->deviceGetCount(&count), "cuDeviceGetCount");
      !s)
    return s;
  if (ordinal < 0 || ordinal >= count)
    return Status::error("Context::create: device " + std::to_string(ordinal) +
                         " requested, " + std::to_string(count) +
                         " CUDA device(s) present");
  ContextRef context(new Context());
  context->driver_ = std::move(driver);
  const CudaDriver &d = *context->driver_;
  if (Status s =
          d.check(d.deviceGet(&context->device_, ordinal), "cuDeviceGet");
      !s)
    return s;
  char name[256] = {};
  if (Status s =
          d.check(d.deviceGetName(name, sizeof(name) - 1, context->device_),
                  "cuDeviceGetName");
      !s)
    return s;
  context->name_ = name;
  if (Status s =
          d.check(d.primaryCtxRetain(&context->context_, context->device_),
                  "cuDevicePrimaryCtxRetain");
      !s)
    return s;
  context->retained_ = true;
  if (Status s = context->makeCurrent(); !s)
    return s;
  return context;
}

Expected<ContextRef> Context::createDefault(int ordinal) {
  Expected<CudaDriverRef> driver = CudaDriver::load();
  if (!driver)
    return driver.status();
  return create(driver.take(), ordinal);
}

Expected<ContextRef> Context::borrow(CudaDriverRef driver, CUcontext handle) {
  if (!driver || !handle)
    return Status::error("Context::borrow: no driver or context");
  ContextRef context(new Context());
  context->driver_ = std::move(driver);
  context->context_ = handle;
  const CudaDriver &d = *context->driver_;
  // cuCtxGetDevice asks the current context.
  if (Status s = d.check(d.ctxPushCurrent(handle), "cuCtxPushCurrent"); !s)
    return s;
  Status s = d.check(d.ctxGetDevice(&context->device_), "cuCtxGetDevice");
  CUcontext popped = nullptr;
  (void)d.ctxPopCurrent(&popped);
  if (!s)
    return s;
  char name[256] = {};
  if (d.deviceGetName(name, sizeof(name) - 1, context->device_) == CUDA_SUCCESS)
    context->name_ = name;
  return context;
}

Context::~Context() {
  if (retained_)
    (void)driver_->primaryCtxRelease(device_);
}

Status Context::makeCurrent() const {
  return driver_->check(driver_->ctxSetCurrent(context_), "cuCtxSetCurrent");
}

Status Context::synchronize() const {
  return driver_->check(driver_->ctxSynchronize(), "cuCtxSynchronize");
}

Expected<int> Context::attribute(CUdevice_attribute attribute) const {
  int value = 0;
  if (Status s = driver_->check(
          driver_->deviceGetAttribute(&value, attribute, device_),
          "cuDeviceGetAttribute");
      !s)
    return s;
  return value;
}

} // namespace quant4::runtime
