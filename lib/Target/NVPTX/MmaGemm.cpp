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
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "Target/NVPTX/Passes.h"
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

namespace {

/// Threads of the elementwise launches and of the mma kernel that decodes
/// (8 warps as 2 (M) x 4 (N)).
constexpr int64_t kThreads = 256;
/// K values per step of the decoding kernel: one barrier-separated stage of
/// the tiles. Every block size (32, 64, 256) is a multiple.
constexpr int64_t kStepK = 32;
/// Row length in halves of the decoding kernel's workgroup tiles: kStepK
/// plus 8 of padding.
constexpr int64_t kRowPitch = kStepK + 8;
/// Rows and columns of a warp tile of the decode-once kernel when M > 64.
constexpr int64_t kAsyncWarpTile = 64;
/// The most dynamic shared memory an sm_90 launch block may opt in to.
constexpr int64_t kMaxSharedBytes = 227 * 1024;
/// Alignment in bytes of a 128-byte-swizzled wgmma operand tile: 8 rows of
/// 128 bytes, the period of the swizzle.
constexpr int64_t kSwizzleAlign = 1024;
/// Rows of x a warpgroup's wgmma.mma_async covers (m64nNk16).
constexpr int64_t kWarpgroupRows = 64;
/// Launch blocks a matmul aims for (4 per SM of a 132-SM H100): fewer
/// output tiles split their K steps over grid z (M = 64).
constexpr int64_t kTargetBlocks = 4 * 132;

/// Static facts about one GEMM-class matmul and its tiling.
struct MmaShape : MatmulSizes {
  int64_t tileM, tileN;            // BM, BN (output tile per launch block)
  int64_t fragsM, fragsN;          // m16 / n8 fragments per warp
  int64_t splits;                  // K splits over grid z (1: none)
  int64_t warpsM, warpsN;          // warps of a launch block, M x N
  int64_t stepK;                   // K values per pipeline step
  int64_t stages;                  // cp.async stages (decode-once kernel)
  bool halfWeights;                // weights decoded to f16 once, first
  bool wgmma;                      // wgmma kernel (sm_90a), M > 64
  int64_t warpgroupTiles;          // wgmma: m64 tiles per warpgroup

  int64_t threads() const { return 32 * warpsM * warpsN; }
  /// Bytes of one decode-once stage: (BM + BN) rows of stepK halves.
  int64_t stageBytes() const { return (tileM + tileN) * stepK * 2; }
  /// Bytes of the decode-once kernel's workgroup stages (dynamic shared
  /// memory), plus the slack that aligns the wgmma kernel's stages to the
  /// 1024 bytes of a 128-byte swizzle pattern.
  int64_t asyncSharedBytes() const {
    return stages * stageBytes() + (wgmma ? kSwizzleAlign : 0);
  }
};

/// The kernel body: everything inside the gpu.launch.
class MmaKernelBuilder {
public:
  MmaKernelBuilder(OpBuilder &b, Location loc, const MmaShape &s,
                   BlockFormatAttrInterface format, Value x, Value storage,
                   Value wh, Value y)
      : b(b), loc(loc), s(s), format(format), x(x), storage(storage), wh(wh),
        y(y) {}

