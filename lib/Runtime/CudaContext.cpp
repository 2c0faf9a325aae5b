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

Context::~Context() {
  if (context_)
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
