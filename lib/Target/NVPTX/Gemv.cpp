//===- Gemv.cpp - GEMV-class quant4.matmul as one gpu.launch --------------===//
//
// quant4-gpu-gemv: a `quant4.matmul` with few rows (M <= max-rows) becomes a
// gpu.launch built here, before bufferization (the launch reads the tensors
// it captures; one-shot bufferization turns those reads into loads):
//
//   threadIdx.x = lane * (32 / L) + column in the warp; R columns per thread
//   acc[0..M*R) = 0
//   for kb = lane; kb < blocksPerRow; kb += L:          // K blocks
//     for each decode group g of the block:             // unrolled at M = 1
//       for each value i of the group (unrolled):
//         w[r] = decode(block n_r * blocksPerRow + kb, g * G + i)
//         for m < M (unrolled): acc[m, r] += w[r] * x[m, kb * B + g * G + i]
//   acc = butterfly sum over the lane bits of threadIdx.x (gpu.shuffle xor)
//   lane 0: y[m, n_r] = acc[m, r]
//
// The weights are decoded once for all M rows. The value indices given to
// the format's buildDecode are constants (M = 1) or a group base plus a
// constant, so its index arithmetic folds (in MLIR or LLVM): a block's
// scales are loaded once per group, each storage byte once for both of its
// nibbles, and the byte loads of a block sit at constant offsets from one
// base, which LLVM's load/store vectorizer merges into 16-byte loads
// (kernel pointers are 16-byte aligned, quant4-gpu-mark-kernel-args). The
// warp's columns share each activation load (a broadcast).
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUGEMV
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// Threads a GEMV launch aims for (lanes x columns / R): enough warps per SM
/// to keep loads in flight on a large GPU.
constexpr int64_t kTargetThreads = 1 << 15;

/// Static facts about one GEMV-class matmul.
struct GemvShape {
  int64_t rows, cols, depth;      // M, N, K
  int64_t blockSize, group;       // B, G
  int64_t blocksPerRow, numBlocks; // K / B, N * K / B
  int64_t lanes;                  // L: lanes sharing a column's K blocks
  int64_t colsPerWarp;            // 32 / L (low bits of the lane id)
  int64_t warpsPerBlock;          // W
  int64_t colsPerThread;          // R: columns sharing each x load
};

/// The kernel body: everything inside the gpu.launch.
class GemvKernelBuilder {
public:
  GemvKernelBuilder(OpBuilder &b, Location loc, const GemvShape &s,
                    BlockFormatAttrInterface format, Value x, Value storage,
                    Value y)
      : b(b), loc(loc), s(s), format(format), x(x), storage(storage), y(y) {}

