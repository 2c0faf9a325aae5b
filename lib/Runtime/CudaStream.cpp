//===- CudaStream.cpp - Streams and events --------------------------------===//

#include "Runtime/CudaStream.h"

namespace quant4::runtime {

using namespace cuda;

Expected<Stream> Stream::create(ContextRef context) {
  const CudaDriver &d = context->driver();
  CUstream stream = nullptr;
  if (Status s = d.check(d.streamCreate(&stream, CU_STREAM_NON_BLOCKING),
                         "cuStreamCreate");
      !s)
    return s;
  return Stream(
      Owned<CUstream>(std::move(context), stream, &CudaDriver::streamDestroy));
}

Status Stream::synchronize() const {
  const CudaDriver &d = stream_.driver();
  return d.check(d.streamSynchronize(get()), "cuStreamSynchronize");
}

Expected<bool> isCapturing(const CudaDriver &driver, CUstream stream) {
  CUstreamCaptureStatus status = CU_STREAM_CAPTURE_STATUS_NONE;
  if (Status s = driver.check(driver.streamIsCapturing(stream, &status),
                              "cuStreamIsCapturing");
      !s)
    return s;
  return status != CU_STREAM_CAPTURE_STATUS_NONE;
}

Status refusedWhileCapturing(const std::string &what) {
  return Status::error("the stream is capturing a CUDA graph and " + what +
                       " would invalidate the capture: call the library's "
                       "prepare function on the stream before capturing");
}

Expected<Event> Event::create(ContextRef context) {
  const CudaDriver &d = context->driver();
  CUevent event = nullptr;
  if (Status s =
          d.check(d.eventCreate(&event, CU_EVENT_DEFAULT), "cuEventCreate");
      !s)
    return s;
  return Event(
      Owned<CUevent>(std::move(context), event, &CudaDriver::eventDestroy));
}

Status Event::record(const Stream &stream) const {
  const CudaDriver &d = event_.driver();
  return d.check(d.eventRecord(get(), stream.get()), "cuEventRecord");
}

Status Event::synchronize() const {
  const CudaDriver &d = event_.driver();
  return d.check(d.eventSynchronize(get()), "cuEventSynchronize");
}

Expected<float> Event::elapsedMs(const Event &start, const Event &end) {
  if (Status s = end.synchronize(); !s)
    return s;
  const CudaDriver &d = end.event_.driver();
  float ms = 0;
  if (Status s = d.check(d.eventElapsedTime(&ms, start.get(), end.get()),
                         "cuEventElapsedTime");
      !s)
    return s;
  return ms;
}

} // namespace quant4::runtime
