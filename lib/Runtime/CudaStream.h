//===- CudaStream.h - Streams and events ------------------------*- C++ -*-===//
//
// A non-blocking stream, and events for timing work on it:
//   start.record(s); ...; end.record(s); Event::elapsedMs(start, end)
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_CUDASTREAM_H
#define QUANT4_RUNTIME_CUDASTREAM_H

#include "Runtime/Owned.h"

namespace quant4::runtime {

class Stream {
public:
  static Expected<Stream> create(ContextRef context);

  cuda::CUstream get() const { return stream_.get(); }
  const ContextRef &context() const { return stream_.context(); }
  Status synchronize() const;

private:
  explicit Stream(Owned<cuda::CUstream> stream) : stream_(std::move(stream)) {}
  Owned<cuda::CUstream> stream_;
};

/// Whether `stream` (any handle, null included) is capturing a CUDA graph:
/// then nothing that is not stream-ordered (allocating memory, loading a
/// module) may run, or the capture is invalidated.
Expected<bool> isCapturing(const CudaDriver &driver, cuda::CUstream stream);
/// The error for `what` (e.g. "allocating its scratch workspace") that a
/// host library refuses to do while the stream captures.
Status refusedWhileCapturing(const std::string &what);

class Event {
public:
  static Expected<Event> create(ContextRef context);

  cuda::CUevent get() const { return event_.get(); }
  Status record(const Stream &stream) const;
  Status synchronize() const;
  /// Milliseconds between two recorded events (waits for `end`).
  static Expected<float> elapsedMs(const Event &start, const Event &end);

private:
  explicit Event(Owned<cuda::CUevent> event) : event_(std::move(event)) {}
  Owned<cuda::CUevent> event_;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_CUDASTREAM_H
