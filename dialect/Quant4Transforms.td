//===- Quant4Transforms.td - passes on lowered quant4 code -*- tablegen -*-===//

#ifndef QUANT4_TRANSFORMS
#define QUANT4_TRANSFORMS

include "mlir/Pass/PassBase.td"

def Quant4TileBlocks : Pass<"quant4-tile-blocks"> {
  let summary = "Tile the linalg ops from convert-quant4-to-linalg on block "
                "boundaries";
  let description = [{
    Tiles the `linalg.generic` ops that `convert-quant4-to-linalg` tagged
    with `quant4.lowered` into `scf.for` loops (`scf::tileUsingSCF`):
    matmuls over (batch: 1, M: `tile-m`, N: `tile-n`, K-blocks:
    `tile-k-blocks`, within-block: whole), so every K tile holds whole
    blocks and each block's scales are decoded for one tile only;
    dequantizes one row at a time. A tile size of 0 leaves that loop
    untiled. With `parallel`, the parallel dimensions form one `scf.forall`
    (later OpenMP threads) around `scf.for` loops over K blocks.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"4",
           "Rows of activations per tile">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"16",
           "Output columns (weight rows) per tile">,
    Option<"tileKBlocks", "tile-k-blocks", "int64_t", /*default=*/"1",
           "Whole blocks of K per tile">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Tile the parallel dimensions into one scf.forall (for threads) "
           "and the K blocks into scf.for loops inside it">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect"];
}

def Quant4X86Int8Dot : Pass<"quant4-x86-int8-dot"> {
  let summary = "x86 AVX2 int8 dot products for the Q8_K activation matmuls";
  let description = [{
    Rewrites the scaled int8 dot idiom that `activations q8_k` lowers to
    (per 32-value sub-block j):

    ```mlir
    %p = arith.muli (arith.extui %w_j), (arith.extsi %x_j) : vector<32xi32>
    %q = (lanes 4i, 4i + 1, 4i + 2, 4i + 3 of %p added: four vector.shuffle
          of %p and three arith.addi)                     : vector<8xi32>
    %s = vector.shuffle %sc, %sc [j, ..., j]   // %sc = arith.extui of i8
    %r = arith.muli %q, %s                                : vector<8xi32>
    ```

    (`%w_j`, `%x_j` of type `vector<32xi8>`, the products and sums exact in
    i32) into ggml's AVX2 scheme: `vpmaddubsw` (`%w_j` as unsigned bytes
    times `%x_j`, adjacent pairs summed to i16; exact when `%w_j` < 128, as
    4-bit codes are) and `vpmaddwd` with the scale broadcast to i16 lanes
    (exact for scales < 2^15; for up to 16 scales, one `vpshufb` of the i8
    scales repeated in both 128-bit halves, its mask putting scale j in the
    low byte of every word and zeroing the high byte). Both give lane i the
    same four products, so the result is the same integer vector; the
    block's sum over j stays an `arith.addi` chain, which the backend fuses
    with `vpmaddwd` into
    `vpdpwssd` on AVX512-VNNI / AVX-VNNI. The intrinsics are
    `llvm.call_intrinsic` ops, so this runs after bufferization; the target
    must have AVX2. The pattern checks the value ranges that make this
    exact: `%w_j` is an `arith.andi` with a constant below 128 (no
    saturation in `vpmaddubsw`) and the scales are zero-extended from i8.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect"];
}

def Quant4OmpNowait : Pass<"quant4-omp-nowait"> {
  let summary = "Drop the closing barrier of a worksharing loop that ends "
                "its parallel region";
  let description = [{
    `convert-scf-to-openmp` turns an `scf.parallel` into an `omp.parallel`
    whose body is one `omp.wsloop` and the terminator. The loop's closing
    barrier then waits for the same threads as the region's own join right
    after it; this pass marks such a loop `nowait` so that the threads meet
    once per region instead of twice (about 1 us per parallel region with
    2 threads on a Zen 4 guest, docs/PERF.md "CPU: two threads (session
    5)"). A loop with reductions, `ordered`, or any operation between it
    and the terminator keeps its barrier. Results are unchanged: the same
    iterations run on the same threads.
  }];
  let dependentDialects = ["::mlir::omp::OpenMPDialect"];
}

#endif // QUANT4_TRANSFORMS