  void build(gpu::LaunchOp launch) {
    // threadIdx.x = lane * (32 / L) + column in the warp: the warp's
    // columns read the same activations at once (one broadcast per lane).
    Value tid = launch.getThreadIds().x;
    Value lane = arith::DivUIOp::create(b, loc, tid, idx(s.colsPerWarp));
    Value warp = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                              idx(s.warpsPerBlock)),
        launch.getThreadIds().y);
    Value first = arith::MulIOp::create(
        b, loc,
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, warp, idx(s.colsPerWarp)),
            arith::RemUIOp::create(b, loc, tid, idx(s.colsPerWarp))),
        idx(s.colsPerThread));
    // Columns past N (a partial last launch block) compute column N - 1 so
    // every lane joins the shuffles, and store nothing.
    SmallVector<Value> cols, clamped;
    for (int64_t r = 0; r < s.colsPerThread; ++r) {
      cols.push_back(arith::AddIOp::create(b, loc, first, idx(r)));
      clamped.push_back(
          arith::MinUIOp::create(b, loc, cols.back(), idx(s.cols - 1)));
    }
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    SmallVector<Value> init(s.rows * s.colsPerThread, zero);
    auto loop = scf::ForOp::create(
        b, loc, lane, idx(s.blocksPerRow), idx(s.lanes), init,
        [&](OpBuilder &, Location, Value kb, ValueRange acc) {
          scf::YieldOp::create(b, loc, accumulateBlock(clamped, kb, acc));
        });
    SmallVector<Value> sums = reduceLanes(loop.getResults());
    Value isFirstLane =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0));
    for (int64_t r = 0; r < s.colsPerThread; ++r) {
      Value store = arith::AndIOp::create(
          b, loc, isFirstLane,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, cols[r],
                                idx(s.cols)));
      scf::IfOp::create(b, loc, store, [&](OpBuilder &, Location) {
        for (int64_t m = 0; m < s.rows; ++m)
          memref::StoreOp::create(b, loc, sums[m * s.colsPerThread + r], y,
                                  ValueRange{idx(m), clamped[r]});
        scf::YieldOp::create(b, loc);
      });
    }
    gpu::TerminatorOp::create(b, loc);
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// acc[m * R + r] + the products of K block `kb` of column `cols[r]`
  /// with row m of x; each x value is loaded once for the R columns. At
  /// M = 1 the block's groups are unrolled (all value indices constant);
  /// with more rows an scf.for walks the groups, so LLVM cannot hoist a
  /// whole block's decode ahead of its uses (it spilled at M = 4).
  SmallVector<Value> accumulateBlock(ArrayRef<Value> cols, Value kb,
                                     ValueRange acc) {
    SmallVector<Value> blocks;
    for (Value n : cols)
      blocks.push_back(arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, n, idx(s.blocksPerRow)), kb));
    Value kBase = arith::MulIOp::create(b, loc, kb, idx(s.blockSize));
    int64_t numGroups = s.blockSize / s.group;
    if (s.rows == 1) {
      SmallVector<Value> result(acc);
      for (int64_t g = 0; g < numGroups; ++g)
        result = accumulateGroup(blocks, kBase, idx(g * s.group), result);
      return result;
    }
    auto loop = scf::ForOp::create(
        b, loc, idx(0), idx(numGroups), idx(1), acc,
        [&](OpBuilder &, Location, Value g, ValueRange iter) {
          Value first = arith::MulIOp::create(b, loc, g, idx(s.group),
                                              arith::IntegerOverflowFlags::nuw);
          scf::YieldOp::create(b, loc,
                               accumulateGroup(blocks, kBase, first, iter));
        });
    return loop.getResults();
  }

  /// acc + the products of the group whose first value index in each block
  /// is `first`: value i is decoded for the R columns, then used at once by
  /// all M rows; partial[m * R + r] sums the group's products.
  SmallVector<Value> accumulateGroup(ArrayRef<Value> blocks, Value kBase,
                                     Value first, ValueRange acc) {
    int64_t numCols = s.colsPerThread;
    Value numBlocks = idx(s.numBlocks);
    auto nuw = arith::IntegerOverflowFlags::nuw;
    SmallVector<Value> partial(acc.size());
    for (int64_t i = 0; i < s.group; ++i) {
      Value index = b.createOrFold<arith::AddIOp>(loc, first, idx(i), nuw);
      SmallVector<Value> w;
      for (Value block : blocks)
        w.push_back(
            format.buildDecode(b, loc, storage, numBlocks, block, index));
      Value k = arith::AddIOp::create(b, loc, kBase, index, nuw);
      for (int64_t m = 0; m < s.rows; ++m) {
        Value xv = tensor::ExtractOp::create(b, loc, x, ValueRange{idx(m), k});
        if (xv.getType() != b.getF32Type())
          xv = arith::ExtFOp::create(b, loc, b.getF32Type(), xv);
        for (int64_t r = 0; r < numCols; ++r) {
          Value product = arith::MulFOp::create(b, loc, w[r], xv);
          Value &sum = partial[m * numCols + r];
          sum = sum ? arith::AddFOp::create(b, loc, sum, product).getResult()
                    : product;
        }
      }
    }
    SmallVector<Value> result;
    for (auto [a, sum] : llvm::zip_equal(acc, partial))
      result.push_back(arith::AddFOp::create(b, loc, a, sum));
    return result;
  }

  /// Butterfly sums over the L lanes of a column (xor offsets 16 .. 32 / L:
  /// the lane bits of threadIdx.x).
  SmallVector<Value> reduceLanes(ValueRange values) {
    SmallVector<Value> sums(values);
    for (int64_t offset = 16; offset >= s.colsPerWarp; offset /= 2) {
      Value off = arith::ConstantIntOp::create(b, loc, b.getI32Type(), offset);
      Value width = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 32);
      for (Value &sum : sums) {
        auto shuffle = gpu::ShuffleOp::create(b, loc, sum, off, width,
                                              gpu::ShuffleMode::XOR);
        sum = arith::AddFOp::create(b, loc, sum, shuffle.getShuffleResult());
      }
    }
    return sums;
  }

  OpBuilder &b;
  Location loc;
  const GemvShape &s;
  BlockFormatAttrInterface format;
  Value x, storage, y;
};

