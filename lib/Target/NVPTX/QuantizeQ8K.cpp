//===- QuantizeQ8K.cpp - x rounded to Q8_K on the GPU ---------------------===//
//
// Bit-exact with lib/Format's quantizeQ8K: the products iscale * x and the
// rounding add stay separate IEEE operations (no fast-math flags, so no
// fma contraction), -127 / max and 1 / iscale are IEEE divisions.
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/QuantizeQ8K.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;

namespace {

constexpr int64_t kBlock = 256;
constexpr int64_t kPerLane = kBlock / 32;
constexpr int64_t kWarps = 4;

/// The running maximum of a warp: the largest |x| so far, the x that has
/// it and its index in the block.
struct Candidate {
  Value amax, max, index;
};

class Q8KBuilder {
public:
  Q8KBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value f32(float v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }

  /// fabsf: the sign bit cleared.
  Value abs(Value v) {
    Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(), v);
    return arith::BitcastOp::create(
        b, loc, b.getF32Type(),
        arith::AndIOp::create(b, loc, bits, i32(0x7FFFFFFF)));
  }

  /// ggml's nearest_int: adds 1.5 * 2^23 and reads the low mantissa bits
  /// (round half to even for |v| <= 2^22).
  Value nearestInt(Value v) {
    Value biased = arith::AddFOp::create(b, loc, v, f32(12582912.0f));
    Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(), biased);
    return arith::SubIOp::create(
        b, loc, arith::AndIOp::create(b, loc, bits, i32(0x007FFFFF)),
        i32(0x00400000));
  }

  /// `other` replaces `mine` when its |x| is larger, or equal at a lower
  /// index: the first value of largest magnitude, as ggml's scan keeps.
  Candidate better(const Candidate &mine, const Candidate &other) {
    Value larger = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                         other.amax, mine.amax);
    Value equal = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                        other.amax, mine.amax);
    Value earlier = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                          other.index, mine.index);
    Value take = arith::OrIOp::create(
        b, loc, larger, arith::AndIOp::create(b, loc, equal, earlier));
    auto pick = [&](Value a, Value c) -> Value {
      return arith::SelectOp::create(b, loc, take, a, c);
    };
    return {pick(other.amax, mine.amax), pick(other.max, mine.max),
            pick(other.index, mine.index)};
  }

  Value shuffle(Value v, int64_t offset) {
    return gpu::ShuffleOp::create(b, loc, v, i32(offset), i32(32),
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  }

  OpBuilder &b;
  Location loc;
};

} // namespace

Q8KBuffers mlir::quant4::buildQ8KQuantization(OpBuilder &b, Location loc,
                                              Value x, int64_t rows,
                                              int64_t depth) {
  int64_t blocks = rows * depth / kBlock, blocksPerRow = depth / kBlock;
  Q8KBuffers out;
  out.codes = memref::AllocOp::create(
      b, loc, MemRefType::get({rows * depth}, b.getI8Type()));
  out.scales = memref::AllocOp::create(
      b, loc, MemRefType::get({blocks}, b.getF32Type()));
  Q8KBuilder q(b, loc);
  Value one = q.idx(1);
  auto launch = gpu::LaunchOp::create(
      b, loc, q.idx(llvm::divideCeil(blocks, kWarps)), one, one, q.idx(32),
      q.idx(kWarps), one);
  out.launch = launch;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value lane = launch.getThreadIds().x;
  Value block = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, q.idx(kWarps)),
      launch.getThreadIds().y);
  // A warp is wholly inside or outside the blocks: its shuffles see all
  // lanes.
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, block,
                            q.idx(blocks));
  scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
    Value m = arith::DivUIOp::create(b, loc, block, q.idx(blocksPerRow));
    Value k0 = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc,
            arith::RemUIOp::create(b, loc, block, q.idx(blocksPerRow)),
            q.idx(kBlock)),
        arith::MulIOp::create(b, loc, lane, q.idx(kPerLane)));
    SmallVector<Value> xs;
    Candidate best{q.f32(0), q.f32(0), q.i32(0)};
    Value laneFirst = arith::IndexCastOp::create(
        b, loc, b.getI32Type(),
        arith::MulIOp::create(b, loc, lane, q.idx(kPerLane)));
    for (int64_t i = 0; i < kPerLane; ++i) {
      Value v = tensor::ExtractOp::create(
          b, loc, x,
          ValueRange{m, arith::AddIOp::create(b, loc, k0, q.idx(i))});
      if (v.getType() != b.getF32Type())
        v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
      xs.push_back(v);
      Value ax = q.abs(v);
      Value larger = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                           ax, best.amax);
      best = {arith::SelectOp::create(b, loc, larger, ax, best.amax),
              arith::SelectOp::create(b, loc, larger, v, best.max),
              arith::SelectOp::create(
                  b, loc, larger,
                  arith::AddIOp::create(b, loc, laneFirst, q.i32(i)),
                  best.index)};
    }
    for (int64_t offset = 16; offset >= 1; offset /= 2)
      best = q.better(best, {q.shuffle(best.amax, offset),
                             q.shuffle(best.max, offset),
                             q.shuffle(best.index, offset)});
    Value zero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                       best.amax, q.f32(0));
    Value iscale = arith::DivFOp::create(b, loc, q.f32(-127.0f), best.max);
    SmallVector<Value> codes;
    for (Value v : xs) {
      Value code = arith::MinSIOp::create(
          b, loc, q.nearestInt(arith::MulFOp::create(b, loc, iscale, v)),
          q.i32(127));
      code = arith::SelectOp::create(b, loc, zero, q.i32(0), code);
      codes.push_back(arith::TruncIOp::create(b, loc, b.getI8Type(), code));
    }
    Value packed = vector::FromElementsOp::create(
        b, loc, VectorType::get({kPerLane}, b.getI8Type()), codes);
    vector::StoreOp::create(
        b, loc, packed, out.codes,
        ValueRange{arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, m, q.idx(depth)), k0)});
    Value isFirst =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, q.idx(0));
    scf::IfOp::create(b, loc, isFirst, [&](OpBuilder &, Location) {
      Value d = arith::SelectOp::create(
          b, loc, zero, q.f32(0),
          arith::DivFOp::create(b, loc, q.f32(1.0f), iscale));
      memref::StoreOp::create(b, loc, d, out.scales, block);
      scf::YieldOp::create(b, loc);
    });
    scf::YieldOp::create(b, loc);
  });
  gpu::TerminatorOp::create(b, loc);
  return out;
}
