//===- AotCompiler.cpp - ahead-of-time compilation to a shared library ----===//

#include "Target/CPU/AotCompiler.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/Transforms/Passes.h"
#include "Target/CPU/Pipeline.h"
#include "Target/CPU/PlainCWrappers.h"
#include "Target/CPU/WeightArguments.h"
#include "Target/HostABI/HostObject.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::quant4;

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
      createHostTargetMachine(options.cpu, options.optLevel, error);
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

  if (kind == AotOutput::MLIR) {
    std::error_code ec;
    llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return module.emitError("cannot write '")
             << path << "': " << ec.message();
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

  if (failed(writeHostModule(*llvmModule, *machine,
                             kind == AotOutput::LLVMIR ? HostFileKind::LLVMIR
                                                       : HostFileKind::Object,
                             path, error)))
    return module.emitError(error);
  return success();
}

LogicalResult mlir::quant4::linkLibrary(StringRef objectPath,
                                        StringRef libraryPath,
                                        const AotOptions &options,
                                        const LibraryInterface &library,
                                        std::string &error) {
  std::vector<std::string> args;
  // OpenMP-lowered code calls libomp's __kmpc_* entry points.
  if (options.threads > 1)
    args.push_back("-l:libomp.so.5");
  // The archives' symbols stay inside the library, so that two libraries in
  // one process keep their own weight tables.
  if (!library.weights.empty())
    args.insert(args.end(),
                {QUANT4_WEIGHT_RUNTIME_ARCHIVE, QUANT4_FORMAT_ARCHIVE,
                 "-Wl,--exclude-libs,ALL", "-lstdc++", "-lm"});
  return linkSharedLibrary(objectPath, libraryPath, error, args);
}
