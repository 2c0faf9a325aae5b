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
    read weights through the non-coherent cache (`ld.global.nc`). Every
    memref argument also gets `llvm.align = 16` (the ABI: cuMemAlloc gives
    256), so a block's byte loads can merge into 16-byte vector loads, and
    every workgroup attribution `llvm.align = 16` (the 16-byte rows of
    cp.async and ldmatrix).
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

def Quant4GPUGemv : Pass<"quant4-gpu-gemv", "::mlir::func::FuncOp"> {
  let summary = "GEMV-class quant4.matmul (M <= max-rows) as one gpu.launch";
  let description = [{
    Replaces a static `quant4.matmul` with at most `max-rows` rows, f32
    result and accumulator and weights from `quant4.from_bytes` (a ui8
    function argument read only by from_bytes is retyped to i8, as
    convert-quant4-to-linalg would) by a `gpu.launch` that reads the captured tensors (one-shot
    bufferization makes the reads loads) and writes a fresh buffer.
    threadIdx.x = lane * (32 / L) + column in the warp: L lanes (a power of
    two <= 32) share one output column's K blocks, S of them one block (a
    lane decodes every S-th unit of its blocks, so neighbouring lanes read
    neighbouring bytes), and a warp's 32 / L columns share each activation
    load. A unit is decoded once, through the format's GEMV decoder (Q4_K
    from the nibble bits, others value by value through `buildDecode`)
    with value indices a unit base plus constants, so the decode's index
    arithmetic folds and its byte loads are at constant offsets, and each
    value is multiplied with all M rows of x for R columns per thread;
    small-integer `uitofp`s become exponent-bit tricks and float ops may
    contract. Unset knobs take per-format defaults measured on an H100. The lanes' sums meet in `gpu.shuffle xor`
    butterflies; lane 0 stores the M outputs. Other matmuls are left to
    the split-K path.
  }];
  let options = [
    Option<"maxRows", "max-rows", "int64_t", /*default=*/"16",
           "Largest M lowered here">,
    Option<"threads", "threads", "int64_t", /*default=*/"128",
           "Threads per launch block">,
    Option<"lanes", "lanes", "int64_t", /*default=*/"0",
           "Lanes per output column (a power of two <= 32, >= unit-lanes "
           "and <= unit-lanes x the K blocks per row; 0 = default)">,
    Option<"colsPerThread", "cols-per-thread", "int64_t", /*default=*/"0",
           "Output columns per thread sharing each activation load (0 = "
           "default)">,
    Option<"unroll", "unroll", "int64_t", /*default=*/"0",
           "K blocks per lane and loop trip, loaded before any is decoded "
           "(0 = default)">,
    Option<"unitLanes", "unit-lanes", "int64_t", /*default=*/"0",
           "Lanes sharing one block's decoder units (a power of two <= 32, "
           "at most the units of a block; 0 = default): neighbouring lanes "
           "read neighbouring bytes of a block">,
    Option<"unitValues", "unit-values", "int64_t", /*default=*/"0",
           "Values per decoder unit (Q4_K 64, 32, 16 or 8; other formats "
           "the decode group or a power of two >= 8 dividing the block; 0 = "
           "default)">,
    Option<"pdl", "pdl", "bool", /*default=*/"false",
           "Programmatic dependent launch (sm_90): with Q8_K activations the "
           "GEMV kernel waits for the rounding launch with "
           "griddepcontrol.wait, so it may start while that one finishes">,
    Option<"sharedTables", "shared-tables", "bool", /*default=*/"true",
           "Decode tables (NF4 codebook, E2M1 values) in workgroup memory">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def Quant4GPUMmaGemv : Pass<"quant4-gpu-mma-gemv", "::mlir::func::FuncOp"> {
  let summary = "GEMV-class Q4_K / NF4 / MXFP4 quant4.matmul on tensor cores";
  let description = [{
    Replaces a static Q4_K `quant4.matmul` with f32 or Q8_K activations (or
    an NF4 one with f32 activations and blocks of at most 256 values, or an
    MXFP4 one with f32 activations), from
    `min-rows` to `max-rows` rows (at most 64), K a multiple of 256 (MXFP4:
    at least 256, a partial last unit of whole blocks),
    any N (a partial last launch block clamps its column reads and masks
    its stores), f32 result and
    accumulator and weights from `quant4.from_bytes` (a ui8 argument is
    retyped to i8 as for quant4-gpu-gemv) by two launches. The first
    splits x into two f16 halves per 32-value sub-block, scaled by a power
    of two (hi = f16(x 2^s), lo = f16(x 2^s - hi)), with the sub-block's
    sum. The second multiplies the weights' 4-bit codes, exact as f16
    (1024 + q from the nibble bits, minus 1024), with both halves through
    `nvgpu.mma.sync` m16n8k16 (weights as the A operand: 16 columns per
    launch block; x as B: 8 rows, two mmas for M > 8) and applies each
    sub-block's d1 and m1 in f32:
    `y = sum_j d1 2^-s (q . (hi + lo)) - m1 sum_j(x)`. `warps` warps split the
    K blocks of a column tile (`unroll` blocks' bytes loaded at once) and
    meet in workgroup memory. With `activations q8_k` x is rounded to Q8_K
    instead (quant4-gpu-gemv's rounding launch) and each sub-block takes two
    int8 mmas (m16n8k32, exact i32): the nibbles with x's codes and all-ones
    with them, scaled by the integer sc and m; per block
    `y += d_x (d sum sc dot - dmin sum m sum)`. NF4 looks its codes up in
    the codebook split into f16 hi and lo halves (in workgroup memory) and
    takes three mmas a chunk (hi . hi, hi . lo, lo . hi), scaled by absmax.
    MXFP4 turns each nibble into the f16 E2M1 x 2^-14 (its exponent and
    mantissa bits moved to the f16's bits 9 - 11, the sign to bit 15) and
    takes two mmas a chunk, scaled by 2^14 and the E8M0 scale; x is split
    in the order the code words pair their nibbles. Other matmuls
    are left to quant4-gpu-gemv.

    ```mlir
    // Before
    %y = quant4.matmul %x, %w : tensor<1x4096xf32>, !quant4.blocked<4096x4096, #quant4.q4_k> -> tensor<1x4096xf32>
    // After (sketch)
    gpu.launch blocks(...) in (512, 1, 1) threads(...) in (256, 1, 1) { ... }  // split x
    gpu.launch blocks(...) in (256, 1, 1) threads(...) in (256, 1, 1)
        workgroup(%partial : memref<8x2x1x2x32xf32, #gpu.address_space<workgroup>>) {
      ... nvgpu.mma.sync(%codes, %xhi, %acc) {mmaShape = [16, 8, 16]} ...
    }
    ```
  }];
  let options = [
    Option<"minRows", "min-rows", "int64_t", /*default=*/"0",
           "Smallest M lowered here (0 = by format: 1 for MXFP4, 2 for "
           "Q4_K and NF4, whose quant4-gpu-gemv kernels measured faster at "
           "M = 1 on an H100)">,
    Option<"maxRows", "max-rows", "int64_t", /*default=*/"16",
           "Largest M lowered here (at most 64; 0 = none)">,
    Option<"warps", "warps", "int64_t", /*default=*/"0",
           "Warps per launch block, splitting its K blocks (0 = by shape)">,
    Option<"unroll", "unroll", "int64_t", /*default=*/"0",
           "K blocks a warp loads before their math (0 = by shape)">,
    Option<"colTiles", "col-tiles", "int64_t", /*default=*/"0",
           "16-column tiles per launch block, each warp's x loads shared by "
           "all of them (0 = by shape; reduced to a divisor of N / 16)">,
    Option<"pdl", "pdl", "bool", /*default=*/"false",
           "Programmatic dependent launch (sm_90): the mma kernel waits for "
           "the x launch with griddepcontrol.wait, so it may start while "
           "that one finishes">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def Quant4GPUMmaGemm : Pass<"quant4-gpu-mma-gemm", "::mlir::func::FuncOp"> {
  let summary = "GEMM-class quant4.matmul (M >= min-rows) on tensor cores";
  let description = [{
    Replaces a static `quant4.matmul` with at least `min-rows` rows, f32
    result and accumulator and weights from `quant4.from_bytes` of i8
    storage by a `gpu.launch` built directly (it reads the captured tensors,
    which one-shot bufferization turns into loads, and writes a fresh
    buffer). A first launch rounds x to f16 into a scratch buffer. In the
    mma kernel one launch block of 8 warps computes a BM x BN output tile
    (BM = 64 or 128 rows of x, BN = 64 or 128 weight rows) over K steps of
    32: its threads load the f16 x tile and decode the weight tile
    value by value through the format's `buildDecode` (f32, then f16), one
    step ahead into registers, and store them to padded workgroup memory;
    after a barrier (and the next step's loads) each warp loads its
    m16n8k16 fragments with `nvgpu.ldmatrix` and accumulates with
    `nvgpu.mma.sync` into f32 registers. Rows and columns past M and N are
    clamped on load and masked on store. With few output tiles (M = 64)
    the K steps are split over grid z (a power of two, at most max-splits,
    aiming at 528 launch blocks): the kernel writes [splits, M, N] partial
    sums to a scratch buffer and a second launch adds them into the output.
    With `wgmma` (sm_90a), M > 64 and the weights decoded once, the mma
    kernel is a warpgroup kernel instead: cp.async stages of K = 64 in the
    128-byte swizzle, read through matrix descriptors by
    `nvvm.wgmma.mma_async` m64nNk16 (docs/NVPTX.md). Up to M =
    `wgmma-decode-max-rows` a wgmma kernel decodes Q4_K (and NF4) blocks itself,
    into the A registers of wgmma with the weights as A and x as B (no f16
    weight buffer, and from M = min-rows on).
    Other matmuls are left alone.
  }];
  let options = [
    Option<"minRows", "min-rows", "int64_t", /*default=*/"17",
           "Smallest M lowered here">,
    Option<"maxSplits", "max-splits", "int64_t", /*default=*/"8",
           "Most K splits when there are few output tiles (1 = none)">,
    Option<"decodeOnceMinRows", "decode-once-min-rows", "int64_t",
           /*default=*/"-1",
           "From this M on, a first launch decodes the weights to an f16 "
           "[N, K] scratch buffer that the mma kernel reads like x (0 = "
           "never, -1 = per format: 64 for MXFP4, 512 for the others; "
           "below, each row tile decodes its weights)">,
    Option<"asyncStages", "async-stages", "int64_t", /*default=*/"3",
           "Decode-once kernel: cp.async stages in shared memory (2 - 8)">,
    Option<"asyncStepK", "async-step-k", "int64_t", /*default=*/"32",
           "Decode-once kernel: K values per pipeline step (32 or 64)">,
    Option<"asyncWarpsM", "async-warps-m", "int64_t", /*default=*/"2",
           "Decode-once kernel at M > 64: warps of 64 x 64 along M (1, 2, "
           "4); the launch block's tile is 64 x this many rows">,
    Option<"asyncWarpsN", "async-warps-n", "int64_t", /*default=*/"2",
           "Decode-once kernel at M > 64: warps of 64 x 64 along N (1, 2, "
           "4)">,
    Option<"wgmma", "wgmma", "bool", /*default=*/"false",
           "Decode-once kernel, K a multiple of 64: multiply with "
           "wgmma.mma_async (needs sm_90a) instead of mma.sync; also "
           "lowers the default decode-once-min-rows of Q4_K to 128 and of "
           "NF4 to 160">,
    Option<"wgmmaStages", "wgmma-stages", "int64_t", /*default=*/"4",
           "wgmma kernel: cp.async stages (3 - 8; copies run stages - 2 "
           "steps of 64 ahead)">,
    Option<"wgmmaWarpgroups", "wgmma-warpgroups", "int64_t",
           /*default=*/"2",
           "wgmma kernel at M > 64: warpgroups along M (1 or 2; one at "
           "M <= 64); the kernel decoding Q4_K at M > 128: warpgroups of "
           "64 weight rows (one at M <= 128)">,
    Option<"wgmmaTileN", "wgmma-tile-n", "int64_t", /*default=*/"0",
           "wgmma kernel: columns of a launch block's tile, the N of its "
           "m64nNk16 (a multiple of 32, at most 256; 0 = 256). When the "
           "kernel decodes Q4_K the N of its wgmma is the tile's x rows "
           "(0 = M over ceil(M / 256) row tiles, rounded up to 32)">,
    Option<"wgmmaMTiles", "wgmma-m-tiles", "int64_t", /*default=*/"1",
           "wgmma kernel: m64 tiles per warpgroup (1 or 2)">,
    Option<"wgmmaDecodeMaxRows", "wgmma-decode-max-rows", "int64_t",
           /*default=*/"512",
           "wgmma kernel on Q4_K and NF4 weights (NF4: 64-value blocks, no "
           "double quantization), up to this M: decode the raw blocks in "
           "the kernel (cp.async stages of raw rows, decoded into the "
           "registers of wgmma's A operand, the weights, while the previous "
           "step multiplies) instead of a first launch decoding them to an "
           "f16 [N, K] buffer; also makes their default "
           "decode-once-min-rows min-rows (0 = never)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // QUANT4_GPU_PASSES
