//===- MmaGemm.cpp - GEMM-class quant4.matmul on tensor cores -------------===//
//
// quant4-gpu-mma-gemm: a `quant4.matmul` with many rows (M >= min-rows)
// becomes gpu.launch ops built here, before bufferization (like
// quant4-gpu-gemv, the launches read the tensors they capture): xh = f16(x)
// (8 values per thread, into a scratch buffer), at M >=
// decode-once-min-rows wh = f16(decode(w)) into an [N, K] scratch buffer,
// then the mma kernel:
//
//   launch block (bx, by): output tile rows [bx*BM, +BM) x cols [by*BN, +BN)
//   WM x WN warps, warp tile (BM/WM) x (BN/WN) of m16n8 fragments: 2 x 4
//   when the kernel decodes, 2 x 2 (by default) when it copies f16 weights
//   acc[mt][nt] = 0                                  // vector<2x2xf32> each
//   K steps of BK (32 when decoding); on each step's x and weight tiles in
//   workgroup memory, for kk in {0, 16, ..., BK - 16}:
//     fa[mt] = ldmatrix.x4 As[warp rows + 16mt ..][kk ..]
//     fb[nt], fb[nt + 1] = ldmatrix.x4 Bs[warp cols + 8nt ..][kk ..]
//     acc[mt][nt] = mma.sync.m16n8k16(fa[mt], fb[nt], acc[mt][nt])
//   y[row][col] = acc (rows < M, cols < N)
//
// The tiles reach workgroup memory in one of two ways:
// - weights decoded in the kernel (M < decode-once-min-rows): through
//   registers, one step ahead; As and Bs are [rows, 40] buffers (rows
//   padded from 32 halves to 80 bytes, so the eight 16-byte rows an
//   ldmatrix reads fall in distinct banks):
//     a, w = load(0)         // a[c] = xh[min(row, M-1)][32s + c], f16
//                            // w[c] = f16(decode(min(col, N-1), 32s + c))
//     for s: As, Bs = a, w; barrier; a, w = load(min(s + 1, last))
//            mma; barrier
// - weights from wh: both tiles are f16 row copies, made by cp.async (16
//   bytes, L2 only) into S = async-stages stages of one [S, BM + BN, BK]
//   buffer in dynamic shared memory (BK = async-step-k, 32 or 64; when M >
//   64, BM x BN = 64 async-warps-m x 64 async-warps-n), S - 1 steps ahead
//   of the mma, one barrier per step (see buildAsyncLoop); rows are 64 or
//   128 bytes, unpadded, with their 16-byte chunks swizzled (chunk c of row
//   r at c ^ ((r / 2) % 4), c ^ (r % 8)) so ldmatrix reads and cp.async
//   writes stay free of bank conflicts.
// Weight rows [N, K] are K-contiguous, which is the "col" layout mma.sync
// wants for B, so both tiles load without transposition.
//
// With `wgmma` (sm_90a) the kernel on decoded-once weights is a warpgroup
// kernel instead: the same cp.async stages with K steps of 64 (128-byte
// rows in the 128-byte swizzle), multiplied by wgmma.mma_async through
// matrix descriptors (MmaGemmWgmma.cpp). For Q4_K up to M =
// wgmma-decode-max-rows there is no decode-once launch: a wgmma kernel
// takes the weights as its A operand, decoded from raw blocks into
// registers, and x as B (MmaGemmWgmmaQ4K.cpp).
//
// This file has the pass (which matmuls, which tiling) and the launches
// around the mma kernel; MmaGemmKernel.h / .cpp the mma kernel's body.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "Target/NVPTX/MmaGemmKernel.h"
#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUMMAGEMM
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemm;

namespace {

/// One thread per element of `count`: body(b, i) for i < count.
static void
buildElementwiseLaunch(OpBuilder &b, Location loc, int64_t count,
                       llvm::function_ref<void(OpBuilder &, Value)> body) {
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value one = c(1);
  auto launch =
      gpu::LaunchOp::create(b, loc, c(llvm::divideCeil(count, kThreads)), one,
                            one, c(kThreads), one, one);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value i = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, c(kThreads)),
      launch.getThreadIds().x);
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i, c(count));
  scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
    body(b, i);
    scf::YieldOp::create(b, loc);
  });
  gpu::TerminatorOp::create(b, loc);
}

/// Values per thread of the launches that fill the f16 buffers: 16-byte
/// stores (K is a multiple of 32).
constexpr int64_t kRun = 8;

