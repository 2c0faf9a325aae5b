//===- Quant4GPUPasses.td - quant4 GPU mapping passes ------*- tablegen -*-===//

#ifndef QUANT4_GPU_PASSES
#define QUANT4_GPU_PASSES

include "mlir/Pass/PassBase.td"

def Quant4GPUTileParallelLoops
    : Pass<"quant4-gpu-tile-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Split each outermost scf.parallel into blocks x threads";
  let description = [{
    Tiles every outermost `scf.parallel` by 1 along all dimensions but the
    innermost, which is tiled by `threads`. `gpu-map-parallel-loops` then maps
    the outer loop to the grid and the inner one to the threads of a block:
    one thread per output element, the innermost (contiguous) dimension
    spread over the block's threads.

    ```mlir
    // Before (an [M, N] output)
    scf.parallel (%m, %n) = (%c0, %c0) to (%cM, %cN) step (%c1, %c1) { ... }
    // After (threads = 128)
    scf.parallel (%m0, %n0) = ... step (%c1, %c128) {
      scf.parallel (%m1, %n1) = (%c0, %c0) to (%c1, %c128) ... { ... }
    }
    ```
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"128",
           "Threads per block along the innermost dimension">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def Quant4GPUSinkConstants
    : Pass<"quant4-gpu-sink-constants", "::mlir::func::FuncOp"> {
  let summary = "Move constants and memref.get_global into gpu.launch bodies";
  let description = [{
    Decode tables (NF4's codebook, bufferized to a `memref.global`) and scalar
    constants used inside a `gpu.launch` are cloned into its body, so
    `gpu-kernel-outlining` copies the globals into the gpu.module instead of
    passing host memory to the kernel as an argument.
  }];
}

#endif // QUANT4_GPU_PASSES
