//===- FakeCuda.cpp - A libcuda.so.1 stand-in for the loader tests --------===//
//
// Device memory is host memory; one device named "Fake GPU"; PTX "loads" when
// it starts with "//" and fails with CUDA_ERROR_INVALID_PTX and a JIT log
// otherwise; the kernel "store_i32" stores its second argument (i32) through
// its first (a pointer). QUANT4_FAKE_CUDA_INIT=<n> makes cuInit return n.
//
//===----------------------------------------------------------------------===//

#include "Runtime/CudaApi.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace quant4::runtime::cuda;

#define FAKE extern "C" __attribute__((visibility("default"))) CUresult

static constexpr CUresult kNotFound = 500;

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
  case kNotFound:
    *name = "CUDA_ERROR_NOT_FOUND";
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

static int fakeContext;

FAKE cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice) {
  *context = reinterpret_cast<CUcontext>(&fakeContext);
  return CUDA_SUCCESS;
}

FAKE cuDevicePrimaryCtxRelease_v2(CUdevice) { return CUDA_SUCCESS; }
FAKE cuCtxSetCurrent(CUcontext) { return CUDA_SUCCESS; }

FAKE cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
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

static int fakeModule, fakeStream;

FAKE cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned count,
                        CUjit_option *options, void **values) {
  if (std::strncmp(static_cast<const char *>(image), "//", 2) == 0) {
    *module = reinterpret_cast<CUmodule>(&fakeModule);
    return CUDA_SUCCESS;
  }
  for (unsigned i = 0; i < count; ++i)
    if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
      std::strcpy(static_cast<char *>(values[i]), "ptxas fatal: fake error");
  return CUDA_ERROR_INVALID_PTX;
}

FAKE cuModuleUnload(CUmodule) { return CUDA_SUCCESS; }

static int storeI32;

FAKE cuModuleGetFunction(CUfunction *function, CUmodule, const char *name) {
  if (std::strcmp(name, "store_i32") != 0)
    return kNotFound;
  *function = reinterpret_cast<CUfunction>(&storeI32);
  return CUDA_SUCCESS;
}

FAKE cuLaunchKernel(CUfunction, unsigned, unsigned, unsigned, unsigned,
                    unsigned, unsigned, unsigned, CUstream, void **params,
                    void **) {
  int32_t *target = *static_cast<int32_t **>(params[0]);
  *target = *static_cast<int32_t *>(params[1]);
  return CUDA_SUCCESS;
}

FAKE cuStreamCreate(CUstream *stream, unsigned) {
  *stream = reinterpret_cast<CUstream>(&fakeStream);
  return CUDA_SUCCESS;
}

FAKE cuStreamDestroy_v2(CUstream) { return CUDA_SUCCESS; }
FAKE cuStreamSynchronize(CUstream) { return CUDA_SUCCESS; }