/// One thread per run of kRun consecutive values of a [rows, depth] array:
/// body(b, row, k) for the run's first value [row, k].
static void
buildRunLaunch(OpBuilder &b, Location loc, int64_t rows, int64_t depth,
               llvm::function_ref<void(OpBuilder &, Value, Value)> body) {
  buildElementwiseLaunch(
      b, loc, rows * depth / kRun, [&](OpBuilder &b, Value i) {
        Value runs = arith::ConstantIndexOp::create(b, loc, depth / kRun);
        Value row = arith::DivUIOp::create(b, loc, i, runs);
        Value k = arith::MulIOp::create(
            b, loc, arith::RemUIOp::create(b, loc, i, runs),
            arith::ConstantIndexOp::create(b, loc, kRun));
        body(b, row, k);
      });
}

/// xh = f16(x) (round to nearest even) into a fresh [M, K] buffer: the mma
/// kernel re-reads x once per column tile, at half the bytes of f32. f16
/// activations are used as they are: their buffer (read only), no launch.
static Value buildHalfActivations(OpBuilder &b, Location loc, const MmaShape &s,
                                  Value x) {
  auto halfType = MemRefType::get({s.rows, s.depth}, b.getF16Type());
  if (cast<RankedTensorType>(x.getType()).getElementType().isF16())
    return bufferization::ToBufferOp::create(b, loc, halfType, x,
                                             /*readOnly=*/true);
  Value xh = memref::AllocOp::create(b, loc, halfType);
  buildRunLaunch(b, loc, s.rows, s.depth, [&](OpBuilder &b, Value m, Value k) {
    for (int64_t j = 0; j < kRun; ++j) {
      Value kj = arith::AddIOp::create(
          b, loc, k, arith::ConstantIndexOp::create(b, loc, j));
      Value v = tensor::ExtractOp::create(b, loc, x, ValueRange{m, kj});
      if (v.getType() != b.getF32Type())
        v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
      memref::StoreOp::create(
          b, loc, arith::TruncFOp::create(b, loc, b.getF16Type(), v), xh,
          ValueRange{m, kj});
    }
  });
  return xh;
}

/// Whether the wgmma kernel can decode `format` into its A registers:
/// Q4_K, and NF4 with 64-value blocks and plain absmax (one block a K
/// step).
static bool decodesIntoRegisters(BlockFormatAttrInterface format) {
  if (auto nf4 = dyn_cast<NF4Attr>(format))
    return nf4.getBlockSize() == 64 && !nf4.getDoubleQuant();
  return isa<Q4KAttr>(format);
}

/// The smallest M whose weights are decoded once, first, by default
/// (measured on an H100, docs/PERF.md "GEMM: weights decoded once at large
/// M" and "GEMM: wgmma on sm_90a"): MXFP4's ggml blocks (17 bytes, byte
/// loads) decode slowly enough that decoding once pays from M = 64 (1.2 -
/// 1.3x faster there). With mma.sync, Q4_K and NF4 only from 512 (at M = 64
/// they were 0.95 - 1.05x and 0.85 - 0.95x). The wgmma kernel multiplies
/// decoded-once weights so much faster that Q4_K gains from M = 128 (1.1x
/// over mma.sync decoding in the kernel) and NF4, whose decode in the
/// kernel is cheaper, from 160 (1.2 - 1.3x there; at 128 it lost 1.06 -
/// 1.2x).
///
/// When the wgmma kernel decodes Q4_K itself (wgmma-decode-max-rows), it
/// takes every M from 1: at M = 17 - 512 it is 1.1 - 2.7x faster than
/// decoding with mma.sync or decoding once first, as fast at 1024
/// (docs/PERF.md, "GEMM: wgmma decoding Q4_K into registers").
static int64_t getDefaultDecodeOnceMinRows(BlockFormatAttrInterface format,
                                           bool wgmma, bool registerDecode) {
  if (isa<MXFP4Attr>(format))
    return 64;
  if (!wgmma)
    return 512;
  if (registerDecode)
    return 1;
  return isa<Q4KAttr>(format) ? 128 : 160;
}

/// wh = f16(decode(w)) into a fresh [N, K] buffer: at large M every
/// 128-row tile would otherwise decode every weight again.
static Value buildHalfWeights(OpBuilder &b, Location loc, const MmaShape &s,
                              BlockFormatAttrInterface format, Value storage) {
  Value wh = memref::AllocOp::create(
      b, loc, MemRefType::get({s.cols, s.depth}, b.getF16Type()));
  buildRunLaunch(
      b, loc, s.cols, s.depth, [&](OpBuilder &b, Value col, Value k) {
        auto c = [&](int64_t v) {
          return arith::ConstantIndexOp::create(b, loc, v).getResult();
        };
        Value block = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, col, c(s.blocksPerRow)),
            arith::DivUIOp::create(b, loc, k, c(s.blockSize)));
        Value first = arith::RemUIOp::create(b, loc, k, c(s.blockSize));
        for (int64_t j = 0; j < kRun; ++j) {
          Value v =
              format.buildDecode(b, loc, storage, c(s.numBlocks), block,
                                 arith::AddIOp::create(b, loc, first, c(j)));
          memref::StoreOp::create(
              b, loc, arith::TruncFOp::create(b, loc, b.getF16Type(), v), wh,
              ValueRange{col, arith::AddIOp::create(b, loc, k, c(j))});
        }
      });
  return wh;
}

