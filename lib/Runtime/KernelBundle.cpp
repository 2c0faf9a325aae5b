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

  KernelBundle bundle;
  bundle.functions_ = functions.take();
  size_t slash = manifestPath.rfind('/');
  std::string directory =
      slash == std::string::npos ? "" : manifestPath.substr(0, slash + 1);
  for (const BundleFunction &function : bundle.functions_) {
    std::vector<Kernel> kernels;
    for (const BundleLaunch &launch : function.launches) {
      std::shared_ptr<Module> &module = bundle.modules_[launch.ptxFile];
      if (!module) {
        Expected<Module> loaded =
            Module::loadFile(context, directory + launch.ptxFile);
        if (!loaded)
          return loaded.status();
        module = std::make_shared<Module>(loaded.take());
      }
      Expected<Kernel> kernel = module->kernel(launch.kernel);
      if (!kernel)
        return kernel.status();
      kernels.push_back(*kernel);
    }
    bundle.kernels_.push_back(std::move(kernels));
    std::vector<DeviceBuffer> scratch;
    for (const BundleArgument &buffer : function.scratch) {
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
  size_t index = function - functions_.data();
  const std::vector<Kernel> &kernels = kernels_[index];
  const std::vector<DeviceBuffer> &scratch = scratch_[index];
  for (size_t l = 0; l < function->launches.size(); ++l) {
    const BundleLaunch &launch = function->launches[l];
    KernelArgs args;
    for (const BundleOperand &operand : launch.operands) {
      switch (operand.kind) {
      case BundleOperand::Kind::Argument:
        args.pointer(*arguments[operand.value]);
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
    if (Status s = kernels[l].launch(launch.grid, launch.block, args, stream);
        !s)
      return s;
  }
  return Status::success();
}

} // namespace quant4::runtime
