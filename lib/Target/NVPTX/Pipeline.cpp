//===- Pipeline.cpp - quant4 NVPTX compile pipeline -----------------------===//

#include "Target/NVPTX/Pipeline.h"
#include "Conversion/Quant4ToLinalg/Quant4ToLinalg.h"
#include "Dialect/Quant4/Transforms/Passes.h"
#include "Target/NVPTX/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToGPU/SCFToGPUPass.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::quant4;

static void addCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// The <major><minor> of `chip` (sm_<major><minor>[a|f]), 0 if malformed.
static unsigned getChipVersion(StringRef chip) {
  unsigned version = 0;
  if (!chip.consume_front("sm_") ||
      chip.take_while(llvm::isDigit).getAsInteger(10, version))
    return 0;
  return version;
}

/// Whether `chip` has griddepcontrol: sm_90 on.
static bool hasGridDependencyControl(StringRef chip) {
  return getChipVersion(chip) >= 90;
}

/// Whether `chip` has wgmma.mma_async: only sm_90a (the architecture-
/// specific features of sm_90; sm_100a dropped wgmma).
static bool hasWarpgroupMma(StringRef chip) { return chip == "sm_90a"; }

void mlir::quant4::buildNVPTXBufferizeStage(
    OpPassManager &pm, const NVPTXPipelineOptions &options) {
  // Q8_K activations where the GEMV kernel takes them (M <= gemv-max-rows).
  if (!options.activations.empty()) {
    Quant4SetActivationsOptions activations;
    activations.mode = options.activations;
    activations.maxRows = options.gemvMaxRows;
    pm.addPass(createQuant4SetActivations(activations));
  }
  if (options.mmaMinRows > 0) {
    Quant4GPUMmaGemmOptions mma;
    mma.minRows = options.mmaMinRows;
    mma.decodeOnceMinRows = options.mmaDecodeOnceMinRows;
    for (auto [knob, option] :
         {std::pair(&mma.asyncStages, options.mmaAsyncStages.getValue()),
          std::pair(&mma.asyncStepK, options.mmaAsyncStepK.getValue()),
          std::pair(&mma.asyncWarpsM, options.mmaAsyncWarpsM.getValue()),
          std::pair(&mma.asyncWarpsN, options.mmaAsyncWarpsN.getValue()),
          std::pair(&mma.wgmmaStages, options.mmaWgmmaStages.getValue()),
          std::pair(&mma.wgmmaWarpgroups,
                    options.mmaWgmmaWarpgroups.getValue()),
          std::pair(&mma.wgmmaMTiles, options.mmaWgmmaMTiles.getValue()),
          std::pair(&mma.wgmmaTileN, options.mmaWgmmaTileN.getValue())})
      if (option > 0)
        *knob = option;
    mma.wgmma = options.mmaWgmma && hasWarpgroupMma(options.chip);
    if (options.mmaWgmmaDecodeMaxRows >= 0)
      mma.wgmmaDecodeMaxRows = options.mmaWgmmaDecodeMaxRows;
    pm.addNestedPass<func::FuncOp>(createQuant4GPUMmaGemm(mma));
  }
  if (options.mmaGemvMaxRows > 0) {
    Quant4GPUMmaGemvOptions mmaGemv;
    mmaGemv.minRows = options.mmaGemvMinRows;
    mmaGemv.maxRows = options.mmaGemvMaxRows;
    mmaGemv.warps = options.mmaGemvWarps;
    mmaGemv.colTiles = options.mmaGemvColTiles;
    mmaGemv.unroll = options.mmaGemvUnroll;
    mmaGemv.pdl =
        options.programmaticLaunch && hasGridDependencyControl(options.chip);
    pm.addNestedPass<func::FuncOp>(createQuant4GPUMmaGemv(mmaGemv));
  }
  if (options.gemvMaxRows > 0) {
    Quant4GPUGemvOptions gemv;
    gemv.maxRows = options.gemvMaxRows;
    gemv.threads = options.threads;
    gemv.lanes = options.gemvLanes;
    gemv.colsPerThread = options.gemvColsPerThread;
    gemv.unroll = options.gemvUnroll;
    gemv.unitLanes = options.gemvUnitLanes;
    gemv.unitValues = options.gemvUnitValues;
    gemv.pdl =
        options.programmaticLaunch && hasGridDependencyControl(options.chip);
    pm.addNestedPass<func::FuncOp>(createQuant4GPUGemv(gemv));
  }
  pm.addPass(createConvertQuant4ToLinalg());
  addCleanup(pm);
  if (options.lanes > 1) {
    Quant4GPUSplitReductionOptions split;
    split.lanes = options.lanes;
    pm.addNestedPass<func::FuncOp>(createQuant4GPUSplitReduction(split));
    addCleanup(pm);
  }
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  // Loops over buffers; the accumulator's zero fill joins the reduction loop
  // while the result is still a fresh allocation (no aliasing with the
  // arguments), then the result becomes an out-parameter.
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addPass(memref::createFoldMemRefAliasOpsPass());
  addCleanup(pm);
  pm.addNestedPass<func::FuncOp>(createParallelLoopFusionPass());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  addCleanup(pm);
}

