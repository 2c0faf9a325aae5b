//===- Quant4GPUPasses.td - quant4 GPU mapping passes ------*- tablegen -*-===//

#ifndef QUANT4_GPU_PASSES
#define QUANT4_GPU_PASSES

include "mlir/Pass/PassBase.td"

def Quant4GPUTileParallelLoops
    : Pass<"quant4-gpu-tile-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Split each outermost scf.parallel into blocks x threads";
  let description = [{
    Tiles every outermost `scf.parallel` so that its inner loop has `threads`
    iterations, filled from the innermost dimension outwards (for a split
    GEMV [N, lanes]: all lanes, then threads / lanes columns), and maps both
    loops innermost-first: the innermost dimension to x (blocks for the
    outer loop, threads for the inner one), then y, then z, so a warp's
    consecutive threads walk the contiguous dimension.
    `convert-parallel-loops-to-gpu` then makes the gpu.launch.

    ```mlir
    // Before (an [N, 32] partial-sum loop, threads = 128)
    scf.parallel (%n, %l) = (%c0, %c0) to (%cN, %c32) step (%c1, %c1)
    // After
    scf.parallel (%n0, %l0) = ... step (%c4, %c32) {      // blocks (y, x)
      scf.parallel (%n1, %l1) = ... to (%c4, %c32) ... {  // threads (y, x)
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

def Quant4GPUMarkKernelArgs
    : Pass<"quant4-gpu-mark-kernel-args", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Mark kernel memref arguments noalias (and readonly if read)";
  let description = [{
    The kernels of a quant4 host function take its distinct arguments
    (activations, weight storage, output: the ABI says they must not
    overlap), so every memref argument of a kernel gets `llvm.noalias`, and
    those the kernel only loads from also `llvm.readonly`. LLVM can then
    keep the accumulator in a register instead of storing it every
    iteration, hoist the per-block scale loads out of the element loop and
    read weights through the non-coherent cache (`ld.global.nc`).
  }];
}

def Quant4GPUSplitReduction
    : Pass<"quant4-gpu-split-reduction", "::mlir::func::FuncOp"> {
  let summary = "Spread a blocked matmul's K blocks over parallel lanes";
  let description = [{
    Rewrites a `linalg.generic` whose trailing loops are reductions (as
    Quant4ToLinalg makes for `quant4.matmul`: K blocks, then the values of a
    block) into a generic with an extra parallel loop of `L` lanes that
    splits the innermost reduction (value v = group * L + lane, so
    neighbouring lanes decode neighbouring values and read neighbouring
    weight bytes and activations: coalesced) and writes partial sums
    [..., N, L], and a second generic that adds the L partial sums into the
    original output. L is the largest power of two <= max(8, lanes / rows)
    dividing the loop, rows being the output rows per column (M), so GEMV
    gets a full warp per output. The combiner must be `arith.addf` of the
    output value; other generics are left alone.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"32",
           "Lanes per output column at M = 1">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // QUANT4_GPU_PASSES
