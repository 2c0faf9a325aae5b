//===- CudaModule.cpp - PTX/cubin modules and kernel launches -------------===//

#include "Runtime/CudaModule.h"

#include <fstream>
#include <sstream>

namespace quant4::runtime {

using namespace cuda;

std::vector<void *> KernelArgs::pointers() {
  std::vector<void *> result;
  result.reserve(values_.size());
  for (uint64_t &value : values_)
    result.push_back(&value);
  return result;
}

/// The hardware limit on threads per block of every GPU since sm_20.
static constexpr unsigned kMaxThreadsPerBlock = 1024;

Status Kernel::launch(Dim3 grid, Dim3 block, KernelArgs &args, CUstream stream,
                      unsigned sharedBytes, int expectedArgs,
                      bool programmatic) const {
  std::string where = "launch of " + name_;
  if (grid.x == 0 || grid.y == 0 || grid.z == 0)
    return Status::error(where + ": empty grid");
  uint64_t threads = uint64_t(block.x) * block.y * block.z;
  if (threads == 0 || threads > kMaxThreadsPerBlock)
    return Status::error(where + ": " + std::to_string(threads) +
                         " threads per block (1.." +
                         std::to_string(kMaxThreadsPerBlock) + ")");
  if (expectedArgs >= 0 && args.size() != size_t(expectedArgs))
    return Status::error(where + ": " + std::to_string(args.size()) +
                         " arguments, kernel takes " +
                         std::to_string(expectedArgs));
  std::vector<void *> params = args.pointers();
  void **kernelParams = params.empty() ? nullptr : params.data();
  Status s;
  if (programmatic) {
    CUlaunchAttribute attribute{};
    attribute.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    attribute.value.programmaticStreamSerializationAllowed = 1;
    CUlaunchConfig config{grid.x,  grid.y,      grid.z, block.x,    block.y,
                          block.z, sharedBytes, stream, &attribute, 1};
    s = driver_->check(
        driver_->launchKernelEx(&config, function_, kernelParams, nullptr),
        "cuLaunchKernelEx");
  } else {
    s = driver_->check(driver_->launchKernel(
                           function_, grid.x, grid.y, grid.z, block.x, block.y,
                           block.z, sharedBytes, stream, kernelParams, nullptr),
                       "cuLaunchKernel");
  }
  if (!s)
    return Status::error(s.message() + " (" + where + ")");
  return s;
}

Status Kernel::allowDynamicSharedBytes(unsigned bytes) const {
  Status s = driver_->check(
      driver_->funcSetAttribute(function_,
                                CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                int(bytes)),
      "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)");
  if (!s)
    return Status::error(s.message() + " (kernel " + name_ + ", " +
                         std::to_string(bytes) +
                         " bytes of dynamic shared memory)");
  return s;
}

Expected<Module> Module::load(ContextRef context, const std::string &image) {
  if (!context)
    return Status::error("Module::load: no context");
  if (image.empty())
    return Status::error("Module::load: empty image");
  const CudaDriver &d = context->driver();
  // The driver reads PTX up to its NUL.
  std::string text = image;
  if (text.back() != '\0')
    text.push_back('\0');
  char log[8192] = {};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log) - 1)};
  CUmodule module = nullptr;
  Status s =
      d.check(d.moduleLoadDataEx(&module, text.data(), 2, options, values),
              "cuModuleLoadDataEx");
  if (!s)
    return Status::error(s.message() + (log[0] ? std::string(": ") + log : ""));
  return Module(
      Owned<CUmodule>(std::move(context), module, &CudaDriver::moduleUnload));
}

Expected<Module> Module::loadFile(ContextRef context, const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return Status::error("Module::loadFile: cannot open " + path);
  std::ostringstream contents;
  contents << file.rdbuf();
  Expected<Module> module = load(std::move(context), contents.str());
  if (!module)
    return Status::error(path + ": " + module.message());
  return module;
}

Expected<Kernel> Module::kernel(const std::string &name) const {
  const CudaDriver &d = module_.driver();
  CUfunction function = nullptr;
  Status s =
      d.check(d.moduleGetFunction(&function, module_.get(), name.c_str()),
              "cuModuleGetFunction");
  if (!s)
    return Status::error(s.message() + " (kernel " + name + ")");
  return Kernel(&d, function, name);
}

} // namespace quant4::runtime
