//===- StreamWorkspaces.cpp - One scratch workspace per stream ------------===//

#include "Runtime/StreamWorkspaces.h"

namespace quant4::runtime {

using namespace cuda;

StreamWorkspaces::Key StreamWorkspaces::key(CUstream stream) {
  if (stream == CU_STREAM_LEGACY)
    return {nullptr, std::thread::id()};
  if (stream == CU_STREAM_PER_THREAD)
    return {stream, std::this_thread::get_id()};
  return {stream, std::thread::id()};
}

Expected<CUdeviceptr> StreamWorkspaces::get(CUstream stream, bool capturing) {
  if (bytes_ == 0)
    return CUdeviceptr(0);
  std::lock_guard<std::mutex> lock(mutex_);
  Key k = key(stream);
  auto found = buffers_.find(k);
  if (found != buffers_.end())
    return found->second.get();
  if (capturing)
    return refusedWhileCapturing("allocating its scratch workspace");
  Expected<DeviceBuffer> buffer = DeviceBuffer::allocate(context_, bytes_);
  if (!buffer)
    return buffer.status();
  return buffers_.emplace(k, buffer.take()).first->second.get();
}

} // namespace quant4::runtime