/// y[m, n] = sum over z of partial[z, m, n]: one thread per output.
static void buildSplitSum(OpBuilder &b, Location loc, const MmaShape &s,
                          Value partial, Value y) {
  buildElementwiseLaunch(b, loc, s.rows * s.cols, [&](OpBuilder &b, Value i) {
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value m = arith::DivUIOp::create(b, loc, i, c(s.cols));
    Value n = arith::RemUIOp::create(b, loc, i, c(s.cols));
    Value sum;
    for (int64_t z = 0; z < s.splits; ++z) {
      Value v = memref::LoadOp::create(b, loc, partial, ValueRange{c(z), m, n});
      sum = sum ? arith::AddFOp::create(b, loc, sum, v).getResult() : v;
    }
    memref::StoreOp::create(b, loc, sum, y, ValueRange{m, n});
  });
}

struct MmaGemm : mlir::quant4::impl::Quant4GPUMmaGemmBase<MmaGemm> {
  using Base::Base;

  /// The shape and tiling of `op` if it is GEMM-class and this lowering
  /// handles it: static [M, K] x [N, K], M >= minRows, f32 result and
  /// accumulator and activations, weights from from_bytes of i8 storage,
  /// block size a multiple of the K step.
  std::optional<MmaShape> match(MatmulOp op) {
    std::optional<MatmulSizes> sizes = getStaticMatmulSizes(op);
    if (minRows <= 0 || !sizes ||
        !cast<RankedTensorType>(
             op.getWeights().getDefiningOp<FromBytesOp>().getBytes().getType())
             .getElementType()
             .isSignlessInteger(8) ||
        sizes->rows < minRows || sizes->blockSize % kStepK != 0)
      return std::nullopt;
    MmaShape s;
    static_cast<MatmulSizes &>(s) = *sizes;
    // 128 x 128 tiles when M is large; at M <= 64 one row tile of 64 and
    // 64-wide column tiles, so N / 64 launch blocks share the GPU.
    BlockFormatAttrInterface format = op.getWeights().getType().getFormat();
    // Whether the wgmma kernel can decode these weights into its A
    // registers: the format, and whole iterations of its loop (max(2,
    // B / 64) K steps of 64; NF4 with an odd number of 64-value blocks a
    // row cannot).
    bool registerDecode =
        wgmma && wgmmaDecodeMaxRows > 0 && decodesIntoRegisters(format) &&
        s.depth % 64 == 0 &&
        (s.depth / 64) % std::max<int64_t>(2, s.blockSize / 64) == 0;
    int64_t decodeOnceFrom = decodeOnceMinRows;
    if (decodeOnceFrom < 0)
      decodeOnceFrom =
          getDefaultDecodeOnceMinRows(format, wgmma, registerDecode);
    s.halfWeights = decodeOnceFrom > 0 && s.rows >= decodeOnceFrom;
    s.tileM = s.rows > 64 ? 128 : 64;
    s.tileN = s.rows > 64 ? 128 : 64;
    // Decoding in the kernel spreads the decode over 8 warps (2 x 4, warp
    // tiles of 64 x 32); with f16 weights 4 warps (2 x 2) take warp tiles
    // of 64 x 64, a third fewer ldmatrix bytes per mma, and when M > 64
    // async-warps-m x async-warps-n such warps make the tile.
    s.warpsM = 2;
    s.warpsN = s.halfWeights ? 2 : 4;
    s.stepK = kStepK;
    s.stages = 0;
    if (s.halfWeights) {
      s.stepK = s.depth % asyncStepK == 0 ? int64_t(asyncStepK) : kStepK;
      s.stages = asyncStages;
      if (s.rows > 64) {
        s.warpsM = asyncWarpsM;
        s.warpsN = asyncWarpsN;
        s.tileM = kAsyncWarpTile * s.warpsM;
        s.tileN = kAsyncWarpTile * s.warpsN;
      }
    }
    // wgmma on decoded-once weights (decoding in a wgmma kernel was
    // measured slower than both mma.sync forms: docs/PERF.md).
    s.wgmma = wgmma && s.halfWeights && s.depth % 64 == 0;
    s.wgmmaDecode = s.wgmma && registerDecode && s.rows <= wgmmaDecodeMaxRows &&
                    wgmmaMTiles == 1;
    s.decodeTableBytes =
        s.wgmmaDecode && isa<NF4Attr>(format) ? kNF4PairTableBytes : 0;
    if (s.wgmmaDecode) {
      // Decoding Q4_K into wgmma's A registers: the warpgroups' m64 tiles
      // are weight rows (BN = 64 x warpgroups), the wgmma's N the tile's x
      // rows (BM: M rounded up to a pass of the copies, at most 256, or
      // wgmma-tile-n). Up to M = 128 one warpgroup: twice the launch
      // blocks share the decode (measured 1.0 - 1.35x faster than two).
      int64_t warpgroups =
          s.rows <= 2 * kWarpgroupRows ? 1 : int64_t(wgmmaWarpgroups);
      s.stepK = 64;
      s.stages = wgmmaStages;
      s.warpgroupTiles = 1;
      s.warpsM = 4 * warpgroups;
      s.warpsN = 1;
      s.tileN = kWarpgroupRows * warpgroups;
      // The x rows split evenly over ceil(M / 256) row tiles (M = 384: two
      // of 192, not 256 + 128 whose copies would repeat row M - 1 128
      // times), rounded up to a pass of the copies.
      int64_t rowTiles = llvm::divideCeil(s.rows, 256);
      s.tileM = wgmmaTileN
                    ? int64_t(wgmmaTileN)
                    : int64_t(llvm::alignTo(llvm::divideCeil(s.rows, rowTiles),
                                            s.threads() / 8));
    } else if (s.wgmma) {
      // Warpgroups of 4 warps along M, each warp 16 rows x BN columns of
      // each of its warpgroup's m64 tiles; at M <= 64 one warpgroup.
      s.stepK = 64;
      s.stages = wgmmaStages;
      s.warpgroupTiles = wgmmaMTiles;
      int64_t warpgroups =
          s.rows <= kWarpgroupRows ? 1 : int64_t(wgmmaWarpgroups);
      s.warpsM = 4 * warpgroups;
      s.warpsN = 1;
      s.tileM = kWarpgroupRows * s.warpgroupTiles * warpgroups;
      s.tileN = wgmmaTileN ? int64_t(wgmmaTileN) : 256;
    }
    if (s.halfWeights && s.asyncSharedBytes() > kMaxSharedBytes) {
      op.emitError() << "quant4-gpu-mma-gemm: " << s.stages << " stages of a "
                     << s.tileM << " x " << s.tileN << " tile and K step "
                     << s.stepK << " take " << s.asyncSharedBytes()
                     << " bytes of shared memory, more than the "
                     << kMaxSharedBytes << " an sm_90 launch block may have";
      failed = true;
      return std::nullopt;
    }
    s.fragsM = s.tileM / s.warpsM / 16;
    s.fragsN = s.tileN / s.warpsN / 8;
    // Few output tiles (M = 64): split the K steps so that about
    // kTargetBlocks launch blocks run (the decode-once kernel: as many warps
    // as that many blocks of 4); a power of two dividing the steps.
    int64_t tiles =
        llvm::divideCeil(s.rows, s.tileM) * llvm::divideCeil(s.cols, s.tileN);
    int64_t numSteps = s.depth / s.stepK;
    int64_t targetBlocks = s.halfWeights
                               ? kTargetBlocks * 4 / (s.warpsM * s.warpsN)
                               : kTargetBlocks;
    s.splits = std::max<int64_t>(
        1,
        int64_t(llvm::bit_floor(uint64_t(std::min(
            int64_t(maxSplits), std::max<int64_t>(1, targetBlocks / tiles))))));
    // The kernel decoding into registers runs decodeUnroll() steps an
    // iteration.
    int64_t stepMultiple = s.wgmmaDecode ? s.decodeUnroll() : 1;
    while (numSteps % (s.splits * stepMultiple) != 0)
      s.splits /= 2;
    return s;
  }

