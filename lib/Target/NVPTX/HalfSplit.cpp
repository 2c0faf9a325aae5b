//===- HalfSplit.cpp - f32 activations as two f16 halves, per sub-block ---===//
//
// One thread per 8 values of a (padded) row; the 4 threads of a sub-block
// meet in gpu.shuffle xor butterflies for its largest magnitude (compared
// as the integer bits of |x|, which order like the floats) and its sum.
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/HalfSplit.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <numeric>

using namespace mlir;
using namespace mlir::quant4;

namespace {
constexpr int64_t kPerThread = 8;
constexpr int64_t kThreads = 256;
constexpr int64_t kThreadsPerGroup = kHalfSplitGroup / kPerThread;
} // namespace

HalfSplitBuffers mlir::quant4::buildHalfSplitActivations(
    OpBuilder &b, Location loc, Value x, int64_t rows, int64_t paddedRows,
    int64_t depth, const HalfSplitOrder &order) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto i32 = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  };
  Type f32 = b.getF32Type(), f16 = b.getF16Type();
  HalfSplitBuffers out;
  out.halves = memref::AllocOp::create(
      b, loc, MemRefType::get({2, paddedRows, depth}, f16));
  out.sums = memref::AllocOp::create(
      b, loc,
      MemRefType::get({depth / kHalfSplitGroup, paddedRows / 2, 4}, f32));
  int64_t perRow = depth / kPerThread, threads = paddedRows * perRow;
  Value one = idx(1);
  auto launch =
      gpu::LaunchOp::create(b, loc, idx(llvm::divideCeil(threads, kThreads)),
                            one, one, idx(kThreads), one, one);
  out.launch = launch;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value thread = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, idx(kThreads)),
      launch.getThreadIds().x);
  // perRow is a multiple of 32 (depth of 256): a warp is wholly inside or
  // outside, so its shuffles see all lanes.
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       thread, idx(threads));
  scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
    Value row = arith::DivUIOp::create(b, loc, thread, idx(perRow));
    Value slot = arith::RemUIOp::create(b, loc, thread, idx(perRow));
    Value k0 = arith::MulIOp::create(b, loc, slot, idx(kPerThread));
    Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                        idx(rows));
    auto vecF32 = VectorType::get({kPerThread}, f32);
    auto vecI32 = VectorType::get({kPerThread}, b.getI32Type());
    Type element = cast<ShapedType>(x.getType()).getElementType();
    // The two runs of 4 this thread stores (HalfSplitOrder): from k0 when
    // each thread's values are contiguous.
    Value runStart = k0;
    if (order.runStride != kPerThread)
      runStart = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(
              b, loc,
              arith::DivUIOp::create(b, loc, slot, idx(kThreadsPerGroup)),
              idx(kHalfSplitGroup)),
          arith::MulIOp::create(
              b, loc,
              arith::RemUIOp::create(b, loc, slot, idx(kThreadsPerGroup)),
              idx(order.runStride)));
    Value clampedRow = arith::MinUIOp::create(b, loc, row, idx(rows - 1));
    auto readRun = [&](Value k, int64_t width) -> Value {
      return vector::TransferReadOp::create(
          b, loc, VectorType::get({width}, element), x,
          ValueRange{clampedRow, k},
          /*padding=*/std::nullopt, ArrayRef<bool>{true});
    };
    Value read;
    if (order.runGap == kPerThread / 2) {
      read = readRun(runStart, kPerThread);
    } else {
      SmallVector<int64_t> concat(kPerThread);
      std::iota(concat.begin(), concat.end(), 0);
      read = vector::ShuffleOp::create(
          b, loc, readRun(runStart, kPerThread / 2),
          readRun(arith::AddIOp::create(b, loc, runStart, idx(order.runGap)),
                  kPerThread / 2),
          concat);
    }
    if (element != f32)
      read = arith::ExtFOp::create(b, loc, vecF32, read);
    Value values = arith::SelectOp::create(
        b, loc, valid, read,
        arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(vecF32, b.getF32FloatAttr(0))));
    // The sub-block's largest |x| bits and its sum.
    Value bits = arith::AndIOp::create(
        b, loc, vector::BitCastOp::create(b, loc, vecI32, values),
        vector::BroadcastOp::create(b, loc, vecI32, i32(0x7FFFFFFF)));
    Value amax = vector::ExtractOp::create(b, loc, bits, 0);
    Value sum = vector::ExtractOp::create(b, loc, values, 0);
    for (int64_t i = 1; i < kPerThread; ++i) {
      amax = arith::MaxUIOp::create(b, loc, amax,
                                    vector::ExtractOp::create(b, loc, bits, i));
      sum = arith::AddFOp::create(b, loc, sum,
                                  vector::ExtractOp::create(b, loc, values, i));
    }
    for (int64_t offset = 1; offset < kThreadsPerGroup; offset *= 2) {
      auto shuffle = [&](Value v) {
        return gpu::ShuffleOp::create(b, loc, v, i32(offset), i32(32),
                                      gpu::ShuffleMode::XOR)
            .getShuffleResult();
      };
      amax = arith::MaxUIOp::create(b, loc, amax, shuffle(amax));
      sum = arith::AddFOp::create(b, loc, sum, shuffle(sum));
    }
    // e = the exponent field of max |x|, at least 15: 2^s has field
    // 268 - e (s = 141 - e <= 126), 2^-s field e - 14.
    Value exponent = arith::MaxUIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, amax, i32(23)), i32(15));
    auto power = [&](Value field) -> Value {
      return arith::BitcastOp::create(
          b, loc, f32, arith::ShLIOp::create(b, loc, field, i32(23)));
    };
    Value scale = power(arith::SubIOp::create(b, loc, i32(268), exponent));
    Value inverse = power(arith::SubIOp::create(b, loc, exponent, i32(14)));
    Value scaled = arith::MulFOp::create(
        b, loc, values, vector::BroadcastOp::create(b, loc, vecF32, scale));
    auto vecF16 = VectorType::get({kPerThread}, f16);
    Value hi = arith::TruncFOp::create(b, loc, vecF16, scaled);
    Value lo = arith::TruncFOp::create(
        b, loc, vecF16,
        arith::SubFOp::create(b, loc, scaled,
                              arith::ExtFOp::create(b, loc, vecF32, hi)));
    for (auto [half, v] : llvm::enumerate(ArrayRef<Value>{hi, lo}))
      vector::StoreOp::create(
          b, loc, vector::ShuffleOp::create(b, loc, v, v, order.shuffle),
          out.halves, ValueRange{idx(half), row, k0});
    Value first = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq,
        arith::RemUIOp::create(b, loc, slot, idx(kThreadsPerGroup)), idx(0));
    scf::IfOp::create(b, loc, first, [&](OpBuilder &, Location) {
      Value group = arith::DivUIOp::create(b, loc, slot, idx(kThreadsPerGroup));
      Value pair = arith::DivUIOp::create(b, loc, row, idx(2));
      Value parity = arith::RemUIOp::create(b, loc, row, idx(2));
      memref::StoreOp::create(b, loc, sum, out.sums,
                              ValueRange{group, pair, parity});
      memref::StoreOp::create(
          b, loc, inverse, out.sums,
          ValueRange{group, pair,
                     arith::AddIOp::create(b, loc, parity, idx(2))});
      scf::YieldOp::create(b, loc);
    });
    scf::YieldOp::create(b, loc);
  });
  gpu::TerminatorOp::create(b, loc);
  return out;
}
