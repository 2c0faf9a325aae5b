//===- q4-nvptx.cpp - quant4 -> PTX files + launch manifest ---------------===//
//
//   q4-nvptx IN.mlir -o OUT [--chip=sm_90] [--features=+ptx80]
//   [--block-threads=128] [--mma-min-rows=17] [--gemv-lanes=N] ...
//
// Runs --quant4-nvptx-pipeline on IN.mlir and writes OUT.manifest and
// OUT.<kernel module>.ptx (see lib/Target/NVPTX/KernelBundle.h), which
// lib/Runtime loads and launches on a machine without MLIR. The flags are the
// pipeline's options (lib/Tools/NVPTXFlags.h; `--help` lists them).
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/KernelBundle.h"
#include "Target/NVPTX/Pipeline.h"
#include "Tools/NVPTXFlags.h"
#include "Tools/ToolContext.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> input(cl::Positional, cl::desc("<input.mlir>"),
                                  cl::Required);
static cl::opt<std::string> output("o", cl::desc("Output prefix"),
                                   cl::value_desc("prefix"), cl::Required);

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  quant4::NVPTXPipelineOptions options;
  std::unique_ptr<quant4::PipelineFlags> flags =
      quant4::makeNVPTXFlags(options);
  cl::ParseCommandLineOptions(argc, argv, "quant4 NVPTX compiler\n");
  if (!flags->apply())
    return 1;

  mlir::quant4::ToolContext tool;
  MLIRContext &context = tool.getContext();
  OwningOpRef<ModuleOp> module = tool.parseFile(input);
  if (!module)
    return 1;

  PassManager pm(&context);
  quant4::buildNVPTXPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 1;
  return failed(quant4::writeKernelBundle(*module, output)) ? 1 : 0;
}