  void rewrite(MatmulOp op, const MmaShape &s) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    memref::AllocOp buffer = allocateMatmulResult(b, op);
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value one = c(1);
    Value xh = buildHalfActivations(b, loc, s, op.getActivations());
    Value storage = op.getWeights().getDefiningOp<FromBytesOp>().getBytes();
    BlockFormatAttrInterface format = op.getWeights().getType().getFormat();
    Value wh = s.halfWeights && !s.wgmmaDecode
                   ? buildHalfWeights(b, loc, s, format, storage)
                   : Value();
    // The kernel decoding raw blocks copies them with cp.async: it reads
    // the storage as a buffer.
    if (s.wgmmaDecode) {
      auto bytes = cast<RankedTensorType>(storage.getType());
      storage = bufferization::ToBufferOp::create(
          b, loc, MemRefType::get(bytes.getShape(), bytes.getElementType()),
          storage, /*readOnly=*/true);
    }
    // With K splits the mma kernel writes [splits, M, N] partial sums (a
    // scratch buffer) and a second kernel adds them into y.
    Value partial = buffer;
    if (s.splits > 1)
      partial = memref::AllocOp::create(
          b, loc, MemRefType::get({s.splits, s.rows, s.cols}, b.getF32Type()));
    // Grid x walks the row tiles, so launch blocks running together share
    // weight tiles (read from HBM about once) more than x tiles. The
    // decode-once kernel's stages are dynamic shared memory (above the 48
    // KB of static shared memory with more stages, a K step of 64 or
    // bigger tiles).
    Value sharedBytes;
    if (s.halfWeights)
      sharedBytes = arith::ConstantIntOp::create(b, loc, b.getI32Type(),
                                                 s.asyncSharedBytes());
    auto launch =
        gpu::LaunchOp::create(b, loc, c(llvm::divideCeil(s.rows, s.tileM)),
                              c(llvm::divideCeil(s.cols, s.tileN)), c(s.splits),
                              c(s.threads()), one, one, sharedBytes);
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                                gpu::AddressSpace::Workgroup);
    if (!s.halfWeights)
      for (int64_t rows : {s.tileM, s.tileN})
        launch.addWorkgroupAttribution(
            MemRefType::get({rows, kRowPitch}, b.getF16Type(),
                            MemRefLayoutAttrInterface(), workgroup),
            loc);
    OpBuilder body = OpBuilder::atBlockBegin(&launch.getBody().front());
    MmaKernelBuilder(body, loc, s, format, xh, storage, wh, partial)
        .build(launch);
    b.setInsertionPointAfter(launch);
    if (s.splits > 1)
      buildSplitSum(b, loc, s, partial, buffer);
    replaceMatmulWithBuffer(b, op, buffer);
  }

  /// Emits "quant4-gpu-mma-gemm: NAME=VALUE must RULE" unless `valid`.
  bool checkKnob(bool valid, StringRef name, int64_t value, StringRef rule) {
    if (!valid)
      getOperation().emitError() << "quant4-gpu-mma-gemm: " << name << "="
                                 << value << " must " << rule;
    return valid;
  }

  void runOnOperation() override {
    auto isWarpCount = [](int64_t v) { return v == 1 || v == 2 || v == 4; };
    bool valid =
        checkKnob(asyncStepK == 32 || asyncStepK == 64, "async-step-k",
                  asyncStepK, "be 32 or 64") &&
        checkKnob(asyncStages >= 2 && asyncStages <= 8, "async-stages",
                  asyncStages, "be from 2 to 8") &&
        checkKnob(wgmmaStages >= 3 && wgmmaStages <= 8, "wgmma-stages",
                  wgmmaStages, "be from 3 to 8") &&
        checkKnob(wgmmaWarpgroups == 1 || wgmmaWarpgroups == 2,
                  "wgmma-warpgroups", wgmmaWarpgroups, "be 1 or 2") &&
        checkKnob(wgmmaTileN == 0 || (wgmmaTileN >= 32 && wgmmaTileN <= 256 &&
                                      wgmmaTileN % 32 == 0),
                  "wgmma-tile-n", wgmmaTileN,
                  "be 0 or a multiple of 32 from 32 to 256") &&
        checkKnob(wgmmaDecodeMaxRows >= 0, "wgmma-decode-max-rows",
                  wgmmaDecodeMaxRows, "not be negative") &&
        checkKnob(wgmmaMTiles == 1 || wgmmaMTiles == 2, "wgmma-m-tiles",
                  wgmmaMTiles, "be 1 or 2");
    if (!valid)
      return signalPassFailure();
    if (!isWarpCount(asyncWarpsM) || !isWarpCount(asyncWarpsN) ||
        asyncWarpsM * asyncWarpsN < 2) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: async-warps-m=" << asyncWarpsM.getValue()
          << " and async-warps-n=" << asyncWarpsN.getValue()
          << " must each be 1, 2 or 4, with at least 2 warps";
      return signalPassFailure();
    }
    rewriteMatchingMatmuls(getOperation(), *this);
    if (failed)
      signalPassFailure();
  }

  bool failed = false;
};

} // namespace
