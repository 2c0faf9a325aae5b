//===- DeviceBuffer.cpp - Device memory -----------------------------------===//

#include "Runtime/DeviceBuffer.h"

#include <utility>

namespace quant4::runtime {

using namespace cuda;

Expected<DeviceBuffer> DeviceBuffer::allocate(ContextRef context,
                                              size_t bytes) {
  if (!context)
    return Status::error("DeviceBuffer::allocate: no context");
  if (bytes == 0)
    return Status::error("DeviceBuffer::allocate: zero bytes requested");
  const CudaDriver &d = context->driver();
  CUdeviceptr pointer = 0;
  if (Status s = d.check(d.memAlloc(&pointer, bytes), "cuMemAlloc"); !s)
    return Status::error(s.message() + " (" + std::to_string(bytes) +
                         " bytes)");
  return DeviceBuffer(std::move(context), pointer, bytes);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept {
  *this = std::move(other);
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    release();
    context_ = std::move(other.context_);
    pointer_ = std::exchange(other.pointer_, 0);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

DeviceBuffer::~DeviceBuffer() { release(); }

void DeviceBuffer::release() {
  if (context_ && pointer_)
    (void)context_->driver().memFree(pointer_);
  pointer_ = 0;
}

Status DeviceBuffer::checkRange(const char *what, size_t bytes,
                                size_t offset) const {
  if (!pointer_)
    return Status::error(std::string(what) + ": buffer was moved from");
  if (offset > bytes_ || bytes > bytes_ - offset)
    return Status::error(std::string(what) + ": " + std::to_string(bytes) +
                         " bytes at offset " + std::to_string(offset) +
                         " exceed the buffer's " + std::to_string(bytes_) +
                         " bytes");
  return Status::success();
}

Status DeviceBuffer::upload(const void *host, size_t bytes, size_t offset) {
  if (Status s = checkRange("DeviceBuffer::upload", bytes, offset); !s)
    return s;
  const CudaDriver &d = context_->driver();
  return d.check(d.memcpyHtoD(pointer_ + offset, host, bytes), "cuMemcpyHtoD");
}

Status DeviceBuffer::download(void *host, size_t bytes, size_t offset) const {
  if (Status s = checkRange("DeviceBuffer::download", bytes, offset); !s)
    return s;
  const CudaDriver &d = context_->driver();
  return d.check(d.memcpyDtoH(host, pointer_ + offset, bytes), "cuMemcpyDtoH");
}

Status DeviceBuffer::copyFrom(const DeviceBuffer &source,
                              const Stream &stream) {
  if (Status s = checkRange("DeviceBuffer::copyFrom", source.size(), 0); !s)
    return s;
  if (source.size() != bytes_)
    return Status::error("DeviceBuffer::copyFrom: source has " +
                         std::to_string(source.size()) + " bytes, buffer " +
                         std::to_string(bytes_));
  const CudaDriver &d = context_->driver();
  return d.check(
      d.memcpyDtoDAsync(pointer_, source.get(), bytes_, stream.get()),
      "cuMemcpyDtoDAsync");
}

Status DeviceBuffer::fill32(uint32_t pattern, const Stream &stream) {
  if (Status s = checkRange("DeviceBuffer::fill32", bytes_, 0); !s)
    return s;
  if (bytes_ % 4 != 0)
    return Status::error("DeviceBuffer::fill32: " + std::to_string(bytes_) +
                         " bytes is not a multiple of 4");
  const CudaDriver &d = context_->driver();
  return d.check(d.memsetD32Async(pointer_, pattern, bytes_ / 4, stream.get()),
                 "cuMemsetD32Async");
}

} // namespace quant4::runtime
