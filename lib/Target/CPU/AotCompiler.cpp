//===- AotCompiler.cpp - ahead-of-time compilation to a shared library ----===//

#include "Target/CPU/AotCompiler.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/Transforms/Passes.h"
#include "Target/CPU/Pipeline.h"
#include "Target/CPU/PlainCWrappers.h"
#include "Target/CPU/WeightArguments.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::quant4;

std::unique_ptr<llvm::TargetMachine>
mlir::quant4::createHostTargetMachine(const AotOptions &options,
                                      std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = options.cpu;
  std::string features;
  if (cpu == "host") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features += (feature.second ? "+" : "-") + feature.first().str() + ",";
  }
  llvm::CodeGenOptLevel level = options.optLevel >= 3
                                    ? llvm::CodeGenOptLevel::Aggressive
                                    : llvm::CodeGenOptLevel::Default;
  return std::unique_ptr<llvm::TargetMachine>(
      target->createTargetMachine(triple, cpu, features, llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt, level));
}

/// Sets up `library` for `options`: its name and weights directory (made
/// absolute, so that a library loaded from elsewhere still finds the files).
static void initLibrary(const AotOptions &options, LibraryInterface &library) {
  library = LibraryInterface();
  library.name = options.libraryName;
  library.weightsMode = options.weights;
  SmallString<256> dir(options.weightsDir.empty() ? "." : options.weightsDir);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  library.weightsDir = std::string(dir);
}

/// An entry point whose symbol is one of the library functions' is an error.
static LogicalResult checkNames(func::FuncOp func,
                                const LibraryInterface &library) {
  std::string symbol = plainCName(func.getSymName().str());
  if (symbol == library.errorFunction() || symbol == library.initFunction())
    return func.emitError("entry point ")
           << symbol << " would clash with the library function of '"
           << library.name << "'; rename the function or the library";
  return success();
}

LogicalResult mlir::quant4::compileToFile(ModuleOp module,
                                          ArrayRef<std::string> entries,
                                          const AotOptions &options,
                                          AotOutput kind, StringRef path,
                                          LibraryInterface &library) {
  FailureOr<SmallVector<func::FuncOp>> funcs = collectEntries(module, entries);
  if (failed(funcs))
    return failure();
  initLibrary(options, library);
  for (func::FuncOp func : *funcs) {
    FailureOr<EntrySignature> signature =
        prepareEntry(func, /*allowDynamicDims=*/true);
    if (failed(signature) || failed(checkNames(func, library)))
      return failure();
    library.entries.push_back(std::move(*signature));
  }

  PassManager pm(module.getContext());
  bool hasWeights =
      module.walk([](WeightOp) { return WalkResult::interrupt(); })
          .wasInterrupted();
  if (hasWeights && library.loadsWeights()) {
    // Each entry takes its weights as arguments the wrapper binds to the
    // model files when the library is first used.
    if (failed(bindWeightArguments(module, *funcs, library)))
      return failure();
  } else if (hasWeights) {
    // Weights named in model files are read now and embedded.
    Quant4ImportWeightsOptions importOptions;
    importOptions.baseDir = options.weightsDir;
    pm.addPass(createQuant4ImportWeights(importOptions));
  }
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createHostTargetMachine(options, error);
  if (!machine)
    return module.emitError("no target machine: ") << error;
  CPUPipelineOptions pipelineOptions;
  pipelineOptions.threads = options.threads;
  pipelineOptions.activations = options.activations;
  pipelineOptions.x86Int8Dot =
      machine->getMCSubtargetInfo()->checkFeatures("+avx2");
  buildCPUPipeline(pm, pipelineOptions);
  if (failed(pm.run(module)))
    return failure();

  std::error_code ec;
  llvm::ToolOutputFile out(path, ec,
                           kind == AotOutput::Object ? llvm::sys::fs::OF_None
                                                     : llvm::sys::fs::OF_Text);
  if (ec)
    return module.emitError("cannot write '") << path << "': " << ec.message();
  if (kind == AotOutput::MLIR) {
    module.print(out.os());
    out.keep();
    return success();
  }

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return module.emitError("translation to LLVM IR failed");
  if (!addPlainCWrappers(*llvmModule, library, error))
    return module.emitError(error);
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  if (llvm::Error err = makeOptimizingTransformer(
          options.optLevel,
          /*sizeLevel=*/0, machine.get())(llvmModule.get()))
    return module.emitError("LLVM optimization failed: ")
           << llvm::toString(std::move(err));

  if (kind == AotOutput::LLVMIR) {
    llvmModule->print(out.os(), nullptr);
    out.keep();
    return success();
  }
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, out.os(), nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return module.emitError("the target cannot emit object files");
  codegen.run(*llvmModule);
  out.keep();
  return success();
}

std::vector<std::string>
mlir::quant4::runtimeLinkArgs(const LibraryInterface &library) {
  if (library.weights.empty())
    return {};
  // The archives' symbols stay inside the library, so that two libraries in
  // one process keep their own weight tables.
  return {QUANT4_WEIGHT_RUNTIME_ARCHIVE, QUANT4_FORMAT_ARCHIVE,
          "-Wl,--exclude-libs,ALL", "-lstdc++", "-lm"};
}

LogicalResult mlir::quant4::linkSharedLibrary(StringRef objectPath,
                                              StringRef libraryPath,
                                              const AotOptions &options,
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
  // OpenMP-lowered code calls libomp's __kmpc_* entry points.
  if (options.threads > 1)
    args.push_back("-l:libomp.so.5");
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