  void build(gpu::LaunchOp launch) {
    Value tid = launch.getThreadIds().x;
    rowBase = mul(launch.getBlockIds().x, idx(s.tileM));
    colBase = mul(launch.getBlockIds().y, idx(s.tileN));
    Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
    lane = arith::RemUIOp::create(b, loc, tid, idx(32));
    warpRow = mul(arith::DivUIOp::create(b, loc, warp, idx(s.warpsN)),
                  idx(s.tileM / s.warpsM));
    warpCol = mul(arith::RemUIOp::create(b, loc, warp, idx(s.warpsN)),
                  idx(s.tileN / s.warpsN));

    // Split z takes K steps [z S, (z + 1) S), S = K / stepK / splits.
    int64_t splitSteps = s.depth / s.stepK / s.splits;
    Value split = s.splits > 1 ? launch.getBlockIds().z : Value();
    Value firstStep = split ? mul(split, idx(splitSteps)) : idx(0);
    Value lastStep = add(firstStep, idx(splitSteps - 1));
    if (s.wgmma) {
      storeWarpgroupOutput(tid, buildWgmmaLoop(tid, firstStep, lastStep),
                           split);
      gpu::TerminatorOp::create(b, loc);
      return;
    }
    auto accType = VectorType::get({2, 2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, accType, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
    SmallVector<Value> init(s.fragsM * s.fragsN, zero);
    ValueRange acc =
        wh ? buildAsyncLoop(viewStages(), tid, init, firstStep, lastStep)
           : buildStagedLoop(launch, tid, init, firstStep, lastStep);
    storeOutput(acc, split);
    gpu::TerminatorOp::create(b, loc);
  }

private:
  /// Decoding in the loop: software pipelining through registers, step
  /// s + 1's activations and decoded weights are loaded while step s's
  /// tiles (two padded workgroup buffers) feed the mma.
  ValueRange buildStagedLoop(gpu::LaunchOp launch, Value tid,
                             ArrayRef<Value> acc, Value firstStep,
                             Value lastStep) {
    Value tileA = launch.getWorkgroupAttributions()[0];
    Value tileB = launch.getWorkgroupAttributions()[1];
    int64_t numAcc = acc.size();
    Slice sliceA = sliceOf(tid, s.tileM), sliceB = sliceOf(tid, s.tileN);
    SmallVector<Value> init(acc);
    llvm::append_range(init, loadStep(sliceA, sliceB, firstStep));
    auto loop = scf::ForOp::create(
        b, loc, firstStep, add(lastStep, idx(1)), idx(1), init,
        [&](OpBuilder &, Location, Value step, ValueRange iter) {
          ValueRange staged = iter.drop_front(numAcc);
          storeSlice(tileA, sliceA, staged.take_front(sliceA.count));
          storeSlice(tileB, sliceB, staged.drop_front(sliceA.count));
          gpu::BarrierOp::create(b, loc);
          // The last step reloads itself (no branch; the values are unused).
          Value next =
              arith::MinUIOp::create(b, loc, add(step, idx(1)), lastStep);
          SmallVector<Value> loaded = loadStep(sliceA, sliceB, next);
          SmallVector<Value> result(iter.take_front(numAcc));
          TileRef a{tileA, Value(), idx(0)}, w{tileB, Value(), idx(0)};
          for (int64_t kk = 0; kk < kStepK; kk += 16)
            result = multiplyFragments(a, w, kk, result);
          gpu::BarrierOp::create(b, loc);
          llvm::append_range(result, loaded);
          scf::YieldOp::create(b, loc, result);
        });
    return loop.getResults().take_front(numAcc);
  }

  /// The decode-once kernel's stages: the launch's dynamic shared memory
  /// as a [stages, BM + BN, stepK] f16 buffer; for wgmma from the first
  /// kSwizzleAlign-aligned byte (`stagesAddress` is then its shared-window
  /// address, an i64).
  Value viewStages() {
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                                gpu::AddressSpace::Workgroup);
    Value bytes = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                        MemRefLayoutAttrInterface(), workgroup));
    Value shift = idx(0);
    if (s.wgmma) {
      // shift = -address mod kSwizzleAlign.
      Value address =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, bytes);
      Value mask = idx(kSwizzleAlign - 1);
      shift = arith::AndIOp::create(
          b, loc,
          arith::SubIOp::create(b, loc, idx(kSwizzleAlign),
                                arith::AndIOp::create(b, loc, address, mask)),
          mask);
      stagesAddress = arith::IndexCastUIOp::create(
          b, loc, b.getI64Type(),
          arith::AddIOp::create(b, loc, address, shift));
    }
    return memref::ViewOp::create(
        b, loc,
        MemRefType::get({s.stages, s.tileM + s.tileN, s.stepK}, b.getF16Type(),
                        MemRefLayoutAttrInterface(), workgroup),
        bytes, shift, ValueRange{});
  }

  /// The wgmma kernel (sm_90a): warpgroup g of the launch block computes
  /// output rows [64 g, 64 g + 64) x all BN columns of the tile with
  /// wgmma.mma_async m64nBNk16, both operands read by the tensor cores
  /// from the cp.async stages (K-major, the 128-byte swizzle the copies
  /// already write: stepK = 64 halves a row). With S stages the copies run
  /// P = S - 2 steps ahead, and one wgmma group stays in flight:
  ///   copy(first + i) -> stage i, commit, for i < P
  ///   wait until step first's copies landed; fence.proxy.async; barrier
  ///   for s = first ..= last (j = s - first):
  ///     wgmma.fence; acc = wgmma x (stepK / 16) on stage j mod S; commit
  ///     copy(min(s + P, last)) -> stage (j + P) mod S, commit
  ///     wgmma.wait_group 1        // step s - 1's products are done
  ///     wait until step s + 1's copies landed; fence.proxy.async; barrier
  /// Stage (j + P) mod S = (j - 2) mod S was last read by step s - 2's
  /// wgmma, which every warpgroup finished before the barrier ending step
  /// s - 1. The fence makes the copies (generic proxy) visible to the
  /// tensor cores' reads (async proxy).
  SmallVector<Value> buildWgmmaLoop(Value tid, Value firstStep,
                                    Value lastStep) {
    Value tiles = viewStages();
    int64_t ahead = s.stages - 2;
    Value token;
    for (int64_t i = 0; i < ahead; ++i)
      token = copyStep(
          tiles, tid, idx(i),
          arith::MinUIOp::create(b, loc, add(firstStep, idx(i)), lastStep));
    waitForStepAsync(token, ahead - 1);

    // Matrix descriptors (PTX ISA "Matrix Descriptor Format"): start
    // address / 16 in bits 0-13, leading byte offset / 16 in 16-29 (unused
    // by swizzled K-major operands: 1), stride byte offset / 16 in 32-45
    // (1024: from one 8-row group to the next), swizzle mode 1 (128 bytes)
    // in 62-63. Offsets inside the stages add to the start address field
    // (the stages end below 2^18 bytes, so it never carries).
    auto i64 = [&](int64_t v) {
      return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v)
          .getResult();
    };
    Value start = arith::ShRUIOp::create(
        b, loc, arith::AndIOp::create(b, loc, stagesAddress, i64(0x3FFFF)),
        i64(4));
    Value descBase = arith::OrIOp::create(b, loc, start,
                                          i64((int64_t(1) << 16) |
                                              ((kSwizzleAlign / 16) << 32) |
                                              (int64_t(1) << 62)));
    // Warpgroup g's m64 tile t: rows 64 (g T + t) of the A stage.
    Value rowBytes = idx(s.stepK * 2);
    Value firstTile = mul(arith::DivUIOp::create(b, loc, tid, idx(128)),
                          idx(s.warpgroupTiles));
    SmallVector<Value> aOffsets;
    for (int64_t t = 0; t < s.warpgroupTiles; ++t)
      aOffsets.push_back(
          mul(mul(add(firstTile, idx(t)), idx(kWarpgroupRows)), rowBytes));
    Value bOffset = idx(s.tileM * s.stepK * 2);

    MLIRContext *ctx = b.getContext();
    auto accType = LLVM::LLVMStructType::getLiteral(
        ctx, SmallVector<Type>(s.tileN / 2, b.getF32Type()));
    SmallVector<Value> init(s.warpgroupTiles,
                            LLVM::ZeroOp::create(b, loc, accType));
    auto f16 = NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f16);
    auto f32 = NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32);
    auto one = NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one);
    auto shape = NVVM::MMAShapeAttr::get(ctx, kWarpgroupRows, s.tileN, 16);

    // Step s uses stage (s - first) mod S.
    auto loop = scf::ForOp::create(
        b, loc, firstStep, add(lastStep, idx(1)), idx(1), init,
        [&](OpBuilder &, Location, Value step, ValueRange iter) {
          Value j = b.createOrFold<arith::SubIOp>(loc, step, firstStep);
          Value stage = arith::RemUIOp::create(b, loc, j, idx(s.stages));
          Value stageOffset = mul(stage, idx(s.stageBytes()));
          SmallVector<Value> acc(iter);
          NVVM::WgmmaFenceAlignedOp::create(b, loc);
          auto descriptor = [&](Value tileOffset, int64_t kk) -> Value {
            Value bytes = add(add(stageOffset, tileOffset), idx(kk * 2));
            return arith::AddIOp::create(
                b, loc, descBase,
                arith::IndexCastUIOp::create(
                    b, loc, b.getI64Type(),
                    arith::ShRUIOp::create(b, loc, bytes, idx(4))));
          };
          for (int64_t kk = 0; kk < s.stepK; kk += 16) {
            Value descB = descriptor(bOffset, kk);
            for (int64_t t = 0; t < s.warpgroupTiles; ++t)
              acc[t] = NVVM::WgmmaMmaAsyncOp::create(
                  b, loc, accType, acc[t], descriptor(aOffsets[t], kk), descB,
                  shape, f16, f16, f32,
                  NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one),
                  one, one, NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
                  NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::col),
                  /*satfinite=*/NVVM::MMAIntOverflowAttr());
          }
          NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
          // While the tensor cores multiply: the copies P steps ahead.
          Value token = copyStep(
              tiles, tid,
              arith::RemUIOp::create(b, loc, add(j, idx(ahead)), idx(s.stages)),
              arith::MinUIOp::create(b, loc, add(step, idx(ahead)), lastStep));
          NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
          waitForStepAsync(token, ahead - 1);
          scf::YieldOp::create(b, loc, acc);
        });
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    nvgpu::DeviceAsyncWaitOp::create(b, loc,
                                     nvgpu::DeviceAsyncCreateGroupOp::create(
                                         b, loc, tokenType(), ValueRange{}),
                                     b.getI32IntegerAttr(0));
    return loop.getResults();
  }

  /// Waits until at most `pending` cp.async groups are in flight, then
  /// makes the copies visible to the async proxy and every thread.
  void waitForStepAsync(Value token, int64_t pending) {
    nvgpu::DeviceAsyncWaitOp::create(b, loc, token,
                                     b.getI32IntegerAttr(pending));
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(b, loc);
  }

  /// The wgmma accumulators of m64nN, one per m64 tile t of warpgroup g:
  /// register 4 j + 2 i + c of thread t' holds row 64 (g T + t) +
  /// 16 ((t' / 32) mod 4) + (t' mod 32) / 4 + 8 i, column 8 j +
  /// 2 (t' mod 4) + c of the launch block's tile. Stored where inside
  /// M x N, two columns at once when N is even.
  void storeWarpgroupOutput(Value tid, ValueRange accs, Value split) {
    Value warpInGroup = arith::RemUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, tid, idx(32)), idx(4));
    Value firstTile = mul(arith::DivUIOp::create(b, loc, tid, idx(128)),
                          idx(s.warpgroupTiles));
    Value laneRow = add(mul(warpInGroup, idx(16)),
                        arith::DivUIOp::create(b, loc, lane, idx(4)));
    Value col0 =
        add(colBase, mul(arith::RemUIOp::create(b, loc, lane, idx(4)), idx(2)));
    for (auto [t, acc] : llvm::enumerate(accs)) {
      Value row0 = add(add(rowBase, laneRow),
                       mul(add(firstTile, idx(t)), idx(kWarpgroupRows)));
      storeAccumulator(acc, row0, col0, split);
    }
  }

  /// One m64nN accumulator whose register 4 j + 2 i + c is output
  /// [row0 + 8 i, col0 + 8 j + c] (of partial sums `split` when set).
  void storeAccumulator(Value acc, Value row0, Value col0, Value split) {
    bool pairs = s.cols % 2 == 0;
    for (int64_t j = 0; j < s.tileN / 8; ++j)
      for (int64_t i = 0; i < 2; ++i) {
        Value row = add(row0, idx(8 * i));
        Value col = add(col0, idx(8 * j));
        SmallVector<Value> values;
        for (int64_t c = 0; c < 2; ++c)
          values.push_back(
              LLVM::ExtractValueOp::create(b, loc, acc, 4 * j + 2 * i + c));
        Value rowInside = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ult, row, idx(s.rows));
        if (pairs) {
          Value inside = arith::AndIOp::create(
              b, loc, rowInside,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                    idx(s.cols)));
          scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
            vector::StoreOp::create(
                b, loc,
                vector::FromElementsOp::create(
                    b, loc, VectorType::get({2}, b.getF32Type()), values),
                y, outputIndices(split, row, col));
            scf::YieldOp::create(b, loc);
          });
          continue;
        }
        for (int64_t c = 0; c < 2; ++c) {
          Value at = add(col, idx(c));
          Value inside = arith::AndIOp::create(
              b, loc, rowInside,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, at,
                                    idx(s.cols)));
          scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
            memref::StoreOp::create(b, loc, values[c], y,
                                    outputIndices(split, row, at));
            scf::YieldOp::create(b, loc);
          });
        }
      }
  }

  /// [row, col] of y, or [split, row, col] of the partial sums.
  static SmallVector<Value> outputIndices(Value split, Value row, Value col) {
    if (split)
      return {split, row, col};
    return {row, col};
  }

  /// Weights decoded once: both tiles are f16 row copies, made by cp.async
  /// into S = stages workgroup stages, S - 1 steps ahead of the mma.
  ///   copy(first + i) -> stage i, commit, for i < S - 1
  ///   wait until step first's group is done; barrier
  ///   for s = first ..= last (j = s - first):
  ///     copy(min(s + S - 1, last)) -> stage (j - 1) mod S, commit
  ///     mma on stage j mod S
  ///     wait until step s + 1's group is done; barrier
  /// The barrier ending step s - 1 also frees its stage for the copy.
  ValueRange buildAsyncLoop(Value tiles, Value tid, ArrayRef<Value> acc,
                            Value firstStep, Value lastStep) {
    int64_t stages = s.stages;
    Value token;
    for (int64_t i = 0; i + 1 < stages; ++i)
      token = copyStep(
          tiles, tid, idx(i),
          arith::MinUIOp::create(b, loc, add(firstStep, idx(i)), lastStep));
    waitForStep(token);
    auto loop = scf::ForOp::create(
        b, loc, firstStep, add(lastStep, idx(1)), idx(1), acc,
        [&](OpBuilder &, Location, Value step, ValueRange iter) {
          Value j = b.createOrFold<arith::SubIOp>(loc, step, firstStep);
          Value ahead = arith::MinUIOp::create(
              b, loc, add(step, idx(stages - 1)), lastStep);
          Value token =
              copyStep(tiles, tid,
                       arith::RemUIOp::create(b, loc, add(j, idx(stages - 1)),
                                              idx(stages)),
                       ahead);
          Value stage = arith::RemUIOp::create(b, loc, j, idx(stages));
          TileRef a{tiles, stage, idx(0)}, w{tiles, stage, idx(s.tileM)};
          SmallVector<Value> result(iter);
          for (int64_t kk = 0; kk < s.stepK; kk += 16)
            result = multiplyFragments(a, w, kk, result);
          waitForStep(token);
          scf::YieldOp::create(b, loc, result);
        });
    // The trailing copies (of the last step again) land before the exit.
    nvgpu::DeviceAsyncWaitOp::create(b, loc,
                                     nvgpu::DeviceAsyncCreateGroupOp::create(
                                         b, loc, tokenType(), ValueRange{}),
                                     b.getI32IntegerAttr(0));
    return loop.getResults();
  }

  Type tokenType() { return nvgpu::DeviceAsyncTokenType::get(b.getContext()); }

  /// Waits until at most stages - 2 groups after the one of the step to
  /// be multiplied next are in flight (`token`: the newest group), then
  /// the barrier that makes every thread's copies visible.
  void waitForStep(Value token) {
    nvgpu::DeviceAsyncWaitOp::create(b, loc, token,
                                     b.getI32IntegerAttr(s.stages - 2));
    gpu::BarrierOp::create(b, loc);
  }

  /// cp.async of K step `step` of both tiles into stage `stage` (rows
  /// [0, BM) x, [BM, BM + BN) weights), one commit group; returns its
  /// token. With C = stepK / 8 16-byte chunks per row and T threads,
  /// chunk q = tid + T i is row q / C, chunk q % C; rows past M (N) copy
  /// row M - 1 (N - 1).
  Value copyStep(Value tiles, Value tid, Value stage, Value step) {
    constexpr int64_t kChunk = 8;
    int64_t chunksPerRow = s.stepK / kChunk;
    int64_t rowsPerPass = s.threads() / chunksPerRow;
    assert(s.tileM % rowsPerPass == 0 && rowsPerPass % 8 == 0 &&
           "a pass covers whole rows of one tile");
    Value rowInPass = arith::DivUIOp::create(b, loc, tid, idx(chunksPerRow));
    Value chunk = arith::RemUIOp::create(b, loc, tid, idx(chunksPerRow));
    Value k = add(mul(step, idx(s.stepK)), mul(chunk, idx(kChunk)));
    // rowInPass and the tile row agree mod 8 (passes are 16 - 64 rows).
    Value column = swizzledColumn(chunk, rowInPass);
    SmallVector<Value> copies;
    for (int64_t first = 0; first < s.tileM + s.tileN; first += rowsPerPass) {
      bool isA = first < s.tileM;
      Value tileRow = add(rowInPass, idx(first));
      Value srcRow =
          clampTo(add(isA ? rowBase : colBase,
                      add(rowInPass, idx(isA ? first : first - s.tileM))),
                  isA ? s.rows : s.cols);
      copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType(), tiles, ValueRange{stage, tileRow, column},
          isA ? x : wh, ValueRange{srcRow, k}, b.getIndexAttr(kChunk),
          /*srcElements=*/Value(), /*bypassL1=*/b.getUnitAttr()));
    }
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType(), copies);
  }

  /// The column (in halves) of logical 16-byte chunk `chunk` of a row
  /// whose index is `row` mod 8, rows of C = stepK / 8 chunks (R = 8 / C
  /// rows per 128-byte line): chunk xor ((row / R) mod C), i.e. chunk xor
  /// ((row / 2) mod 4) for 64-byte rows, chunk xor (row mod 8) for 128-byte
  /// rows. The eight rows one ldmatrix phase reads (8 consecutive rows,
  /// same chunk) then cover all 8 bank quarters of 128 bytes.
  Value swizzledColumn(Value chunk, Value row) {
    int64_t chunksPerRow = s.stepK / 8;
    Value line = row;
    if (int64_t rowsPerLine = 8 / chunksPerRow; rowsPerLine > 1)
      line =
          arith::ShRUIOp::create(b, loc, row, idx(llvm::Log2_64(rowsPerLine)));
    Value bits = arith::AndIOp::create(b, loc, line, idx(chunksPerRow - 1));
    return mul(arith::XOrIOp::create(b, loc, chunk, bits), idx(8));
  }

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value l, Value r) {
    return b.createOrFold<arith::AddIOp>(loc, l, r,
                                         arith::IntegerOverflowFlags::nuw);
  }
  Value mul(Value l, Value r) {
    return b.createOrFold<arith::MulIOp>(loc, l, r,
                                         arith::IntegerOverflowFlags::nuw);
  }
  Value clampTo(Value v, int64_t size) {
    return arith::MinUIOp::create(b, loc, v, idx(size - 1));
  }
  Value toHalf(Value v) {
    return arith::TruncFOp::create(b, loc, b.getF16Type(), v);
  }

  /// The thread's slice of a [rows x kStepK] tile staged by kThreads
  /// threads: row `tid / T` and values [c, c + n) with T = kStepK / n
  /// threads per row and c = (tid % T) * n, so a warp reads whole rows
  /// (coalesced) and each thread a contiguous run.
  struct Slice {
    Value row, col;
    int64_t count;
  };
  Slice sliceOf(Value tid, int64_t rows) {
    int64_t count = rows * kStepK / kThreads;
    int64_t perRow = kStepK / count;
    return {arith::DivUIOp::create(b, loc, tid, idx(perRow)),
            mul(arith::RemUIOp::create(b, loc, tid, idx(perRow)), idx(count)),
            count};
  }

  /// The thread's f16 values of K step `step`: its activation slice, then
  /// its weight slice.
  SmallVector<Value> loadStep(const Slice &sliceA, const Slice &sliceB,
                              Value step) {
    SmallVector<Value> values = loadHalfRows(x, rowBase, s.rows, sliceA, step);
    llvm::append_range(values, decodeWeights(sliceB, step));
    return values;
  }

  /// tile[r][c + j] = values[j] for the thread's slice.
  void storeSlice(Value tile, const Slice &slice, ValueRange values) {
    for (auto [j, v] : llvm::enumerate(values))
      memref::StoreOp::create(
          b, loc, v, tile,
          ValueRange{slice.row, add(slice.col, idx(int64_t(j)))});
  }

  /// src[row][32 step + c..] of the slice's tile row, `src` an f16
  /// [size, K] buffer (x made by buildHalfActivations), row = base + the
  /// slice's row; rows past `size` read row size - 1 (their outputs are not
  /// stored).
  SmallVector<Value> loadHalfRows(Value src, Value base, int64_t size,
                                  const Slice &slice, Value step) {
    Value row = clampTo(add(base, slice.row), size);
    Value k = add(mul(step, idx(kStepK)), slice.col);
    SmallVector<Value> values;
    for (int64_t j = 0; j < slice.count; ++j)
      values.push_back(
          memref::LoadOp::create(b, loc, src, ValueRange{row, add(k, idx(j))}));
    return values;
  }

  /// f16(decode(weight row col, 32 step + c..)) of the slice's tile row;
  /// columns past N decode row N - 1. The value index inside the block is
  /// the step's offset in its block plus a constant, so the decode's group
  /// arithmetic folds (a step never straddles a block).
  SmallVector<Value> decodeWeights(const Slice &slice, Value step) {
    Value col = clampTo(add(colBase, slice.row), s.cols);
    int64_t stepsPerBlock = s.blockSize / kStepK;
    Value block = add(mul(col, idx(s.blocksPerRow)),
                      arith::DivUIOp::create(b, loc, step, idx(stepsPerBlock)));
    Value first =
        add(mul(arith::RemUIOp::create(b, loc, step, idx(stepsPerBlock)),
                idx(kStepK)),
            slice.col);
    Value numBlocks = idx(s.numBlocks);
    SmallVector<Value> values;
    for (int64_t j = 0; j < slice.count; ++j)
      values.push_back(toHalf(format.buildDecode(b, loc, storage, numBlocks,
                                                 block, add(first, idx(j)))));
    return values;
  }

  /// A tile as ldmatrix reads it: rows from `rowOffset` of `buffer`, a
  /// padded [rows, 40] buffer, or stage `stage` of a swizzled
  /// [stages, rows, 32] one when `stage` is set.
  struct TileRef {
    Value buffer, stage, rowOffset;
  };

  /// ldmatrix of `numTiles` 8x8 matrices: the lane's address is row
  /// `base` + `laneRow` (`base` a multiple of 8), logical 16-byte chunk
  /// `chunk`.
  Value loadMatrix(const TileRef &tile, Value base, Value laneRow, Value chunk,
                   int64_t numTiles) {
    Value row = add(add(tile.rowOffset, base), laneRow);
    SmallVector<Value> at =
        tile.stage ? SmallVector<Value>{tile.stage, row,
                                        swizzledColumn(chunk, laneRow)}
                   : SmallVector<Value>{row, mul(chunk, idx(8))};
    return nvgpu::LdMatrixOp::create(
        b, loc, VectorType::get({numTiles, 2}, b.getF16Type()), tile.buffer, at,
        /*transpose=*/false, numTiles);
  }

  /// acc + the products of the k16 slice at column kk of both tiles.
  SmallVector<Value> multiplyFragments(const TileRef &tileA,
                                       const TileRef &tileB, int64_t kk,
                                       ArrayRef<Value> acc) {
    // ldmatrix.x4 on a 16x16 A fragment: lane l gives the address of row
    // l % 16, chunk (of 8 values) l / 16; x4 on two 8(n)x16(k) B fragments
    // nt and nt + 1 (registers 0-1 and 2-3): row l % 8 + 8 (l / 16), chunk
    // (l / 8) % 2.
    Value aRow = arith::RemUIOp::create(b, loc, lane, idx(16));
    Value aChunk =
        add(idx(kk / 8), arith::DivUIOp::create(b, loc, lane, idx(16)));
    Value bRow =
        add(arith::RemUIOp::create(b, loc, lane, idx(8)),
            mul(arith::DivUIOp::create(b, loc, lane, idx(16)), idx(8)));
    Value bChunk =
        add(idx(kk / 8),
            arith::RemUIOp::create(
                b, loc, arith::DivUIOp::create(b, loc, lane, idx(8)), idx(2)));
    SmallVector<Value> a, w;
    for (int64_t mt = 0; mt < s.fragsM; ++mt)
      a.push_back(
          loadMatrix(tileA, add(warpRow, idx(16 * mt)), aRow, aChunk, 4));
    for (int64_t nt = 0; nt < s.fragsN; nt += 2) {
      Value pair =
          loadMatrix(tileB, add(warpCol, idx(8 * nt)), bRow, bChunk, 4);
      for (int64_t half = 0; half < 2; ++half)
        w.push_back(vector::ExtractStridedSliceOp::create(
            b, loc, pair, ArrayRef<int64_t>{2 * half, 0},
            ArrayRef<int64_t>{2, 2}, ArrayRef<int64_t>{1, 1}));
    }
    SmallVector<Value> result;
    for (int64_t mt = 0; mt < s.fragsM; ++mt)
      for (int64_t nt = 0; nt < s.fragsN; ++nt)
        result.push_back(nvgpu::MmaSyncOp::create(
            b, loc, a[mt], w[nt], acc[mt * s.fragsN + nt],
            ArrayRef<int64_t>{16, 8, 16}));
    return result;
  }

  /// Accumulator element [i][j] of fragment (mt, nt) is output row
  /// 16 mt + lane / 4 + 8 i, column 8 nt + 2 (lane % 4) + j of the warp
  /// tile; stored where inside M x N, at [split, row, col] of the partial
  /// sums when `split` is set.
  void storeOutput(ValueRange acc, Value split) {
    Value row0 = add(add(rowBase, warpRow),
                     arith::DivUIOp::create(b, loc, lane, idx(4)));
    Value col0 = add(add(colBase, warpCol),
                     mul(arith::RemUIOp::create(b, loc, lane, idx(4)), idx(2)));
    for (int64_t mt = 0; mt < s.fragsM; ++mt)
      for (int64_t nt = 0; nt < s.fragsN; ++nt)
        for (int64_t i = 0; i < 2; ++i)
          for (int64_t j = 0; j < 2; ++j) {
            Value row = add(row0, idx(16 * mt + 8 * i));
            Value col = add(col0, idx(8 * nt + j));
            Value inside = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                      idx(s.rows)),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                      idx(s.cols)));
            Value v = vector::ExtractOp::create(b, loc, acc[mt * s.fragsN + nt],
                                                ArrayRef<int64_t>{i, j});
            scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
              memref::StoreOp::create(b, loc, v, y,
                                      outputIndices(split, row, col));
              scf::YieldOp::create(b, loc);
            });
          }
  }

  OpBuilder &b;
  Location loc;
  const MmaShape &s;
  BlockFormatAttrInterface format;
  Value x, storage, wh, y;
  Value lane, rowBase, colBase, warpRow, warpCol;
  Value stagesAddress;
};

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
/// kernel re-reads x once per column tile, at half the bytes of f32.
static Value buildHalfActivations(OpBuilder &b, Location loc, const MmaShape &s,
                                  Value x) {
  Value xh = memref::AllocOp::create(
      b, loc, MemRefType::get({s.rows, s.depth}, b.getF16Type()));
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

/// The smallest M whose weights are decoded once, first, by default
/// (measured on an H100, docs/PERF.md "GEMM: weights decoded once at large
/// M" and "GEMM: wgmma on sm_90a"): MXFP4's ggml blocks (17 bytes, byte
/// loads) decode slowly enough that decoding once pays from M = 64 (1.2 -
/// 1.3x faster there). With mma.sync, Q4_K and NF4 only from 512 (at M = 64
/// they were 0.95 - 1.05x and 0.85 - 0.95x). The wgmma kernel multiplies
/// decoded-once weights so much faster that Q4_K gains from M = 128 (1.1x
/// over mma.sync decoding in the kernel) and NF4, whose decode in the
/// kernel is cheaper, from 256 (1.3 - 1.5x there).
static int64_t getDefaultDecodeOnceMinRows(BlockFormatAttrInterface format,
                                           bool wgmma) {
  if (isa<MXFP4Attr>(format))
    return 64;
  if (!wgmma)
    return 512;
  return isa<Q4KAttr>(format) ? 128 : 256;
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
    int64_t decodeOnceFrom = decodeOnceMinRows;
    if (decodeOnceFrom < 0)
      decodeOnceFrom = getDefaultDecodeOnceMinRows(
          op.getWeights().getType().getFormat(), wgmma);
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
    if (s.wgmma) {
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
      s.tileN = wgmmaTileN;
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
    while (numSteps % s.splits != 0)
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
    Value wh =
        s.halfWeights ? buildHalfWeights(b, loc, s, format, storage) : Value();
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

  void runOnOperation() override {
    auto isWarpCount = [](int64_t v) { return v == 1 || v == 2 || v == 4; };
    if (asyncStepK != 32 && asyncStepK != 64) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: async-step-k=" << asyncStepK.getValue()
          << " must be 32 or 64";
      return signalPassFailure();
    }
    if (asyncStages < 2 || asyncStages > 8) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: async-stages=" << asyncStages.getValue()
          << " must be from 2 to 8";
      return signalPassFailure();
    }
    if (!isWarpCount(asyncWarpsM) || !isWarpCount(asyncWarpsN) ||
        asyncWarpsM * asyncWarpsN < 2) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: async-warps-m=" << asyncWarpsM.getValue()
          << " and async-warps-n=" << asyncWarpsN.getValue()
          << " must each be 1, 2 or 4, with at least 2 warps";
      return signalPassFailure();
    }
    if (wgmmaStages < 3 || wgmmaStages > 8) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: wgmma-stages=" << wgmmaStages.getValue()
          << " must be from 3 to 8";
      return signalPassFailure();
    }
    if (wgmmaWarpgroups != 1 && wgmmaWarpgroups != 2) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: wgmma-warpgroups="
          << wgmmaWarpgroups.getValue() << " must be 1 or 2";
      return signalPassFailure();
    }
    if (wgmmaTileN < 32 || wgmmaTileN > 256 || wgmmaTileN % 32 != 0) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: wgmma-tile-n=" << wgmmaTileN.getValue()
          << " must be a multiple of 32 from 32 to 256";
      return signalPassFailure();
    }
    if (wgmmaMTiles != 1 && wgmmaMTiles != 2) {
      getOperation().emitError()
          << "quant4-gpu-mma-gemm: wgmma-m-tiles=" << wgmmaMTiles.getValue()
          << " must be 1 or 2";
      return signalPassFailure();
    }
    rewriteMatchingMatmuls(getOperation(), *this);
    if (failed)
      signalPassFailure();
  }

  bool failed = false;
};

} // namespace