/// An upper bound on the significant bits of the i32 value `v`, from the
/// ops that made it (masks, shifts, ors, selects of such); 32 if unknown.
static unsigned significantBits(Value v, unsigned depth = 0) {
  if (depth > 8)
    return 32;
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return llvm::bit_width(uint64_t(uint32_t(*c)));
  Operation *op = v.getDefiningOp();
  auto bitsOf = [&](Value x) { return significantBits(x, depth + 1); };
  if (auto ext = dyn_cast_or_null<arith::ExtUIOp>(op))
    return ext.getIn().getType().getIntOrFloatBitWidth();
  if (auto andOp = dyn_cast_or_null<arith::AndIOp>(op))
    return std::min(bitsOf(andOp.getLhs()), bitsOf(andOp.getRhs()));
  if (isa_and_nonnull<arith::OrIOp, arith::XOrIOp>(op))
    return std::max(bitsOf(op->getOperand(0)), bitsOf(op->getOperand(1)));
  if (auto select = dyn_cast_or_null<arith::SelectOp>(op))
    return std::max(bitsOf(select.getTrueValue()),
                    bitsOf(select.getFalseValue()));
  if (auto shr = dyn_cast_or_null<arith::ShRUIOp>(op))
    return bitsOf(shr.getLhs());
  if (auto shl = dyn_cast_or_null<arith::ShLIOp>(op))
    if (std::optional<int64_t> c = getConstantIntValue(shl.getRhs()))
      return std::min<unsigned>(32, bitsOf(shl.getLhs()) + unsigned(*c));
  return 32;
}

/// uitofp i32 -> f32 of values below 2^23 as bits(v | 0x4B000000) - 2^23:
/// exact, and two full-rate ops instead of a quarter-rate conversion on the
/// GPU (every decoded 4-bit code and 6-bit scale goes through one).
static void rewriteSmallIntToFloat(Operation *root) {
  root->walk([](arith::UIToFPOp op) {
    if (!op.getIn().getType().isInteger(32) || !op.getType().isF32() ||
        significantBits(op.getIn()) > 23)
      return;
    OpBuilder b(op);
    Location loc = op.getLoc();
    Value bits = arith::OrIOp::create(
        b, loc, op.getIn(),
        arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0x4B000000));
    Value biased = arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
    Value magic = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(8388608));
    op.replaceAllUsesWith(
        arith::SubFOp::create(b, loc, biased, magic).getResult());
    op.erase();
  });
}

/// Lets LLVM fuse every multiply-add of the kernel into an fma (decode and
/// dot product): the sum is not bit-exact with the CPU path's order anyway,
/// and the fused form rounds less.
static void allowContraction(Operation *root) {
  auto contract = arith::FastMathFlagsAttr::get(root->getContext(),
                                                arith::FastMathFlags::contract);
  root->walk([&](arith::ArithFastMathInterface op) {
    op->setAttr(op.getFastMathAttrName(), contract);
  });
}

/// True when `fromBytes` reads i8 storage, after retyping a ui8 function
/// argument that only from_bytes ops read to i8 (the same bytes; the type
/// convert-quant4-to-linalg gives it anyway, and the only byte type
/// bufferization and arith accept).
static bool hasSignlessBytes(FromBytesOp fromBytes) {
  Value bytes = fromBytes.getBytes();
  auto type = cast<RankedTensorType>(bytes.getType());
  if (type.getElementType().isSignlessInteger(8))
    return true;
  auto arg = dyn_cast<BlockArgument>(bytes);
  auto func = arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp())
                  : func::FuncOp();
  if (!func || arg.getOwner() != &func.getBody().front() ||
      !llvm::all_of(arg.getUsers(), llvm::IsaPred<FromBytesOp>))
    return false;
  arg.setType(type.clone(IntegerType::get(type.getContext(), 8)));
  SmallVector<Type> inputs(func.getArgumentTypes());
  inputs[arg.getArgNumber()] = arg.getType();
  func.setFunctionType(FunctionType::get(func.getContext(), inputs,
                                         func.getResultTypes()));
  return true;
}

