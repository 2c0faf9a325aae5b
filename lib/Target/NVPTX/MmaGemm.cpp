//===- MmaGemm.cpp - GEMM-class quant4.matmul on tensor cores -------------===//
//
// quant4-gpu-mma-gemm: a `quant4.matmul` with many rows (M >= min-rows)
// becomes gpu.launch ops built here, before bufferization (like
// quant4-gpu-gemv, the launches read the tensors they capture): xh = f16(x)
// (one thread per element, into a scratch buffer), then the mma kernel:
//
//   launch block (bx, by): output tile rows [by*BM, +BM) x cols [bx*BN, +BN)
//   8 warps as 2 (M) x 4 (N), warp tile (BM/2) x (BN/4) of m16n8 fragments
//   acc[mt][nt] = 0                                  // vector<2x2xf32> each
//   a, w = load(0)                                   // the thread's slices:
//     a[c] = xh[min(row, M-1)][32s + c]              //   f16 registers
//     w[c] = f16(decode(min(col, N-1), 32s + c))     //   buildDecode, f32
//   for s = 0; s < K / 32; ++s:                      // K steps of BK = 32
//     As[r][c..] = a; Bs[n][c..] = w
//     barrier
//     a, w = load(min(s + 1, K / 32 - 1))            // in flight during mma
//     for kk in {0, 16}:
//       fa[mt] = ldmatrix.x4 As[warp rows + 16mt ..][kk ..]
//       fb[nt] = ldmatrix.x2 Bs[warp cols + 8nt ..][kk ..]
//       acc[mt][nt] = mma.sync.m16n8k16(fa[mt], fb[nt], acc[mt][nt])
//     barrier
//   y[row][col] = acc (rows < M, cols < N)
//
// As and Bs are workgroup memory with rows padded from 32 to 40 halves (80
// bytes), so the eight 16-byte rows an ldmatrix reads fall in distinct
// banks. Weight rows [N, K] are K-contiguous, which is the "col" layout
// mma.sync wants for B, so both tiles load without transposition.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUMMAGEMM
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {

constexpr int64_t kWarps = 8, kWarpsM = 2, kWarpsN = 4;
constexpr int64_t kThreads = kWarps * 32;
/// K values per step: one barrier-separated stage of the tiles. Every block
/// size (32, 64, 256) is a multiple.
constexpr int64_t kStepK = 32;
/// Workgroup row length in halves: kStepK plus 8 of padding.
constexpr int64_t kRowPitch = kStepK + 8;
/// Launch blocks a matmul aims for (4 per SM of a 132-SM H100): fewer
/// output tiles split their K steps over grid z (M = 64).
constexpr int64_t kTargetBlocks = 4 * 132;

/// Static facts about one GEMM-class matmul and its tiling.
struct MmaShape : MatmulSizes {
  int64_t tileM, tileN;            // BM, BN (output tile per launch block)
  int64_t fragsM, fragsN;          // m16 / n8 fragments per warp
  int64_t splits;                  // K splits over grid z (1: none)
  bool halfWeights;                // weights decoded to f16 once, first
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
    tileA = launch.getWorkgroupAttributions()[0];
    tileB = launch.getWorkgroupAttributions()[1];
    rowBase = mul(launch.getBlockIds().y, idx(s.tileM));
    colBase = mul(launch.getBlockIds().x, idx(s.tileN));
    Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
    lane = arith::RemUIOp::create(b, loc, tid, idx(32));
    warpRow = mul(arith::DivUIOp::create(b, loc, warp, idx(kWarpsN)),
                  idx(s.tileM / kWarpsM));
    warpCol = mul(arith::RemUIOp::create(b, loc, warp, idx(kWarpsN)),
                  idx(s.tileN / kWarpsN));

    auto accType = VectorType::get({2, 2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, accType, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
    int64_t numAcc = s.fragsM * s.fragsN;
    SmallVector<Value> init(numAcc, zero);
    // Software pipelining through registers: step s + 1's activations and
    // decoded weights are loaded while step s's tiles feed the mma.
    Slice sliceA = sliceOf(tid, s.tileM), sliceB = sliceOf(tid, s.tileN);
    // Split z takes K steps [z S, (z + 1) S), S = K / 32 / splits.
    int64_t splitSteps = s.depth / kStepK / s.splits;
    Value firstStep =
        s.splits == 1 ? idx(0) : mul(launch.getBlockIds().z, idx(splitSteps));
    Value lastStep = add(firstStep, idx(splitSteps - 1));
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
          for (int64_t kk = 0; kk < kStepK; kk += 16)
            result = multiplyFragments(kk, result);
          gpu::BarrierOp::create(b, loc);
          llvm::append_range(result, loaded);
          scf::YieldOp::create(b, loc, result);
        });
    storeOutput(loop.getResults().take_front(numAcc),
                s.splits > 1 ? launch.getBlockIds().z : Value());
    gpu::TerminatorOp::create(b, loc);
  }

private:
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
    llvm::append_range(values,
                       wh ? loadHalfRows(wh, colBase, s.cols, sliceB, step)
                          : decodeWeights(sliceB, step));
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
  /// [size, K] buffer (x made by buildHalfActivations, or the weights by
  /// buildHalfWeights), row = base + the slice's row; rows past `size` read
  /// row size - 1 (their outputs are not stored).
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

  /// acc + the products of the k16 slice at column kk of both tiles.
  SmallVector<Value> multiplyFragments(int64_t kk, ArrayRef<Value> acc) {
    Type half = b.getF16Type();
    // ldmatrix.x4 on a 16x16 A fragment: lane l gives the address of row
    // l % 16, column 8 (l / 16); x2 on an 8(n)x16(k) B fragment: lane l
    // (< 16) gives row l % 8, column 8 ((l / 8) % 2).
    Value aRow = arith::RemUIOp::create(b, loc, lane, idx(16));
    Value aCol = add(
        idx(kk), mul(arith::DivUIOp::create(b, loc, lane, idx(16)), idx(8)));
    Value bRow = arith::RemUIOp::create(b, loc, lane, idx(8));
    Value bCol = add(
        idx(kk),
        mul(arith::RemUIOp::create(
                b, loc, arith::DivUIOp::create(b, loc, lane, idx(8)), idx(2)),
            idx(8)));
    SmallVector<Value> a, w;
    for (int64_t mt = 0; mt < s.fragsM; ++mt)
      a.push_back(nvgpu::LdMatrixOp::create(
          b, loc, VectorType::get({4, 2}, half), tileA,
          ValueRange{add(add(warpRow, idx(16 * mt)), aRow), aCol},
          /*transpose=*/false, /*numTiles=*/4));
    for (int64_t nt = 0; nt < s.fragsN; ++nt)
      w.push_back(nvgpu::LdMatrixOp::create(
          b, loc, VectorType::get({2, 2}, half), tileB,
          ValueRange{add(add(warpCol, idx(8 * nt)), bRow), bCol},
          /*transpose=*/false, /*numTiles=*/2));
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
              SmallVector<Value> at{row, col};
              if (split)
                at.insert(at.begin(), split);
              memref::StoreOp::create(b, loc, v, y, at);
              scf::YieldOp::create(b, loc);
            });
          }
  }

  OpBuilder &b;
  Location loc;
  const MmaShape &s;
  BlockFormatAttrInterface format;
  Value x, storage, wh, y;
  Value tileA, tileB, lane, rowBase, colBase, warpRow, warpCol;
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

