//===- GemvKernel.cpp - The body of the GEMV-class kernel -----------------===//
//
// The kernel quant4-gpu-gemv (Gemv.cpp) puts in its gpu.launch, built before
// bufferization (the launch reads the tensors it captures; one-shot
// bufferization turns those reads into loads):
//
//   threadIdx.x = lane * (32 / L) + column in the warp; R columns per thread
//   lane = blockLane * S + unitLane: S lanes share a block's units
//   acc[0..M*R) = 0
//   for kb = blockLane; kb < blocksPerRow; kb += L / S * U: // U blocks a trip
//     for unit = unitLane; unit < units; unit += S:     // unrolled if small
//       load the unit's bytes of all U x R blocks
//       for each group of the unit (one scale, one offset):
//         dot[m, r] = sum_i c_i[r] x[m, k_i]; sx[m] = sum_i x[m, k_i]
//         acc[m, r] += scale[r] * dot[m, r] - offset[r] * sx[m]
//   acc = butterfly sum over the lane bits of threadIdx.x (gpu.shuffle xor)
//   lane 0: y[m, n_r] = acc[m, r]
//
// The weights are decoded once for all M rows and each activation load
// feeds R columns. Value indices are constants (unrolled) or a unit base
// plus a constant, so the decode's index arithmetic folds (in MLIR or
// LLVM) and a block's bytes sit at constant offsets from one base: 16-byte
// loads (kernel pointers are 16-byte aligned,
// quant4-gpu-mark-kernel-args). The warp's columns share each activation
// load (a broadcast). Decode tables go to workgroup memory.
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/GemvKernel.h"
#include "Target/NVPTX/BlockLoop.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// Most blocks x rows (M x R x U) whose decode is unrolled whole.
constexpr int64_t kMaxUnrolledBlocks = 2;

/// The kernel body: everything inside the gpu.launch.
class GemvKernelBuilder {
public:
  GemvKernelBuilder(OpBuilder &b, Location loc, const GemvShape &s,
                    GemvDecoder &decoder, Value x, Value y, Q8KBuffers xq = {})
      : b(b), loc(loc), s(s), decoder(decoder), x(x), y(y), xq(xq) {}

