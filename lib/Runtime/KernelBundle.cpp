//===- KernelBundle.cpp - Run what q4-nvptx compiled ----------------------===//

#include "Runtime/KernelBundle.h"

#include <fstream>
#include <sstream>

namespace quant4::runtime {

Expected<KernelBundle> KernelBundle::load(ContextRef context,
                                          const std::string &manifestPath) {
  std::ifstream file(manifestPath);
  if (!file)
    return Status::error("KernelBundle::load: cannot open " + manifestPath);
  std::ostringstream text;
  text << file.rdbuf();
  Expected<std::vector<BundleFunction>> functions =
      parseBundleManifest(text.str());
  if (!functions)
    return Status::error(manifestPath + ": " + functions.message());
  size_t slash = manifestPath.rfind('/');
  std::string directory =
      slash == std::string::npos ? "" : manifestPath.substr(0, slash + 1);
  return build(std::move(context), functions.take(),
               [&](const std::string &ptxFile) -> Expected<std::string> {
                 std::string path = directory + ptxFile;
                 std::ifstream ptx(path, std::ios::binary);
                 if (!ptx)
                   return Status::error("KernelBundle::load: cannot open " +
                                        path);
                 std::ostringstream contents;
                 contents << ptx.rdbuf();
                 return contents.str();
               });
}

Expected<KernelBundle> KernelBundle::create(ContextRef context,
                                            const std::string &manifest,
                                            const ImageLookup &lookup,
                                            bool allocateScratch) {
  Expected<std::vector<BundleFunction>> functions =
      parseBundleManifest(manifest);
  if (!functions)
    return functions.status();
  return build(std::move(context), functions.take(), lookup, allocateScratch);
}

/// Lets `kernel` launch with `bytes` of dynamic shared memory. Without an
/// opt-in a launch block gets 48 KiB of static and dynamic shared memory
/// together, so any dynamic size opts in (a kernel with 49152 dynamic bytes
/// and 1 static byte fails its launch otherwise); a refusal names the
/// device's limit where the driver tells it (asked first, so that the
/// refusal's CUresult is the one q4rt_launch reports).
static Status allowSharedBytes(const ContextRef &context, const Kernel &kernel,
                               unsigned bytes) {
  if (bytes == 0)
    return Status::success();
  Expected<int> limit = context->attribute(
      cuda::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
  Status s = kernel.allowDynamicSharedBytes(bytes);
  if (s || !limit)
    return s;
  return Status::error(s.message() + "; the device allows " +
                       std::to_string(*limit) + " bytes per block");
}

Expected<KernelBundle>
KernelBundle::build(ContextRef context, std::vector<BundleFunction> functions,
                    const ImageLookup &lookup, bool allocateScratch) {
  KernelBundle bundle;
  bundle.functions_ = std::move(functions);
  for (const BundleFunction &function : bundle.functions_) {
    std::vector<Kernel> kernels;
    for (const BundleLaunch &launch : function.launches) {
      std::shared_ptr<Module> &module = bundle.modules_[launch.ptxFile];
      if (!module) {
        Expected<std::string> image = lookup(launch.ptxFile);
        if (!image)
          return image.status();
        Expected<Module> loaded = Module::load(context, *image);
        if (!loaded)
          return Status::error(launch.ptxFile + ": " + loaded.message());
        module = std::make_shared<Module>(loaded.take());
      }
      Expected<Kernel> kernel = module->kernel(launch.kernel);
      if (!kernel)
        return kernel.status();
      if (Status s = allowSharedBytes(context, *kernel, launch.sharedBytes); !s)
        return Status::error(launch.ptxFile + ": " + s.message());
      kernels.push_back(*kernel);
    }
    bundle.kernels_.push_back(std::move(kernels));
    std::vector<DeviceBuffer> scratch;
    for (const BundleArgument &buffer :
         allocateScratch ? function.scratch : std::vector<BundleArgument>()) {
      Expected<DeviceBuffer> allocated =
          DeviceBuffer::allocate(context, buffer.bytes);
      if (!allocated)
        return allocated.status();
      scratch.push_back(allocated.take());
    }
    bundle.scratch_.push_back(std::move(scratch));
  }
  return bundle;
}

const BundleFunction *KernelBundle::function(const std::string &name) const {
  for (const BundleFunction &function : functions_)
    if (function.name == name)
      return &function;
  return nullptr;
}

Status KernelBundle::run(const std::string &name,
                         const std::vector<const DeviceBuffer *> &arguments,
                         const Stream &stream) const {
  const BundleFunction *function = this->function(name);
  if (!function)
    return Status::error("KernelBundle::run: no function " + name);
  if (arguments.size() != function->arguments.size())
    return Status::error("KernelBundle::run: " + name + " takes " +
                         std::to_string(function->arguments.size()) +
                         " arguments, got " + std::to_string(arguments.size()));
  for (size_t i = 0; i < arguments.size(); ++i)
    if (!arguments[i] || arguments[i]->size() < function->arguments[i].bytes)
      return Status::error("KernelBundle::run: argument " + std::to_string(i) +
                           " of " + name + " needs " +
                           std::to_string(function->arguments[i].bytes) +
                           " bytes (" + function->arguments[i].type + ")");
  std::vector<cuda::CUdeviceptr> pointers;
  for (const DeviceBuffer *argument : arguments)
    pointers.push_back(argument->get());
  return run(size_t(function - functions_.data()), pointers, stream.get());
}

Status KernelBundle::run(size_t index,
                         const std::vector<cuda::CUdeviceptr> &arguments,
                         cuda::CUstream stream) const {
  std::vector<cuda::CUdeviceptr> scratch;
  if (index < scratch_.size())
    for (const DeviceBuffer &buffer : scratch_[index])
      scratch.push_back(buffer.get());
  return run(index, arguments, scratch, stream);
}

Status KernelBundle::run(size_t index,
                         const std::vector<cuda::CUdeviceptr> &arguments,
                         const std::vector<cuda::CUdeviceptr> &scratch,
                         cuda::CUstream stream) const {
  if (index >= functions_.size())
    return Status::error("KernelBundle::run: no function " +
                         std::to_string(index));
  const BundleFunction &function = functions_[index];
  if (arguments.size() != function.arguments.size())
    return Status::error("KernelBundle::run: " + function.name + " takes " +
                         std::to_string(function.arguments.size()) +
                         " arguments, got " + std::to_string(arguments.size()));
  if (scratch.size() != function.scratch.size())
    return Status::error("KernelBundle::run: " + function.name + " has " +
                         std::to_string(function.scratch.size()) +
                         " scratch buffers, got " +
                         std::to_string(scratch.size()));
  const std::vector<Kernel> &kernels = kernels_[index];
  for (size_t l = 0; l < function.launches.size(); ++l) {
    const BundleLaunch &launch = function.launches[l];
    KernelArgs args;
    for (const BundleOperand &operand : launch.operands) {
      switch (operand.kind) {
      case BundleOperand::Kind::Argument:
        args.pointer(arguments[operand.value]);
        break;
      case BundleOperand::Kind::Scratch:
        args.pointer(scratch[operand.value]);
        break;
      case BundleOperand::Kind::I64:
        args.i64(operand.value);
        break;
      case BundleOperand::Kind::I32:
        args.i32(int32_t(operand.value));
        break;
      case BundleOperand::Kind::F32:
        args.i32(int32_t(uint32_t(operand.value)));
        break;
      }
    }
    if (Status s =
            kernels[l].launch(launch.grid, launch.block, args, stream,
                              launch.sharedBytes, -1, launch.programmatic);
        !s)
      return s;
  }
  return Status::success();
}

} // namespace quant4::runtime
