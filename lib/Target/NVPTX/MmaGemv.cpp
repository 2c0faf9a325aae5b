//===- MmaGemv.cpp - GEMV-class quant4.matmul on tensor cores -------------===//
//
// quant4-gpu-mma-gemv: a static `quant4.matmul` with few rows (Q4_K with
// f32 or Q8_K activations, NF4 and MXFP4 with f32; by default M <= 16 from
// M = 2, MXFP4 from M = 1; N a multiple of 16) becomes two launches: x
// split into scaled f16 halves per 32-value sub-block (HalfSplit.h; with
// Q8_K activations x rounded to Q8_K, QuantizeQ8K.h), then the tensor-core
// kernel (MmaGemvKernel.h). This file matches the matmuls, picks the knobs
// (pass options or defaults measured on an H100) and builds the launches.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Target/NVPTX/LaunchRewrites.h"
#include "Target/NVPTX/MmaGemvKernel.h"
#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUMMAGEMV
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemv;

namespace {

/// The order in which the kernel's lanes read x (HalfSplitOrder): MXFP4's
/// nibble pairs of one word, Q4_K's and NF4's runs of 4.
static const HalfSplitOrder &getHalfSplitOrder(MatmulOp op) {
  auto mxfp4 = dyn_cast<MXFP4Attr>(op.getWeights().getType().getFormat());
  if (!mxfp4)
    return kHalfSplitRunsOf4;
  return mxfp4.getLayout() == MXFP4Layout::ggml ? kHalfSplitMXFP4Ggml
                                                : kHalfSplitNibblePairs;
}

struct MmaGemv : mlir::quant4::impl::Quant4GPUMmaGemvBase<MmaGemv> {
  using Base::Base;

  /// Q4_K weights from from_bytes of i8 (or retyped ui8) storage, f32 or
  /// Q8_K activations, min-rows <= M <= max-rows (at most 64); a last,
  /// partial launch block reads column N - 1 past N and stores nothing
  /// there.
  std::optional<MmaGemvShape> match(MatmulOp op) {
    ActivationMode mode = op.getActivationModeOrDefault();
    std::optional<MatmulSizes> sizes = getStaticMatmulSizes(op, mode);
    BlockFormatAttrInterface format = op.getWeights().getType().getFormat();
    auto nf4 = dyn_cast<NF4Attr>(format);
    // NF4 and MXFP4: f32 activations, whole blocks in each 256-value unit.
    bool supported =
        isa<Q4KAttr>(format) ||
        (mode == ActivationMode::f32 &&
         (isa<MXFP4Attr>(format) || (nf4 && kBlock % nf4.getBlockSize() == 0)));
    // K: whole 256-value units, or (MXFP4) at least one, then whole
    // blocks.
    bool partialUnit =
        isa<MXFP4Attr>(format) && sizes && sizes->depth >= kBlock;
    if (!sizes || !supported || (sizes->depth % kBlock != 0 && !partialUnit) ||
        sizes->rows < (minRows > 0              ? int64_t(minRows)
                       : isa<MXFP4Attr>(format) ? 1
                                                : 2) ||
        sizes->rows > std::min<int64_t>(maxRows, kMaxRows) ||
        !hasSignlessBytes(op.getWeights().getDefiningOp<FromBytesOp>()))
      return std::nullopt;
    MmaGemvShape s;
    static_cast<MatmulSizes &>(s) = *sizes;
    s.rowTiles = llvm::divideCeil(s.rows, kTileRows);
    s.int8 = mode == ActivationMode::q8_k;
    s.kind = nf4                      ? WeightKind::NF4
             : isa<MXFP4Attr>(format) ? WeightKind::MXFP4
                                      : WeightKind::Q4K;
    s.unitsPerRow = s.depth / kBlock;
    s.tailBlocks = s.depth % kBlock / s.blockSize;
    // Defaults from H100 sweeps (docs/PERF.md, "Tensor-core GEMV"): 8
    // warps, 16 when N / 16 launch blocks of 8 would leave fewer than
    // kTargetWarps warps; two K blocks a trip for two row tiles when each
    // warp has at least four.
    // C column tiles per launch block: by default 2 for two or more row
    // tiles, where the x loads outnumber the weights' and sharing them
    // measured 1.2 - 1.4x faster, if that leaves at least kTargetWarps
    // (launch block, K unit) pairs (4096x4096 at M = 16 has 2048 and
    // measured 1.2x slower); otherwise 1. A divisor of N / 16, at most
    // 48 KB of workgroup memory for the warps' sums.
    int64_t tiles = llvm::divideCeil(s.cols, kTileCols);
    bool shareX = s.rowTiles >= 2 && tiles / 2 * s.unitsPerRow >= kTargetWarps;
    s.colTiles = std::clamp<int64_t>(
        colTiles > 0 ? int64_t(colTiles) : (shareX ? 2 : 1), 1, tiles);
    while (tiles % s.colTiles != 0)
      --s.colTiles;
    int64_t blocks = tiles / s.colTiles;
    s.warps = warps > 0                                      ? int64_t(warps)
              : s.rowTiles == 1 && 8 * blocks < kTargetWarps ? 16
                                                             : 8;
    while (s.colTiles > 1 &&
           (tiles % s.colTiles != 0 ||
            s.warps * s.colTiles * s.rowTiles * 512 > kMaxSumBytes))
      --s.colTiles;
    int64_t perWarp = std::max<int64_t>(1, s.unitsPerRow / s.warps);
    s.unroll = unroll > 0                        ? int64_t(unroll)
               : s.rowTiles == 2 && perWarp >= 4 ? 2
                                                 : 1;
    s.unroll = std::min(s.unroll, perWarp);
    return s;
  }

