//===- Gemv.cpp - GEMV-class quant4.matmul as one gpu.launch --------------===//
//
// quant4-gpu-gemv: a `quant4.matmul` with few rows (M <= max-rows) becomes a
// gpu.launch (and, with `activations q8_k`, a Q8_K rounding launch before
// it) built before bufferization. This file matches the matmuls, picks the
// knobs (pass options or per-format defaults measured on an H100) and
// builds the launch; GemvKernel.cpp builds the kernel body, GemvDecode.cpp
// the per-format decode, LaunchRewrites.cpp the final body rewrites.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Target/NVPTX/GemvKernel.h"
#include "Target/NVPTX/LaunchRewrites.h"
#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUGEMV
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// The knobs of one GEMV kernel (pass options override each).
struct GemvKnobs {
  int64_t lanes, unitLanes, unitValues, colsPerThread, unroll;
};

/// The defaults, per format and M, from sweeps of the knobs on an H100
/// (bench/gpu/gemv_variants.sh; docs/PERF.md, "GEMV: lanes over a block's
/// units"): a warp's 32 lanes on one column, S = 8 of them on the units of
/// one block, so a warp instruction reads contiguous bytes of a few
/// neighbouring blocks (coalesced) and the kernel has enough threads (N / R
/// warps) to keep loads in flight. Q4_K: 16-byte units (32 values, two
/// sub-blocks' halves), two blocks a trip at M = 1 and four columns a thread
/// at M = 2 - 4; above, 8-byte units on 16 lanes, four columns; with Q8_K
/// activations at M = 1 one column and four blocks a trip (more loads in
/// flight for the shorter integer decode). NF4 and MXFP4: 8-value units (4
/// code bytes; MXFP4's 32-value blocks take 4 lanes); at M = 1 two columns
/// a thread, or one column and two blocks a trip where two would leave
/// fewer than kTargetWarps warps (N < 8192: NF4 4096x14336 40.2 -> 32.7
/// us; at N = 14336 one column measured slower, 27.1 -> 31.0).
static GemvKnobs getDefaultKnobs(BlockFormatAttrInterface format, int64_t rows,
                                 int64_t cols, bool int8Activations) {
  if (!isa<Q4KAttr>(format)) {
    if (rows == 1 && cols / 2 < kTargetWarps)
      return {32, 8, 8, 1, 2};
    return {32, 8, 8, rows == 1 ? 2 : 4, 1};
  }
  if (int8Activations && rows == 1)
    return {32, 8, 32, 1, 4};
  if (rows > 4)
    return {32, 16, 16, 4, 1};
  return {32, 8, 32, rows == 1 ? 2 : 4, rows == 1 ? 2 : 1};
}

struct Gemv : mlir::quant4::impl::Quant4GPUGemvBase<Gemv> {
  using Base::Base;

