//===- q4-nvptx.cpp - quant4 -> PTX files + launch manifest ---------------===//
//
//   q4-nvptx IN.mlir -o OUT [--chip=sm_90] [--features=+ptx80]
//   [--block-threads=128] [--mma-min-rows=17]
//
// Runs --quant4-nvptx-pipeline on IN.mlir and writes OUT.manifest and
// OUT.<kernel module>.ptx (see lib/Target/NVPTX/KernelBundle.h), which
// lib/Runtime loads and launches on a machine without MLIR.
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/KernelBundle.h"
#include "Target/NVPTX/Pipeline.h"
#include "Tools/ToolContext.h"
#include "mlir/IR/DialectRegistry.h"
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
static cl::opt<int64_t>
    mmaMinRows("mma-min-rows",
               cl::desc("Smallest M of the tensor-core GEMM kernel (0 = "
                        "off)"),
               cl::init(17));
static cl::opt<std::string> chip("chip", cl::desc("GPU architecture"),
                                 cl::init("sm_90"));
static cl::opt<std::string> features("features", cl::desc("PTX features"),
                                     cl::init("+ptx80"));
static cl::opt<int64_t> threads("block-threads", cl::desc("Threads per block"),
                                cl::init(128));
static cl::opt<int64_t> lanes("lanes",
                              cl::desc("Threads sharing one output at M = 1 "
                                       "(split-K; 1 = one thread per output)"),
                              cl::init(32));
static cl::opt<int64_t>
    gemvLanes("gemv-lanes",
              cl::desc("GEMV kernel (M <= 16): lanes per output column "
                       "(0 = default)"),
              cl::init(0));
static cl::opt<int64_t>
    gemvCols("gemv-cols-per-thread",
             cl::desc("GEMV kernel: output columns per thread (0 = "
                      "default)"),
             cl::init(0));
static cl::opt<int64_t> gemvUnroll("gemv-unroll",
                                   cl::desc("GEMV kernel: K blocks per lane "
                                            "and loop trip (0 = default)"),
                                   cl::init(0));
static cl::opt<int64_t>
    gemvUnitLanes("gemv-unit-lanes",
                  cl::desc("GEMV kernel: lanes sharing one block's decoder "
                           "units (0 = default)"),
                  cl::init(0));
static cl::opt<int64_t> mmaGemvMaxRows(
    "mma-gemv-max-rows",
    cl::desc("Q4_K matmuls with f32 activations and at most this many rows "
             "(<= 16) get the tensor-core GEMV kernel (0 = off)"),
    cl::init(16));
static cl::opt<int64_t>
    mmaGemvMinRows("mma-gemv-min-rows",
                   cl::desc("Tensor-core GEMV: smallest M it takes"),
                   cl::init(2));
static cl::opt<int64_t>
    mmaGemvWarps("mma-gemv-warps",
                 cl::desc("Tensor-core GEMV: warps per launch block (0 = "
                          "by shape)"),
                 cl::init(0));
static cl::opt<int64_t>
    mmaGemvUnroll("mma-gemv-unroll",
                  cl::desc("Tensor-core GEMV: K blocks a warp loads at once "
                           "(0 = by shape)"),
                  cl::init(0));
static cl::opt<int64_t> mmaDecodeOnce(
    "mma-decode-once-min-rows",
    cl::desc("Tensor-core kernel: from this M on the weights are decoded "
             "to f16 once, first (0 = never, -1 = per format: 64 for MXFP4, "
             "512 for the others)"),
    cl::init(-1));
static cl::opt<int64_t> mmaAsyncStages(
    "mma-async-stages",
    cl::desc("Tensor-core kernel on decoded-once weights: cp.async stages "
             "(0 = default)"),
    cl::init(0));
static cl::opt<int64_t> mmaAsyncStepK(
    "mma-async-step-k",
    cl::desc("Tensor-core kernel on decoded-once weights: K values per "
             "step, 32 or 64 (0 = default)"),
    cl::init(0));
static cl::opt<int64_t> mmaAsyncWarpsM(
    "mma-async-warps-m",
    cl::desc("Tensor-core kernel on decoded-once weights, M > 64: 64 x 64 "
             "warps along M (0 = default)"),
    cl::init(0));
static cl::opt<int64_t> mmaAsyncWarpsN(
    "mma-async-warps-n",
    cl::desc("Tensor-core kernel on decoded-once weights, M > 64: 64 x 64 "
             "warps along N (0 = default)"),
    cl::init(0));
static cl::opt<int64_t>
    gemvUnitValues("gemv-unit-values",
                   cl::desc("GEMV kernel: values per decoder unit (0 = "
                            "default)"),
                   cl::init(0));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "quant4 NVPTX compiler\n");

  mlir::quant4::ToolContext tool;
  MLIRContext &context = tool.getContext();
  OwningOpRef<ModuleOp> module = tool.parseFile(input);
  if (!module)
    return 1;

  PassManager pm(&context);
  quant4::NVPTXPipelineOptions options;
  options.mmaMinRows = mmaMinRows;
  options.mmaGemvMaxRows = mmaGemvMaxRows;
  options.mmaGemvMinRows = mmaGemvMinRows;
  options.mmaGemvWarps = mmaGemvWarps;
  options.mmaGemvUnroll = mmaGemvUnroll;
  options.mmaDecodeOnceMinRows = mmaDecodeOnce;
  options.mmaAsyncStages = mmaAsyncStages;
  options.mmaAsyncStepK = mmaAsyncStepK;
  options.mmaAsyncWarpsM = mmaAsyncWarpsM;
  options.mmaAsyncWarpsN = mmaAsyncWarpsN;
  options.chip = chip;
  options.features = features;
  options.threads = threads;
  options.lanes = lanes;
  options.gemvLanes = gemvLanes;
  options.gemvColsPerThread = gemvCols;
  options.gemvUnroll = gemvUnroll;
  options.gemvUnitLanes = gemvUnitLanes;
  options.gemvUnitValues = gemvUnitValues;
  quant4::buildNVPTXPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 1;
  return failed(quant4::writeKernelBundle(*module, output)) ? 1 : 0;
}