struct Gemv : mlir::quant4::impl::Quant4GPUGemvBase<Gemv> {
  using Base::Base;

  /// The shape of `op` if it is GEMV-class and this lowering handles it:
  /// static [M, K] x [N, K] with M <= maxRows, f32 result and accumulator,
  /// weights from from_bytes of i8 (or retyped ui8) storage.
  std::optional<GemvShape> match(MatmulOp op) {
    auto xType = cast<RankedTensorType>(op.getActivations().getType());
    auto yType = cast<RankedTensorType>(op.getResult().getType());
    BlockedTensorType wType = op.getWeights().getType();
    auto fromBytes = op.getWeights().getDefiningOp<FromBytesOp>();
    if (!fromBytes || xType.getRank() != 2 || !xType.hasStaticShape() ||
        !wType.hasStaticShape() || !yType.getElementType().isF32() ||
        !op.getAccumulatorType().isF32() ||
        op.getActivationModeOrDefault() != ActivationMode::f32 ||
        !hasSignlessBytes(fromBytes))
      return std::nullopt;
    GemvShape s;
    s.rows = xType.getDimSize(0);
    s.depth = xType.getDimSize(1);
    s.cols = wType.getShape()[0];
    if (s.rows > maxRows)
      return std::nullopt;
    BlockFormatAttrInterface format = wType.getFormat();
    s.blockSize = format.getBlockSize();
    s.group = format.getDecodeGroupSize();
    s.blocksPerRow = s.depth / s.blockSize;
    s.numBlocks = s.cols * s.blocksPerRow;
    // Few lanes per column: each lane's activation loads are one broadcast
    // to the warp's 32 / L columns, so L1 traffic for x grows with L. Enough
    // lanes that N / R * L threads (about 2^15) fill the GPU.
    s.colsPerThread = s.rows > 1 && s.cols > 1 ? 2 : 1;
    int64_t threadCols = llvm::divideCeil(s.cols, s.colsPerThread);
    int64_t wanted = int64_t(
        llvm::PowerOf2Ceil(uint64_t(llvm::divideCeil(kTargetThreads,
                                                     threadCols))));
    s.lanes = std::clamp<int64_t>(
        wanted, 1,
        std::min<int64_t>(32,
                          int64_t(llvm::bit_floor(uint64_t(s.blocksPerRow)))));
    s.colsPerWarp = 32 / s.lanes;
    s.warpsPerBlock = std::max<int64_t>(1, threads / 32);
    return s;
  }

  void rewrite(MatmulOp op, const GemvShape &s) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto yType = cast<RankedTensorType>(op.getResult().getType());
    auto buffer = memref::AllocOp::create(
        b, loc, MemRefType::get(yType.getShape(), yType.getElementType()));
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value one = c(1);
    auto launch = gpu::LaunchOp::create(
        b, loc,
        c(llvm::divideCeil(s.cols, s.warpsPerBlock * s.colsPerWarp *
                                       s.colsPerThread)),
        one, one, c(32), c(s.warpsPerBlock), one);
    OpBuilder body = OpBuilder::atBlockBegin(&launch.getBody().front());
    Value storage = op.getWeights().getDefiningOp<FromBytesOp>().getBytes();
    GemvKernelBuilder(body, loc, s, op.getWeights().getType().getFormat(),
                      op.getActivations(), storage, buffer)
        .build(launch);
    rewriteSmallIntToFloat(launch);
    allowContraction(launch);
    b.setInsertionPointAfter(launch);
    auto result = bufferization::ToTensorOp::create(
        b, loc, yType, buffer, /*restrict=*/true, /*writable=*/true);
    op.replaceAllUsesWith(result.getResult());
    op.erase();
  }

  void runOnOperation() override {
    SmallVector<std::pair<MatmulOp, GemvShape>> work;
    getOperation().walk([&](MatmulOp op) {
      if (std::optional<GemvShape> s = match(op))
        work.emplace_back(op, *s);
    });
    for (auto &[op, s] : work)
      rewrite(op, s);
  }
};

} // namespace