void mlir::quant4::buildNVPTXMapToGPUStage(
    OpPassManager &pm, const NVPTXPipelineOptions &options) {
  Quant4GPUTileParallelLoopsOptions tile;
  tile.threads = options.threads;
  pm.addNestedPass<func::FuncOp>(createQuant4GPUTileParallelLoops(tile));
  pm.addPass(createConvertParallelLoopToGpuPass());
  pm.addPass(createLowerAffinePass());
  addCleanup(pm);
  pm.addNestedPass<func::FuncOp>(createQuant4GPUSinkConstants());
  pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  addCleanup(pm);
}

void mlir::quant4::buildNVPTXToNVVMStage(OpPassManager &pm,
                                         const NVPTXPipelineOptions &options) {
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addNestedPass<gpu::GPUModuleOp>(createQuant4GPUMarkKernelArgs());
  pm.addNestedPass<gpu::GPUModuleOp>(createLoopInvariantCodeMotionPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createSCFToControlFlowPass());
  // Vector ops of the GEMV decoders (Q4_K's 16-byte code reads): transfers
  // become loads, then LLVM ops, before the memrefs become bare pointers.
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertVectorToLLVMPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertNVGPUToNVVMPass());
  ConvertGpuOpsToNVVMOpsOptions toNVVM;
  toNVVM.useBarePtrCallConv = true;
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps(toNVVM));
  // NVVM ops that are PTX written inline (wgmma.mma_async).
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertNVVMToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::quant4::buildNVPTXPipeline(OpPassManager &pm,
                                      const NVPTXPipelineOptions &options) {
  buildNVPTXBufferizeStage(pm, options);
  buildNVPTXMapToGPUStage(pm, options);
  buildNVPTXToNVVMStage(pm, options);
  if (options.emitBinary) {
    GpuModuleToBinaryPassOptions binary;
    binary.compilationTarget = "isa";
    pm.addPass(createGpuModuleToBinaryPass(binary));
  }
}

void mlir::quant4::registerNVPTXPipeline() {
  registerQuant4GPUPasses();
  PassPipelineRegistration<NVPTXPipelineOptions>(
      "quant4-nvptx-pipeline",
      "Lower quant4 to PTX kernels (gpu.binary) launched from host functions",
      buildNVPTXPipeline);
  PassPipelineRegistration<NVPTXPipelineOptions>(
      "quant4-nvptx-bufferize",
      "NVPTX stage 1: quant4 -> linalg (split over lanes) -> parallel loops "
      "on buffers",
      buildNVPTXBufferizeStage);
  PassPipelineRegistration<NVPTXPipelineOptions>(
      "quant4-nvptx-map-to-gpu",
      "NVPTX stage 2: parallel loops -> outlined GPU kernels",
      buildNVPTXMapToGPUStage);
  PassPipelineRegistration<NVPTXPipelineOptions>(
      "quant4-nvptx-to-nvvm", "NVPTX stage 3: GPU kernels -> NVVM dialect",
      buildNVPTXToNVVMStage);
}

void mlir::quant4::registerNVPTXDialectExtensions(DialectRegistry &registry) {
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerAllGPUToLLVMIRTranslations(registry);
}
