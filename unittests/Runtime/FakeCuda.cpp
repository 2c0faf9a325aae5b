//===- FakeCuda.cpp - A libcuda.so.1 stand-in for the loader tests --------===//
//
// Device memory is host memory; one device named "Fake GPU" with one primary
// context, which cuStreamGetCtx reports for every stream; each thread has a
// stack of current contexts; of the device attributes only the opt-in shared
// memory per block. QUANT4_FAKE_CUDA_INIT=<n> makes cuInit return n.
// Streams can capture graphs (cuStreamBeginCapture ... cuStreamEndCapture,
// an empty graph); while any does, cuMemAlloc and cuModuleLoadDataEx fail
// with CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, as the driver's global capture
// mode makes them. Modules, kernels and launches: FakeCudaModules.cpp.
//
//===----------------------------------------------------------------------===//

#include "FakeCuda.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

using namespace quant4::runtime::cuda;

FAKE cuGetErrorName(CUresult error, const char **name) {
  switch (error) {
  case CUDA_SUCCESS:
    *name = "CUDA_SUCCESS";
    return CUDA_SUCCESS;
  case CUDA_ERROR_INVALID_VALUE:
    *name = "CUDA_ERROR_INVALID_VALUE";
    return CUDA_SUCCESS;
  case CUDA_ERROR_NO_DEVICE:
    *name = "CUDA_ERROR_NO_DEVICE";
    return CUDA_SUCCESS;
  case CUDA_ERROR_INVALID_PTX:
    *name = "CUDA_ERROR_INVALID_PTX";
    return CUDA_SUCCESS;
  case kFakeNotFound:
    *name = "CUDA_ERROR_NOT_FOUND";
    return CUDA_SUCCESS;
  case CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED:
    *name = "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
    return CUDA_SUCCESS;
  default:
    *name = nullptr;
    return CUDA_ERROR_INVALID_VALUE;
  }
}

FAKE cuGetErrorString(CUresult error, const char **text) {
  switch (error) {
  case CUDA_ERROR_NO_DEVICE:
    *text = "no CUDA-capable device is detected";
    return CUDA_SUCCESS;
  case CUDA_ERROR_INVALID_PTX:
    *text = "a PTX JIT compilation failed";
    return CUDA_SUCCESS;
  default:
    *text = nullptr;
    return CUDA_ERROR_INVALID_VALUE;
  }
}

FAKE cuInit(unsigned) {
  const char *forced = std::getenv("QUANT4_FAKE_CUDA_INIT");
  return forced ? std::atoi(forced) : CUDA_SUCCESS;
}

FAKE cuDeviceGetCount(int *count) {
  *count = 1;
  return CUDA_SUCCESS;
}

FAKE cuDeviceGet(CUdevice *device, int ordinal) {
  *device = ordinal;
  return CUDA_SUCCESS;
}

FAKE cuDeviceGetName(char *name, int length, CUdevice) {
  std::strncpy(name, "Fake GPU", length);
  return CUDA_SUCCESS;
}

FAKE cuDeviceGetAttribute(int *value, CUdevice_attribute attribute, CUdevice) {
  if (attribute != CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)
    return CUDA_ERROR_INVALID_VALUE;
  *value = kFakeOptInSharedBytes;
  return CUDA_SUCCESS;
}

static int fakeContext;

FAKE cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice) {
  *context = reinterpret_cast<CUcontext>(&fakeContext);
  return CUDA_SUCCESS;
}

FAKE cuDevicePrimaryCtxRelease_v2(CUdevice) { return CUDA_SUCCESS; }

/// This thread's context stack; its top is the current context.
static thread_local std::vector<CUcontext> contextStack;

FAKE cuCtxSetCurrent(CUcontext context) {
  if (contextStack.empty())
    contextStack.push_back(context);
  else
    contextStack.back() = context;
  return CUDA_SUCCESS;
}

FAKE cuCtxGetCurrent(CUcontext *context) {
  *context = contextStack.empty() ? nullptr : contextStack.back();
  return CUDA_SUCCESS;
}

FAKE cuCtxPushCurrent_v2(CUcontext context) {
  contextStack.push_back(context);
  return CUDA_SUCCESS;
}

FAKE cuCtxPopCurrent_v2(CUcontext *context) {
  if (contextStack.empty())
    return CUDA_ERROR_INVALID_VALUE;
  *context = contextStack.back();
  contextStack.pop_back();
  return CUDA_SUCCESS;
}

FAKE cuCtxGetDevice(CUdevice *device) {
  if (contextStack.empty() || !contextStack.back())
    return CUDA_ERROR_INVALID_VALUE;
  *device = 0;
  return CUDA_SUCCESS;
}

FAKE cuStreamGetCtx(CUstream, CUcontext *context) {
  *context = reinterpret_cast<CUcontext>(&fakeContext);
  return CUDA_SUCCESS;
}

/// The streams capturing a graph.
static std::mutex captureMutex;
static std::set<CUstream> capturing;

bool fakeCaptureOngoing() {
  std::lock_guard<std::mutex> lock(captureMutex);
  return !capturing.empty();
}

FAKE cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode) {
  std::lock_guard<std::mutex> lock(captureMutex);
  return capturing.insert(stream).second ? CUDA_SUCCESS
                                         : CUDA_ERROR_INVALID_VALUE;
}

FAKE cuStreamEndCapture(CUstream stream, CUgraph *graph) {
  std::lock_guard<std::mutex> lock(captureMutex);
  if (!capturing.erase(stream))
    return CUDA_ERROR_INVALID_VALUE;
  *graph = nullptr;
  return CUDA_SUCCESS;
}

FAKE cuStreamIsCapturing(CUstream stream, CUstreamCaptureStatus *status) {
  std::lock_guard<std::mutex> lock(captureMutex);
  *status = capturing.count(stream) ? 1 : CU_STREAM_CAPTURE_STATUS_NONE;
  return CUDA_SUCCESS;
}

FAKE cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  if (fakeCaptureOngoing())
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  *pointer = reinterpret_cast<CUdeviceptr>(std::malloc(bytes));
  return CUDA_SUCCESS;
}

FAKE cuMemFree_v2(CUdeviceptr pointer) {
  std::free(reinterpret_cast<void *>(pointer));
  return CUDA_SUCCESS;
}

FAKE cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
  std::memcpy(reinterpret_cast<void *>(dst), src, bytes);
  return CUDA_SUCCESS;
}

FAKE cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  std::memcpy(dst, reinterpret_cast<const void *>(src), bytes);
  return CUDA_SUCCESS;
}

FAKE cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                          CUstream) {
  std::memcpy(reinterpret_cast<void *>(dst),
              reinterpret_cast<const void *>(src), bytes);
  return CUDA_SUCCESS;
}

FAKE cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count, CUstream) {
  auto *words = reinterpret_cast<uint32_t *>(dst);
  for (size_t i = 0; i < count; ++i)
    words[i] = value;
  return CUDA_SUCCESS;
}

static int fakeStream;

FAKE cuStreamCreate(CUstream *stream, unsigned) {
  *stream = reinterpret_cast<CUstream>(&fakeStream);
  return CUDA_SUCCESS;
}

FAKE cuStreamDestroy_v2(CUstream) { return CUDA_SUCCESS; }
FAKE cuStreamSynchronize(CUstream) { return CUDA_SUCCESS; }