  /// The shape of `op` if it is GEMV-class and this lowering handles it:
  /// static [M, K] x [N, K] with M <= maxRows, f32 result and accumulator,
  /// weights from from_bytes of i8 (or retyped ui8) storage.
  std::optional<GemvShape> match(MatmulOp op) {
    ActivationMode mode = op.getActivationModeOrDefault();
    BlockFormatAttrInterface weightFormat =
        op.getWeights().getType().getFormat();
    // Q8_K activations: formats whose GEMV decoder has integer codes (the
    // verifier allows only Q4_K, C19), K a multiple of Q8_K's 256.
    std::optional<MatmulSizes> sizes =
        mode == ActivationMode::q8_k && !isa<Q4KAttr>(weightFormat)
            ? std::nullopt
            : getStaticMatmulSizes(op, mode);
    if (!sizes || (mode == ActivationMode::q8_k && sizes->depth % 256 != 0) ||
        !hasSignlessBytes(op.getWeights().getDefiningOp<FromBytesOp>()) ||
        sizes->rows > maxRows)
      return std::nullopt;
    GemvShape s;
    static_cast<MatmulSizes &>(s) = *sizes;
    s.int8Activations = mode == ActivationMode::q8_k;
    BlockFormatAttrInterface format = op.getWeights().getType().getFormat();
    GemvKnobs knobs =
        getDefaultKnobs(format, s.rows, s.cols, s.int8Activations);
    auto chosen = [](int64_t option, int64_t fallback) {
      return option > 0 ? option : fallback;
    };
    SmallVector<int64_t> unitSizes = GemvDecoder::getUnitSizes(format);
    s.unitValues = chosen(unitValues, knobs.unitValues);
    if (!llvm::is_contained(unitSizes, s.unitValues)) {
      InFlightDiagnostic diag =
          op.emitError() << "quant4-gpu-gemv: unit-values=" << s.unitValues
                         << " is not a unit size of " << format
                         << "'s GEMV decoder (one of ";
      llvm::interleaveComma(unitSizes, diag);
      diag << ")";
      failed = true;
      return std::nullopt;
    }
    // S lanes share a block's units (at most its units; both are powers of
    // two), R columns per thread share each activation load (at most N).
    s.unitLanes = std::min(chosen(unitLanes, knobs.unitLanes),
                           s.blockSize / s.unitValues);
    s.colsPerThread =
        std::min<int64_t>(s.cols, chosen(colsPerThread, knobs.colsPerThread));
    // L lanes per column: a power of two from S to 32, and at most S times
    // the K blocks of a row.
    s.lanes = std::clamp<int64_t>(
        int64_t(llvm::bit_floor(uint64_t(chosen(lanes, knobs.lanes)))),
        s.unitLanes,
        std::min<int64_t>(32, s.unitLanes * int64_t(llvm::bit_floor(
                                                uint64_t(s.blocksPerRow)))));
    s.blockLanes = s.lanes / s.unitLanes;
    s.colsPerWarp = 32 / s.lanes;
    s.warpsPerBlock = std::max<int64_t>(1, threads / 32);
    // U blocks per lane and loop trip, at most the lane's share of a row.
    s.unroll = std::clamp<int64_t>(chosen(unroll, knobs.unroll), 1,
                                   s.blocksPerRow / s.blockLanes);
    return s;
  }

  void rewrite(MatmulOp op, const GemvShape &s) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    memref::AllocOp buffer = allocateMatmulResult(b, op);
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value one = c(1);
    auto launch = gpu::LaunchOp::create(
        b, loc,
        c(llvm::divideCeil(s.cols,
                           s.warpsPerBlock * s.colsPerWarp * s.colsPerThread)),
        one, one, c(32), c(s.warpsPerBlock), one);
    OpBuilder body = OpBuilder::atBlockBegin(&launch.getBody().front());
    Value storage = op.getWeights().getDefiningOp<FromBytesOp>().getBytes();
    Q8KBuffers xq;
    if (s.int8Activations) {
      OpBuilder before(launch);
      xq = buildQ8KQuantization(before, loc, op.getActivations(), s.rows,
                                s.depth);
    }
    std::unique_ptr<GemvDecoder> decoder =
        GemvDecoder::create(op.getWeights().getType().getFormat(), storage,
                            s.numBlocks, s.unitValues);
    buildGemvKernel(body, loc, launch, s, *decoder, op.getActivations(), buffer,
                    xq);
    if (pdl && s.int8Activations)
      chainLaunches({xq.launch, launch});
    if (sharedTables)
      moveTablesToSharedMemory(launch, 32 * s.warpsPerBlock);
    rewriteSmallIntToFloat(launch);
    allowContraction(launch);
    b.setInsertionPointAfter(launch);
    replaceMatmulWithBuffer(b, op, buffer);
  }

  void runOnOperation() override {
    if (unitLanes < 0 || unitLanes > 32 ||
        (unitLanes > 0 &&
         !llvm::isPowerOf2_64(uint64_t(unitLanes.getValue())))) {
      getOperation().emitError()
          << "quant4-gpu-gemv: unit-lanes=" << unitLanes.getValue()
          << " must be a power of two from 1 to 32 (or 0, the default)";
      return signalPassFailure();
    }
    rewriteMatchingMatmuls(getOperation(), *this);
    if (failed)
      signalPassFailure();
  }

  bool failed = false;
};

} // namespace