  void build(gpu::LaunchOp launch) {
    // threadIdx.x = lane * (32 / L) + column in the warp: the warp's
    // columns read the same activations at once (one broadcast per lane).
    Value tid = launch.getThreadIds().x;
    Value lane = arith::DivUIOp::create(b, loc, tid, idx(s.colsPerWarp));
    Value blockLane =
        b.createOrFold<arith::DivUIOp>(loc, lane, idx(s.unitLanes));
    unitLane = b.createOrFold<arith::RemUIOp>(loc, lane, idx(s.unitLanes));
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
    SmallVector<Value> acc(s.rows * s.colsPerThread, zero);
    // Lane group blockLane takes blocks blockLane, + L / S, ..., U a trip.
    acc = buildBlockLoop(b, loc, blockLane, s.blockLanes, s.unroll,
                         s.blocksPerRow, acc,
                         [&](ValueRange kbs, ValueRange iter) {
                           return accumulateBlocks(clamped, kbs, iter);
                         });
    SmallVector<Value> sums = reduceLanes(acc);
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

  /// acc[m * R + r] + the products of K blocks `kbs` of columns `cols[r]`
  /// with row m of x, this lane's units of them (unitLane, unitLane + S,
  /// ...). With one unit per lane, or few rows x blocks (M x R x U <= 2),
  /// the units are unrolled (value indices constant, or a lane base plus
  /// constants); otherwise an scf.for walks them, so LLVM cannot hoist all
  /// the blocks' decode ahead of its uses (it spilled at M = 4, and Q4_K at
  /// M = 1 with R = 4).
  SmallVector<Value> accumulateBlocks(ArrayRef<Value> cols, ValueRange kbs,
                                      ValueRange acc) {
    SmallVector<SmallVector<Value>> blocks;
    SmallVector<Value> kBases;
    for (Value kb : kbs) {
      blocks.emplace_back();
      for (Value n : cols)
        blocks.back().push_back(arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, n, idx(s.blocksPerRow)), kb));
      kBases.push_back(arith::MulIOp::create(b, loc, kb, idx(s.blockSize)));
    }
    int64_t numUnits = decoder.getUnitsPerBlock();
    int64_t laneUnits = numUnits / s.unitLanes;
    Value firstUnit = unitLane;
    if (laneUnits == 1 ||
        s.rows * s.colsPerThread * s.unroll <= kMaxUnrolledBlocks) {
      SmallVector<Value> result(acc);
      for (int64_t i = 0; i < laneUnits; ++i) {
        Value unit =
            b.createOrFold<arith::AddIOp>(loc, firstUnit, idx(i * s.unitLanes));
        result = accumulateUnit(blocks, kBases, unit, result);
      }
      return result;
    }
    auto loop = scf::ForOp::create(
        b, loc, firstUnit, idx(numUnits), idx(s.unitLanes), acc,
        [&](OpBuilder &, Location, Value unit, ValueRange iter) {
          scf::YieldOp::create(b, loc,
                               accumulateUnit(blocks, kBases, unit, iter));
        });
    return loop.getResults();
  }

  /// acc + the products of unit `unit` of every block: first the loads of
  /// all U x R blocks, then per block and group sum(code x) for the R
  /// columns (each x value loaded once) and sum(x), scaled once per group.
  SmallVector<Value> accumulateUnit(ArrayRef<SmallVector<Value>> blocks,
                                    ArrayRef<Value> kBases, Value unit,
                                    ValueRange acc) {
    if (xq.codes)
      return accumulateUnitInt8(blocks, kBases, unit, acc);
    auto nuw = arith::IntegerOverflowFlags::nuw;
    int64_t numCols = s.colsPerThread;
    SmallVector<SmallVector<SmallVector<Value>>> loaded =
        loadUnit(blocks, unit);
    Value unitBase = decoder.getUnitBase(b, loc, unit);
    SmallVector<Value> result(acc);
    for (auto [u, row] : llvm::enumerate(blocks)) {
      SmallVector<SmallVector<GemvGroup>> groups;
      for (auto [r, block] : llvm::enumerate(row))
        groups.push_back(decoder.decode(b, loc, block, unit, loaded[u][r]));
      Value base = arith::AddIOp::create(b, loc, kBases[u], unitBase, nuw);
      for (auto [g, group] : llvm::enumerate(groups.front())) {
        SmallVector<Value> dots(s.rows * numCols), sums(s.rows);
        for (auto [i, code] : llvm::enumerate(group.codes)) {
          Value k = arith::AddIOp::create(b, loc, base,
                                          idx(group.first + int64_t(i)), nuw);
          for (int64_t m = 0; m < s.rows; ++m) {
            Value xv =
                tensor::ExtractOp::create(b, loc, x, ValueRange{idx(m), k});
            if (xv.getType() != b.getF32Type())
              xv = arith::ExtFOp::create(b, loc, b.getF32Type(), xv);
            if (group.offset)
              sums[m] = addProduct(sums[m], xv, {});
            for (int64_t r = 0; r < numCols; ++r)
              dots[m * numCols + r] =
                  addProduct(dots[m * numCols + r], groups[r][g].codes[i], xv);
          }
        }
        for (int64_t m = 0; m < s.rows; ++m) {
          for (int64_t r = 0; r < numCols; ++r) {
            const GemvGroup &mine = groups[r][g];
            Value &sum = result[m * numCols + r];
            Value dot = dots[m * numCols + r];
            if (mine.scale)
              dot = arith::MulFOp::create(b, loc, mine.scale, dot);
            if (mine.offset)
              dot = arith::SubFOp::create(
                  b, loc, dot,
                  arith::MulFOp::create(b, loc, mine.offset, sums[m]));
            sum = arith::AddFOp::create(b, loc, sum, dot);
          }
        }
      }
    }
    return result;
  }

  /// decoder.load of unit `unit` of every block (all issued before any
  /// decode, so their loads are in flight together).
  SmallVector<SmallVector<SmallVector<Value>>>
  loadUnit(ArrayRef<SmallVector<Value>> blocks, Value unit) {
    SmallVector<SmallVector<SmallVector<Value>>> loaded;
    for (ArrayRef<Value> row : blocks) {
      loaded.emplace_back();
      for (Value block : row)
        loaded.back().push_back(decoder.load(b, loc, block, unit));
    }
    return loaded;
  }

  /// accumulateUnit for activations rounded to Q8_K (xq): per group the
  /// integer dots sum(c q_x) and sum(q_x) by dp4a (unsigned weight bytes,
  /// signed activation bytes, exact in i32), scaled as d_x (scale dot -
  /// offset sum) once per group.
  SmallVector<Value> accumulateUnitInt8(ArrayRef<SmallVector<Value>> blocks,
                                        ArrayRef<Value> kBases, Value unit,
                                        ValueRange acc) {
    auto nuw = arith::IntegerOverflowFlags::nuw;
    int64_t numCols = s.colsPerThread;
    SmallVector<SmallVector<SmallVector<Value>>> loaded =
        loadUnit(blocks, unit);
    Value unitBase = decoder.getUnitBase(b, loc, unit);
    Value ones = asBytes(
        arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0x01010101));
    SmallVector<Value> result(acc);
    for (auto [u, row] : llvm::enumerate(blocks)) {
      SmallVector<SmallVector<GemvIntGroup>> groups;
      for (auto [r, block] : llvm::enumerate(row))
        groups.push_back(
            decoder.decodeIntegers(b, loc, block, unit, loaded[u][r]));
      Value base = arith::AddIOp::create(b, loc, kBases[u], unitBase, nuw);
      Value kb = arith::DivUIOp::create(b, loc, kBases[u], idx(s.blockSize));
      for (int64_t m = 0; m < s.rows; ++m) {
        Value scaleX = memref::LoadOp::create(
            b, loc, xq.scales,
            ValueRange{arith::AddIOp::create(b, loc, kb,
                                             idx(m * s.blocksPerRow), nuw)});
        SmallVector<Value> sums(numCols);
        for (auto [g, group] : llvm::enumerate(groups.front())) {
          SmallVector<Value> words = loadActivationWords(
              arith::AddIOp::create(b, loc, base,
                                    idx(m * s.depth + group.first), nuw),
              group.words.size());
          Value sumX = dotBytes(ones, words);
          Value sumXf = arith::SIToFPOp::create(b, loc, b.getF32Type(), sumX);
          for (int64_t r = 0; r < numCols; ++r) {
            const GemvIntGroup &mine = groups[r][g];
            SmallVector<Value> codes;
            for (Value w : mine.words)
              codes.push_back(asBytes(w));
            Value dot = arith::SIToFPOp::create(b, loc, b.getF32Type(),
                                                dotBytes(codes, words));
            Value term = arith::SubFOp::create(
                b, loc, arith::MulFOp::create(b, loc, mine.scale, dot),
                arith::MulFOp::create(b, loc, mine.offset, sumXf));
            sums[r] = addProduct(sums[r], term, {});
          }
        }
        for (int64_t r = 0; r < numCols; ++r) {
          Value &sum = result[m * numCols + r];
          sum = addProduct(sum, scaleX, sums[r]);
        }
      }
    }
    return result;
  }

  /// `count` words of 4 activation codes from xq.codes at `offset` (a
  /// multiple of 16 bytes when count >= 4: 16-byte loads).
  SmallVector<Value> loadActivationWords(Value offset, int64_t count) {
    SmallVector<Value> words;
    int64_t width = std::min<int64_t>(16, 4 * count);
    for (int64_t at = 0; at < 4 * count; at += width) {
      Value bytes = vector::LoadOp::create(
          b, loc, VectorType::get({width}, b.getI8Type()), xq.codes,
          ValueRange{arith::AddIOp::create(b, loc, offset, idx(at))});
      for (int64_t w = 0; w < width / 4; ++w)
        words.push_back(vector::ExtractStridedSliceOp::create(
            b, loc, bytes, ArrayRef<int64_t>{4 * w}, ArrayRef<int64_t>{4},
            ArrayRef<int64_t>{1}));
    }
    return words;
  }

  /// The i32 `word` as vector<4xi8> (dp4a's operand type).
  Value asBytes(Value word) {
    Value vec = vector::FromElementsOp::create(
        b, loc, VectorType::get({1}, b.getI32Type()), ValueRange{word});
    return vector::BitCastOp::create(b, loc,
                                     VectorType::get({4}, b.getI8Type()), vec);
  }

  /// sum over t of dp4a(unsigned codes[t], signed x[t]) (a single `codes`
  /// entry is reused for every word).
  Value dotBytes(ArrayRef<Value> codes, ArrayRef<Value> xWords) {
    Value sum = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    for (auto [t, word] : llvm::enumerate(xWords))
      sum = NVVM::DotAccumulate4WayOp::create(
          b, loc, b.getI32Type(), codes.size() == 1 ? codes[0] : codes[t],
          NVVM::DotAccumulateType::UNSIGNED, word,
          NVVM::DotAccumulateType::SIGNED, sum);
    return sum;
  }

  /// sum + a * c (just a * c for a null sum; a for a null c).
  Value addProduct(Value sum, Value a, Value c) {
    Value product = c ? arith::MulFOp::create(b, loc, a, c).getResult() : a;
    return sum ? arith::AddFOp::create(b, loc, sum, product).getResult()
               : product;
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
  GemvDecoder &decoder;
  Value x, y;
  Value unitLane; // lane % S
  Q8KBuffers xq;  // x in Q8_K (int8Activations), or null
};

} // namespace

void mlir::quant4::buildGemvKernel(OpBuilder &b, Location loc,
                                   gpu::LaunchOp launch, const GemvShape &s,
                                   GemvDecoder &decoder, Value x, Value y,
                                   Q8KBuffers xq) {
  GemvKernelBuilder(b, loc, s, decoder, x, y, xq).build(launch);
}
