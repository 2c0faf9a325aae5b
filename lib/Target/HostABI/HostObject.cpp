//===- HostObject.cpp - host code to a shared library ---------------------===//

#include "Target/HostABI/HostObject.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::quant4;

std::unique_ptr<llvm::TargetMachine>
mlir::quant4::createHostTargetMachine(StringRef cpu, unsigned optLevel,
                                      std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpuName = cpu.str();
  std::string features;
  if (cpuName == "host") {
    cpuName = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features += (feature.second ? "+" : "-") + feature.first().str() + ",";
  }
  llvm::CodeGenOptLevel level = optLevel >= 3
                                    ? llvm::CodeGenOptLevel::Aggressive
                                    : llvm::CodeGenOptLevel::Default;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, cpuName, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, level));
}

LogicalResult mlir::quant4::writeHostModule(llvm::Module &module,
                                            llvm::TargetMachine &machine,
                                            HostFileKind kind, StringRef path,
                                            std::string &error) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec,
                           kind == HostFileKind::LLVMIR
                               ? llvm::sys::fs::OF_Text
                               : llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  if (kind == HostFileKind::LLVMIR) {
    module.print(out.os(), nullptr);
  } else {
    llvm::legacy::PassManager codegen;
    if (machine.addPassesToEmitFile(codegen, out.os(), nullptr,
                                    llvm::CodeGenFileType::ObjectFile)) {
      error = "the host target cannot emit object files";
      return failure();
    }
    codegen.run(module);
  }
  out.keep();
  return success();
}

LogicalResult mlir::quant4::linkSharedLibrary(StringRef objectPath,
                                              StringRef libraryPath,
                                              std::string &error,
                                              ArrayRef<std::string> extraArgs) {
  std::string driver;
  for (StringRef name : {"cc", "clang", "gcc"}) {
    llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName(name);
    if (!path)
      path = llvm::sys::findProgramByName(name, {QUANT4_LLVM_TOOLS_DIR});
    if (path) {
      driver = *path;
      break;
    }
  }
  if (driver.empty()) {
    error = "no C compiler driver (cc, clang, gcc) found to link with";
    return failure();
  }
  std::string output = libraryPath.str(), object = objectPath.str();
  SmallVector<StringRef> args = {driver, "-shared", "-o", output, object};
  args.append(extraArgs.begin(), extraArgs.end());
  int rc =
      llvm::sys::ExecuteAndWait(driver, args, std::nullopt, {}, 0, 0, &error);
  if (rc != 0) {
    if (error.empty())
      error = driver + " failed with exit code " + std::to_string(rc);
    return failure();
  }
  return success();
}
