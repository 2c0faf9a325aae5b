//===- FakeCudaModules.cpp - Modules, kernels and launches of the fake ----===//
//
// A module keeps its PTX text. It "loads" when the text starts with "//" and
// fails with CUDA_ERROR_INVALID_PTX and a JIT log otherwise;
// QUANT4_FAKE_CUDA_MODULE_LOAD=<n> makes every load return n. A kernel exists
// when its module declares `.entry <name>(`; the sizes of its parameters come
// from their `.param .<type>` declarations. The kernel "store_i32" is built in:
// it stores its second argument (i32) through its first (a pointer). Other
// launches run nothing. cuFuncSetAttribute takes a dynamic shared memory
// size up to kFakeOptInSharedBytes and fails with CUDA_ERROR_INVALID_VALUE
// above. With QUANT4_FAKE_CUDA_LOG=<file> each load, attribute and launch
// appends a line there, for tests to check:
//
//   cuModuleLoadDataEx <bytes> bytes
//   cuFuncSetAttribute <kernel> <attribute> <value>
//   cuLaunchKernel <kernel>[ pdl] grid X Y Z block X Y Z shared S stream
//     0x<stream> params 0x<p0> 0x<p1> ...          (on one line; pdl: a
//     cuLaunchKernelEx with programmatic stream serialization)
//
//===----------------------------------------------------------------------===//

#include "FakeCuda.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

using namespace quant4::runtime::cuda;

namespace {

struct FakeFunction {
  std::string name;
  std::vector<unsigned> paramBytes;
};

/// A module owns the kernels looked up in it, as the driver's do: they die
/// with cuModuleUnload.
struct FakeModule {
  std::string ptx;
  std::vector<std::unique_ptr<FakeFunction>> kernels;
};

FakeFunction storeI32{"store_i32", {8, 4}};

/// Appends `line` to $QUANT4_FAKE_CUDA_LOG, if set.
void log(const std::string &line) {
  static std::mutex mutex;
  const char *path = std::getenv("QUANT4_FAKE_CUDA_LOG");
  if (!path)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  if (FILE *file = std::fopen(path, "a")) {
    std::fprintf(file, "%s\n", line.c_str());
    std::fclose(file);
  }
}

/// The parameter sizes of `.entry name(...)` in `ptx`; false without one.
bool parseEntry(const std::string &ptx, const std::string &name,
                std::vector<unsigned> &paramBytes) {
  std::string head = ".entry " + name + "(";
  size_t start = ptx.find(head);
  if (start == std::string::npos)
    return false;
  size_t end = ptx.find(')', start);
  std::istringstream params(
      ptx.substr(start + head.size(), end - start - head.size()));
  std::string word;
  while (params >> word) {
    if (word != ".param" || !(params >> word))
      continue;
    paramBytes.push_back(
        word.size() > 2 && word.substr(word.size() - 2) == "64" ? 8 : 4);
  }
  return true;
}

/// " pdl" while cuLaunchKernelEx logs a programmatic launch.
thread_local const char *launchSuffix = "";

} // namespace

FAKE cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned count,
                        CUjit_option *options, void **values) {
  const char *text = static_cast<const char *>(image);
  log("cuModuleLoadDataEx " + std::to_string(std::strlen(text)) + " bytes");
  if (const char *forced = std::getenv("QUANT4_FAKE_CUDA_MODULE_LOAD"))
    return std::atoi(forced);
  if (fakeCaptureOngoing())
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  if (std::strncmp(text, "//", 2) == 0) {
    *module = reinterpret_cast<CUmodule>(new FakeModule{text});
    return CUDA_SUCCESS;
  }
  for (unsigned i = 0; i < count; ++i)
    if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
      std::strcpy(static_cast<char *>(values[i]), "ptxas fatal: fake error");
  return CUDA_ERROR_INVALID_PTX;
}

FAKE cuModuleUnload(CUmodule module) {
  delete reinterpret_cast<FakeModule *>(module);
  return CUDA_SUCCESS;
}

FAKE cuModuleGetFunction(CUfunction *function, CUmodule module,
                         const char *name) {
  if (std::strcmp(name, storeI32.name.c_str()) == 0) {
    *function = reinterpret_cast<CUfunction>(&storeI32);
    return CUDA_SUCCESS;
  }
  auto *owner = reinterpret_cast<FakeModule *>(module);
  auto kernel = std::make_unique<FakeFunction>(FakeFunction{name, {}});
  if (!parseEntry(owner->ptx, name, kernel->paramBytes))
    return kFakeNotFound;
  *function = reinterpret_cast<CUfunction>(kernel.get());
  owner->kernels.push_back(std::move(kernel));
  return CUDA_SUCCESS;
}

FAKE cuFuncSetAttribute(CUfunction function, CUfunction_attribute attribute,
                        int value) {
  const auto *kernel = reinterpret_cast<const FakeFunction *>(function);
  log("cuFuncSetAttribute " + kernel->name + " " + std::to_string(attribute) +
      " " + std::to_string(value));
  if (attribute != CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES ||
      value < 0 || value > kFakeOptInSharedBytes)
    return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

FAKE cuLaunchKernel(CUfunction function, unsigned gx, unsigned gy, unsigned gz,
                    unsigned bx, unsigned by, unsigned bz, unsigned shared,
                    CUstream stream, void **params, void **);

/// Logged as cuLaunchKernel with " pdl" after the kernel's name when the
/// launch asks for programmatic stream serialization (other attributes are
/// refused).
FAKE cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction function,
                      void **params, void **extra) {
  bool programmatic = false;
  for (unsigned i = 0; i < config->numAttrs; ++i) {
    if (config->attrs[i].id !=
        CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION)
      return CUDA_ERROR_INVALID_VALUE;
    programmatic =
        config->attrs[i].value.programmaticStreamSerializationAllowed != 0;
  }
  launchSuffix = programmatic ? " pdl" : "";
  CUresult result = cuLaunchKernel(
      function, config->gridDimX, config->gridDimY, config->gridDimZ,
      config->blockDimX, config->blockDimY, config->blockDimZ,
      config->sharedMemBytes, config->hStream, params, extra);
  launchSuffix = "";
  return result;
}

FAKE cuLaunchKernel(CUfunction function, unsigned gx, unsigned gy, unsigned gz,
                    unsigned bx, unsigned by, unsigned bz, unsigned shared,
                    CUstream stream, void **params, void **) {
  const auto *kernel = reinterpret_cast<const FakeFunction *>(function);
  if (kernel == &storeI32) {
    int32_t *target = *static_cast<int32_t **>(params[0]);
    *target = *static_cast<int32_t *>(params[1]);
    return CUDA_SUCCESS;
  }
  char line[256];
  std::snprintf(line, sizeof(line),
                "cuLaunchKernel %s%s grid %u %u %u block %u %u %u shared %u "
                "stream %p params",
                kernel->name.c_str(), launchSuffix, gx, gy, gz, bx, by, bz,
                shared, static_cast<void *>(stream));
  std::string text = line;
  for (size_t i = 0; i < kernel->paramBytes.size(); ++i) {
    uint64_t value = 0;
    std::memcpy(&value, params[i], kernel->paramBytes[i]);
    std::snprintf(line, sizeof(line), " 0x%" PRIx64, value);
    text += line;
  }
  log(text);
  return CUDA_SUCCESS;
}
