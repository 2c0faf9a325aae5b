//===- Pipeline.cpp - quant4 CPU compile pipeline -------------------------===//

#include "Target/CPU/Pipeline.h"
#include "Conversion/Quant4ToLinalg/Quant4ToLinalg.h"
#include "Dialect/Quant4/Transforms/Passes.h"
#include "Transforms/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::quant4;

void mlir::quant4::buildCPUPipeline(OpPassManager &pm,
                                    const CPUPipelineOptions &options) {
  if (!options.activations.empty()) {
    Quant4SetActivationsOptions activations;
    activations.mode = options.activations;
    pm.addPass(createQuant4SetActivations(activations));
  }
  ConvertQuant4ToLinalgOptions convert;
  convert.tileM = options.tileM;
  convert.tileN = options.tileN;
  convert.parallel = options.threads > 1;
  convert.blockSumLoops = true;
  convert.vectorize = options.vectorize;
  convert.int8Activations = true;
  pm.addPass(createConvertQuant4ToLinalg(convert));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  Quant4TileBlocksOptions tile;
  tile.tileM = options.tileM;
  tile.tileN = options.tileN;
  tile.tileKBlocks = options.tileKBlocks;
  tile.parallel = options.threads > 1;
  pm.addPass(createQuant4TileBlocks(tile));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // The upstream tensor-to-LLVM tail (docs/TOOLCHAIN.md, "CPU lowering").
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  if (options.threads > 1)
    pm.addPass(createForallToParallelLoopPass());
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  if (options.threads > 1) {
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createLowerAffinePass());
    // scf.parallel -> omp.parallel + omp.wsloop; the memref.alloca_scope it
    // wraps each iteration in must be lowered while still one block.
    ConvertSCFToOpenMPPassOptions openMP;
    openMP.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(openMP));
    // One barrier per region: the join, not also the loop's own.
    pm.addPass(createQuant4OmpNowait());
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  if (options.x86Int8Dot)
    pm.addPass(createQuant4X86Int8Dot());
  // Vector transfers become (unmasked, in-bounds) loads; per-block lane sums
  // reduce as a tree.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::quant4::registerCPUPipeline() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "quant4-cpu-pipeline",
      "Lower quant4 to the LLVM dialect for the host CPU", buildCPUPipeline);
}
