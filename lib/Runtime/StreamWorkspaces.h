//===- StreamWorkspaces.h - One scratch workspace per stream ----*- C++ -*-===//
//
// The workspaces of a host library's entry points that take none (the plain
// `q4_<entry>(..., stream)`, EmbeddedBundle.h): one device buffer per stream
// of a context, as large as the largest workspace of the bundle's functions
// (Workspace.h), allocated on the stream's first call and kept until the
// process ends. Work on one stream runs in order, so the functions can share
// its workspace; two streams never share one, so concurrent calls on
// different streams do not race on scratch memory. The legacy default stream
// is one stream (null and CU_STREAM_LEGACY); the per-thread default stream
// (CU_STREAM_PER_THREAD) is one per calling thread. Thread-safe.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_STREAMWORKSPACES_H
#define QUANT4_RUNTIME_STREAMWORKSPACES_H

#include "Runtime/DeviceBuffer.h"

#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace quant4::runtime {

class StreamWorkspaces {
public:
  /// Workspaces of `bytes` each (0: no function needs one).
  StreamWorkspaces(ContextRef context, uint64_t bytes)
      : context_(std::move(context)), bytes_(bytes) {}

  uint64_t bytes() const { return bytes_; }

  /// The workspace of `stream` (a stream of the context, which must be
  /// current), allocated now if the stream has none yet; 0 when bytes() is
  /// 0. When `capturing` (the stream is capturing a CUDA graph), allocating
  /// would invalidate the capture, so a stream without a workspace gets an
  /// error instead.
  Expected<cuda::CUdeviceptr> get(cuda::CUstream stream, bool capturing);

private:
  using Key = std::pair<cuda::CUstream, std::thread::id>;
  static Key key(cuda::CUstream stream);

  ContextRef context_;
  uint64_t bytes_;
  std::mutex mutex_;
  std::map<Key, DeviceBuffer> buffers_;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_STREAMWORKSPACES_H
