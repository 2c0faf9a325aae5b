//===- BlockLoop.cpp - The K-block loop of the GEMV kernels ---------------===//

#include "Target/NVPTX/BlockLoop.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::quant4;

SmallVector<Value> mlir::quant4::buildBlockLoop(
    OpBuilder &b, Location loc, Value first, int64_t stride, int64_t unroll,
    int64_t blocks, ValueRange init,
    function_ref<SmallVector<Value>(ValueRange kbs, ValueRange iter)> body) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<Value> values(init);
  int64_t step = stride * unroll;
  Value start = first;
  if (unroll > 1) {
    int64_t bound = blocks - (unroll - 1) * stride;
    auto loop = scf::ForOp::create(
        b, loc, first, idx(bound), idx(step), values,
        [&](OpBuilder &, Location, Value kb, ValueRange iter) {
          SmallVector<Value> kbs;
          for (int64_t u = 0; u < unroll; ++u)
            kbs.push_back(arith::AddIOp::create(b, loc, kb, idx(u * stride)));
          scf::YieldOp::create(b, loc, body(kbs, iter));
        });
    values = loop.getResults();
    // first < stride <= bound: the first block past the loop is first +
    // step ((bound - 1 - first) / step + 1).
    Value trips = arith::AddIOp::create(
        b, loc,
        arith::DivUIOp::create(
            b, loc, arith::SubIOp::create(b, loc, idx(bound - 1), first),
            idx(step)),
        idx(1));
    start = arith::AddIOp::create(
        b, loc, first, arith::MulIOp::create(b, loc, trips, idx(step)));
  }
  if (unroll == 1 || blocks % step != 0) {
    auto loop = scf::ForOp::create(
        b, loc, start, idx(blocks), idx(stride), values,
        [&](OpBuilder &, Location, Value kb, ValueRange iter) {
          scf::YieldOp::create(b, loc, body(ValueRange{kb}, iter));
        });
    values = loop.getResults();
  }
  return values;
}