  void rewrite(MatmulOp op, const MmaGemvShape &s) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    memref::AllocOp buffer = allocateMatmulResult(b, op);
    HalfSplitBuffers x;
    Q8KBuffers xq;
    if (s.int8)
      xq = buildQ8KQuantization(b, loc, op.getActivations(), s.rows, s.depth);
    else
      x = buildHalfSplitActivations(b, loc, op.getActivations(), s.rows,
                                    s.paddedRows(), s.depth,
                                    getHalfSplitOrder(op));
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc,
        arith::ConstantIndexOp::create(b, loc,
                                       llvm::divideCeil(s.cols, s.blockCols())),
        one, one, arith::ConstantIndexOp::create(b, loc, 32 * s.warps), one,
        one);
    launch.addWorkgroupAttribution(
        MemRefType::get({s.warps, 2 * s.colTiles, s.rowTiles, 2, 32},
                        b.getF32Type(), MemRefLayoutAttrInterface(),
                        gpu::AddressSpaceAttr::get(
                            b.getContext(), gpu::AddressSpace::Workgroup)),
        loc);
    if (s.kind == WeightKind::NF4)
      launch.addWorkgroupAttribution(
          MemRefType::get({16}, b.getI32Type(), MemRefLayoutAttrInterface(),
                          gpu::AddressSpaceAttr::get(
                              b.getContext(), gpu::AddressSpace::Workgroup)),
          loc);
    OpBuilder body = OpBuilder::atBlockBegin(&launch.getBody().front());
    Value storage = op.getWeights().getDefiningOp<FromBytesOp>().getBytes();
    MmaGemvKernelBuilder(body, loc, s, op.getWeights().getType().getFormat(),
                         storage, x, xq, buffer)
        .build(launch);
    allowContraction(launch);
    if (pdl)
      chainLaunches({s.int8 ? xq.launch : x.launch, launch});
    b.setInsertionPointAfter(launch);
    replaceMatmulWithBuffer(b, op, buffer);
  }

  void runOnOperation() override {
    rewriteMatchingMatmuls(getOperation(), *this);
  }
};

} // namespace
