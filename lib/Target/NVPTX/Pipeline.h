//===- Pipeline.h - quant4 NVPTX compile pipeline ---------------*- C++ -*-===//
//
// --quant4-nvptx-pipeline: quant4 -> linalg (Quant4ToLinalg, decode inside the
// reduction) -> K blocks split over lanes (partial sums + a sum) ->
// bufferization (the result becomes an out-parameter) -> parallel loops ->
// blocks x threads, innermost dimension on x ->
// gpu.launch_func + gpu.module -> NVVM -> PTX in a gpu.binary.
//
// The host function that remains calls each kernel with gpu.launch_func on
// its own memref arguments; KernelBundle.h writes that down for lib/Runtime.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_TARGET_NVPTX_PIPELINE_H
#define QUANT4_TARGET_NVPTX_PIPELINE_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::quant4 {

struct NVPTXPipelineOptions : PassPipelineOptions<NVPTXPipelineOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("GPU architecture"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{*this, "features",
                               llvm::cl::desc("PTX features (ISA version)"),
                               llvm::cl::init("+ptx80")};
  Option<int64_t> threads{*this, "threads", llvm::cl::desc("Threads per block"),
                          llvm::cl::init(128)};
  Option<int64_t> lanes{
      *this, "lanes",
      llvm::cl::desc("Threads sharing one output's K blocks at M = 1 (split "
                     "reduction; 1 = one thread per output)"),
      llvm::cl::init(32)};
  Option<std::string> activations{
      *this, "activations",
      llvm::cl::desc("Activation mode for the matmuls that leave it open "
                     "and that the GEMV kernel takes (M <= gemv-max-rows; "
                     "quant4-set-activations): f32 or q8_k (empty = leave)"),
      llvm::cl::init("")};
  Option<int64_t> gemvMaxRows{
      *this, "gemv-max-rows",
      llvm::cl::desc("Matmuls with at most this many rows get the GEMV "
                     "kernel (quant4-gpu-gemv; 0 = split-K path for all)"),
      llvm::cl::init(16)};
  Option<int64_t> gemvLanes{
      *this, "gemv-lanes",
      llvm::cl::desc("GEMV kernel: lanes per output column (0 = default)"),
      llvm::cl::init(0)};
  Option<int64_t> gemvColsPerThread{
      *this, "gemv-cols-per-thread",
      llvm::cl::desc("GEMV kernel: columns per thread (0 = default)"),
      llvm::cl::init(0)};
  Option<int64_t> gemvUnroll{
      *this, "gemv-unroll",
      llvm::cl::desc("GEMV kernel: K blocks per lane and loop trip (0 = "
                     "default)"),
      llvm::cl::init(0)};
  Option<int64_t> gemvUnitLanes{
      *this, "gemv-unit-lanes",
      llvm::cl::desc("GEMV kernel: lanes sharing one block's decoder units "
                     "(0 = default)"),
      llvm::cl::init(0)};
  Option<int64_t> gemvUnitValues{
      *this, "gemv-unit-values",
      llvm::cl::desc("GEMV kernel: values per decoder unit (0 = "
                     "default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaGemvMaxRows{
      *this, "mma-gemv-max-rows",
      llvm::cl::desc("Q4_K (f32 or Q8_K activations), NF4 and MXFP4 (f32) "
                     "matmuls with at most this many rows (<= 64, N a "
                     "multiple of 16) get the tensor-core GEMV kernel "
                     "(quant4-gpu-mma-gemv; 0 = off); it runs before the "
                     "GEMV kernel"),
      llvm::cl::init(16)};
  Option<int64_t> mmaGemvMinRows{
      *this, "mma-gemv-min-rows",
      llvm::cl::desc("Tensor-core GEMV: smallest M it takes (0 = by format: "
                     "1 for MXFP4, 2 for Q4_K and NF4)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaGemvWarps{
      *this, "mma-gemv-warps",
      llvm::cl::desc("Tensor-core GEMV: warps per launch block (0 = by "
                     "shape)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaGemvUnroll{
      *this, "mma-gemv-unroll",
      llvm::cl::desc("Tensor-core GEMV: K blocks a warp loads at once (0 = "
                     "by shape)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaGemvColTiles{
      *this, "mma-gemv-col-tiles",
      llvm::cl::desc("Tensor-core GEMV: 16-column tiles per launch block, "
                     "sharing each x load (0 = by shape)"),
      llvm::cl::init(0)};
  Option<bool> programmaticLaunch{
      *this, "programmatic-launch",
      llvm::cl::desc("On sm_90 and later, launch a GEMV's kernel after its "
                     "activation launch with programmatic stream "
                     "serialization (griddepcontrol.wait in the kernel, "
                     "'pdl' in the manifest)"),
      llvm::cl::init(true)};
  Option<int64_t> mmaMinRows{
      *this, "mma-min-rows",
      llvm::cl::desc("Matmuls with at least this many rows get the tensor-core "
                     "GEMM kernel (quant4-gpu-mma-gemm; 0 = off); it runs "
                     "before the GEMV kernel"),
      llvm::cl::init(17)};
  Option<int64_t> mmaDecodeOnceMinRows{
      *this, "mma-decode-once-min-rows",
      llvm::cl::desc("Tensor-core kernel: from this M on the weights are "
                     "decoded to f16 once, first (0 = never, -1 = per "
                     "format)"),
      llvm::cl::init(-1)};
  Option<int64_t> mmaAsyncStages{
      *this, "mma-async-stages",
      llvm::cl::desc("Tensor-core kernel on decoded-once weights: cp.async "
                     "stages (0 = the pass's default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaAsyncStepK{
      *this, "mma-async-step-k",
      llvm::cl::desc("Tensor-core kernel on decoded-once weights: K values "
                     "per step, 32 or 64 (0 = the pass's default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaAsyncWarpsM{
      *this, "mma-async-warps-m",
      llvm::cl::desc("Tensor-core kernel on decoded-once weights, M > 64: "
                     "64 x 64 warps along M (0 = the pass's default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaAsyncWarpsN{
      *this, "mma-async-warps-n",
      llvm::cl::desc("Tensor-core kernel on decoded-once weights, M > 64: "
                     "64 x 64 warps along N (0 = the pass's default)"),
      llvm::cl::init(0)};
  Option<bool> mmaWgmma{
      *this, "mma-wgmma",
      llvm::cl::desc("On sm_90a, the tensor-core GEMM at M > 64 multiplies "
                     "with wgmma.mma_async"),
      llvm::cl::init(true)};
  Option<int64_t> mmaWgmmaStages{
      *this, "mma-wgmma-stages",
      llvm::cl::desc("wgmma kernel: cp.async stages (0 = the pass's "
                     "default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaWgmmaWarpgroups{
      *this, "mma-wgmma-warpgroups",
      llvm::cl::desc("wgmma kernel: warpgroups of 64 rows (0 = the pass's "
                     "default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaWgmmaMTiles{
      *this, "mma-wgmma-m-tiles",
      llvm::cl::desc("wgmma kernel: m64 tiles per warpgroup (0 = the "
                     "pass's default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaWgmmaTileN{
      *this, "mma-wgmma-tile-n",
      llvm::cl::desc("wgmma kernel: columns of a launch block's tile (0 = "
                     "the pass's default)"),
      llvm::cl::init(0)};
  Option<int64_t> mmaWgmmaDecodeMaxRows{
      *this, "mma-wgmma-decode-max-rows",
      llvm::cl::desc(
          "wgmma kernel on Q4_K and NF4 weights: up to this M, decode "
          "the blocks in the kernel instead of a first launch to "
          "f16 (-1 = the pass's default, 0 = never)"),
      llvm::cl::init(-1)};
  Option<bool> emitBinary{
      *this, "emit-binary",
      llvm::cl::desc("End with gpu-module-to-binary (PTX text); off stops "
                     "at the NVVM dialect"),
      llvm::cl::init(true)};

  /// The options above by name, for tools that take them as flags
  /// (lib/Tools/PipelineFlags.h) instead of declaring them again.
  const auto &optionsByName() const { return OptionsMap; }
};

/// Stages of the pipeline, each usable on its own (lit tests run them one
/// by one).
void buildNVPTXBufferizeStage(OpPassManager &pm,
                              const NVPTXPipelineOptions &options);
void buildNVPTXMapToGPUStage(OpPassManager &pm,
                             const NVPTXPipelineOptions &options);
void buildNVPTXToNVVMStage(OpPassManager &pm,
                           const NVPTXPipelineOptions &options);

/// All stages, then gpu-module-to-binary{format=isa} when emitBinary.
void buildNVPTXPipeline(OpPassManager &pm, const NVPTXPipelineOptions &options);

/// Registers --quant4-nvptx-pipeline, its stages
/// (--quant4-nvptx-bufferize, --quant4-nvptx-map-to-gpu,
/// --quant4-nvptx-to-nvvm) and the GPU passes.
void registerNVPTXPipeline();

/// The NVVM target and the LLVM IR translations gpu-module-to-binary needs.
void registerNVPTXDialectExtensions(DialectRegistry &registry);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_PIPELINE_H
