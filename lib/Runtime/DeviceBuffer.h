//===- DeviceBuffer.h - Device memory ---------------------------*- C++ -*-===//
//
// A cuMemAlloc'd buffer, freed on destruction. Copies check their sizes
// against the buffer before the driver sees them.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_DEVICEBUFFER_H
#define QUANT4_RUNTIME_DEVICEBUFFER_H

#include "Runtime/CudaStream.h"

#include <cstddef>
#include <cstdint>

namespace quant4::runtime {

class DeviceBuffer {
public:
  /// `bytes` > 0.
  static Expected<DeviceBuffer> allocate(ContextRef context, size_t bytes);

  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer();

  cuda::CUdeviceptr get() const { return pointer_; }
  size_t size() const { return bytes_; }

  /// Synchronous copies of `bytes` at byte `offset` of the buffer.
  Status upload(const void *host, size_t bytes, size_t offset = 0);
  Status download(void *host, size_t bytes, size_t offset = 0) const;
  /// Stream-ordered copy of all of `source` (the sizes must match).
  Status copyFrom(const DeviceBuffer &source, const Stream &stream);
  /// Stream-ordered fill of the buffer with a 32-bit pattern (size % 4 == 0),
  /// e.g. 0x7FC00000 (a float NaN) to poison an output.
  Status fill32(uint32_t pattern, const Stream &stream);

private:
  DeviceBuffer(ContextRef context, cuda::CUdeviceptr pointer, size_t bytes)
      : context_(std::move(context)), pointer_(pointer), bytes_(bytes) {}
  Status checkRange(const char *what, size_t bytes, size_t offset) const;
  void release();

  ContextRef context_;
  cuda::CUdeviceptr pointer_ = 0;
  size_t bytes_ = 0;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_DEVICEBUFFER_H
