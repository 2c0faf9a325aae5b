//===- Pipeline.h - quant4 CPU compile pipeline -----------------*- C++ -*-===//
//
// --quant4-cpu-pipeline: quant4 -> linalg (decode inside the reduction) ->
// tiling on block boundaries -> one-shot bufferization -> loops -> LLVM
// dialect. Each stage is also a pass of its own in q4-opt.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_CPU_PIPELINE_H
#define QUANT4_TARGET_CPU_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::quant4 {

struct CPUPipelineOptions : PassPipelineOptions<CPUPipelineOptions> {
  Option<int64_t> tileM{
      *this, "tile-m",
      llvm::cl::desc("Rows per tile (vectorize: rows sharing each decoded "
                     "weight vector)"),
      llvm::cl::init(4)};
  Option<int64_t> tileN{
      *this, "tile-n",
      llvm::cl::desc("Output columns per tile (a thread's unit of work)"),
      llvm::cl::init(16)};
  Option<int64_t> tileKBlocks{
      *this, "tile-k-blocks",
      llvm::cl::desc("Whole K blocks per tile (vectorize=false only)"),
      llvm::cl::init(1)};
  Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Sum matmul products in vectors of decoded weights "
                     "(false: the scalar per-value loops, K-order sums)"),
      llvm::cl::init(true)};
  Option<std::string> activations{
      *this, "activations",
      llvm::cl::desc("Activation mode for the matmuls that leave it open "
                     "(quant4-set-activations): f32 or q8_k; empty: as "
                     "written"),
      llvm::cl::init("")};
  Option<bool> x86Int8Dot{
      *this, "x86-int8-dot",
      llvm::cl::desc("Integer dot products of `activations q8_k` matmuls as "
                     "AVX2 vpmaddubsw + vpmaddwd (quant4-x86-int8-dot; the "
                     "target must have AVX2)"),
      llvm::cl::init(false)};
  Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("Threads (OpenMP; > 1 needs libomp at run time)"),
      llvm::cl::init(1)};
};

/// Adds the CPU pipeline to a module pass manager.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers --quant4-cpu-pipeline.
void registerCPUPipeline();

} // namespace mlir::quant4

#endif // QUANT4_TARGET_CPU_PIPELINE_H