/// xh = f16(x) (round to nearest even) into a fresh [M, K] buffer: the mma
/// kernel re-reads x once per column tile, at half the bytes of f32.
static Value buildHalfActivations(OpBuilder &b, Location loc, const MmaShape &s,
                                  Value x) {
  Value xh = memref::AllocOp::create(
      b, loc, MemRefType::get({s.rows, s.depth}, b.getF16Type()));
  buildElementwiseLaunch(b, loc, s.rows * s.depth, [&](OpBuilder &b, Value i) {
    Value depth = arith::ConstantIndexOp::create(b, loc, s.depth);
    Value m = arith::DivUIOp::create(b, loc, i, depth);
    Value k = arith::RemUIOp::create(b, loc, i, depth);
    Value v = tensor::ExtractOp::create(b, loc, x, ValueRange{m, k});
    if (v.getType() != b.getF32Type())
      v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
    memref::StoreOp::create(b, loc,
                            arith::TruncFOp::create(b, loc, b.getF16Type(), v),
                            xh, ValueRange{m, k});
  });
  return xh;
}

/// wh = f16(decode(w)) into a fresh [N, K] buffer, 8 values per thread:
/// at large M every 128-row tile would otherwise decode every weight again.
static Value buildHalfWeights(OpBuilder &b, Location loc, const MmaShape &s,
                              BlockFormatAttrInterface format, Value storage) {
  constexpr int64_t kRun = 8;
  Value wh = memref::AllocOp::create(
      b, loc, MemRefType::get({s.cols, s.depth}, b.getF16Type()));
  buildElementwiseLaunch(
      b, loc, s.cols * s.depth / kRun, [&](OpBuilder &b, Value i) {
        auto c = [&](int64_t v) {
          return arith::ConstantIndexOp::create(b, loc, v).getResult();
        };
        Value col = arith::DivUIOp::create(b, loc, i, c(s.depth / kRun));
        Value k = arith::MulIOp::create(
            b, loc, arith::RemUIOp::create(b, loc, i, c(s.depth / kRun)),
            c(kRun));
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
    s.tileM = s.rows > 64 ? 128 : 64;
    s.tileN = s.rows > 64 ? 128 : 64;
    s.fragsM = s.tileM / kWarpsM / 16;
    s.fragsN = s.tileN / kWarpsN / 8;
    // Few output tiles (M = 64): split the K steps so that about
    // kTargetBlocks launch blocks run; a power of two dividing the steps.
    int64_t tiles =
        llvm::divideCeil(s.rows, s.tileM) * llvm::divideCeil(s.cols, s.tileN);
    int64_t numSteps = s.depth / kStepK;
    s.splits = std::max<int64_t>(
        1, int64_t(llvm::bit_floor(uint64_t(
               std::min(int64_t(maxSplits),
                        std::max<int64_t>(1, kTargetBlocks / tiles))))));
    while (numSteps % s.splits != 0)
      s.splits /= 2;
    s.halfWeights = decodeOnceMinRows > 0 && s.rows >= decodeOnceMinRows;
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
    auto launch =
        gpu::LaunchOp::create(b, loc, c(llvm::divideCeil(s.cols, s.tileN)),
                              c(llvm::divideCeil(s.rows, s.tileM)), c(s.splits),
                              c(kThreads), one, one);
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                                gpu::AddressSpace::Workgroup);
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
    rewriteMatchingMatmuls(getOperation(), *this);
  }
};

} // namespace
