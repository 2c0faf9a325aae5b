//===- QuantizeQ8K.cpp - x rounded to Q8_K in generated code --------------===//
//
// ggml's quantize_row_q8_K_ref in vectors: per 256-value block the largest
// |x| and the first value that has it, iscale = -127 / max, the codes
// min(127, nearest_int(iscale * x)), d = 1 / iscale and the sums of the
// codes of each 32-value sub-block.
//
//===----------------------------------------------------------------------===//

#include "Conversion/Quant4ToLinalg/QuantizeQ8K.h"
#include "Conversion/Quant4ToLinalg/LoweringUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::detail;

/// `value` as a constant of `type`: a scalar, or a splat for a vector type.
static Value constantOf(OpBuilder &b, Location loc, Type type, double value) {
  Type element = getElementTypeOrSelf(type);
  TypedAttr scalar =
      isa<FloatType>(element)
          ? TypedAttr(b.getFloatAttr(element, value))
          : TypedAttr(b.getIntegerAttr(element, static_cast<int64_t>(value)));
  if (auto vector = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(vector, scalar));
  return arith::ConstantOp::create(b, loc, scalar);
}

/// `type` with i32 elements (scalar or vector).
static Type i32Like(OpBuilder &b, Type type) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.clone(b.getI32Type());
  return b.getI32Type();
}

/// ggml's nearest_int (lib/Format's nearestInt): adds 1.5 * 2^23 in f32 and
/// reads the low mantissa bits, i.e. round half to even for |v| <= 2^22.
static Value nearestInt(OpBuilder &b, Location loc, Value v) {
  Type ints = i32Like(b, v.getType());
  Value biased = arith::AddFOp::create(
      b, loc, v, constantOf(b, loc, v.getType(), 12582912.0));
  Value bits = arith::BitcastOp::create(b, loc, ints, biased);
  Value mantissa =
      arith::AndIOp::create(b, loc, bits, constantOf(b, loc, ints, 0x007fffff));
  return arith::SubIOp::create(b, loc, mantissa,
                               constantOf(b, loc, ints, 0x00400000));
}

/// fabsf: the sign bit cleared.
static Value absF32(OpBuilder &b, Location loc, Value x) {
  Type ints = i32Like(b, x.getType());
  Value bits = arith::BitcastOp::create(b, loc, ints, x);
  Value cleared =
      arith::AndIOp::create(b, loc, bits, constantOf(b, loc, ints, 0x7fffffff));
  return arith::BitcastOp::create(b, loc, x.getType(), cleared);
}

namespace {

/// One row's slices of the three results: [1, KB], [1, KB, 256], [1, KB, 8].
struct RowOutputs {
  Value scales, codes, subSums;
};

} // namespace

/// Rounds block `kb` of row `row` of `xBlocks` into `out` (the row's slices)
/// and returns the updated slices.
static RowOutputs buildBlock(OpBuilder &b, Location loc, Value xBlocks,
                             Value row, Value kb, RowOutputs out) {
  Type f32 = b.getF32Type(), i8 = b.getI8Type(), i32 = b.getI32Type();
  auto floats = VectorType::get({kQ8KSubBlock}, f32);
  auto ints = VectorType::get({kQ8KSubBlock}, i32);
  Type xElement = cast<ShapedType>(xBlocks.getType()).getElementType();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zeroRow = index(0);

  // The block as eight vector<32xf32> (one per sub-block) and their |x|.
  SmallVector<Value> xs, axs;
  Value padding =
      arith::ConstantOp::create(b, loc, b.getFloatAttr(xElement, 0));
  for (int64_t c = 0; c < kQ8KSubBlocks; ++c) {
    Value v = vector::TransferReadOp::create(
        b, loc, VectorType::get({kQ8KSubBlock}, xElement), xBlocks,
        ValueRange{row, kb, index(c * kQ8KSubBlock)}, padding,
        ArrayRef<bool>{true});
    xs.push_back(convertFloat(b, loc, v, f32));
    axs.push_back(absF32(b, loc, xs.back()));
  }

  // amax = max |x| (NaN skipped, 0 when there is nothing larger), then the
  // first index whose |x| equals it: the value ggml's strict `>` scan keeps.
  Value lanesMax = axs.front();
  for (Value ax : ArrayRef<Value>(axs).drop_front())
    lanesMax = arith::MaxNumFOp::create(b, loc, lanesMax, ax);
  Value amax =
      vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXNUMF,
                                  lanesMax, constantOf(b, loc, f32, 0));
  Value amaxLanes = vector::BroadcastOp::create(b, loc, floats, amax);
  SmallVector<int32_t> laneIds(kQ8KSubBlock);
  Value firstLanes;
  for (int64_t c = 0; c < kQ8KSubBlocks; ++c) {
    for (int64_t l = 0; l < kQ8KSubBlock; ++l)
      laneIds[l] = c * kQ8KSubBlock + l;
    Value ids = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(ints, ArrayRef<int32_t>(laneIds)));
    Value hit = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, axs[c],
                                      amaxLanes);
    Value id = arith::SelectOp::create(b, loc, hit, ids,
                                       constantOf(b, loc, ints, kQ8KBlock));
    firstLanes =
        firstLanes ? arith::MinSIOp::create(b, loc, firstLanes, id).getResult()
                   : id;
  }
  Value first = vector::ReductionOp::create(
      b, loc, vector::CombiningKind::MINSI, firstLanes);
  // An all-NaN block matches no lane; it has amax = 0 and keeps max = 0.
  first = arith::MinSIOp::create(b, loc, first,
                                 constantOf(b, loc, i32, kQ8KBlock - 1));
  Value at = arith::IndexCastOp::create(b, loc, b.getIndexType(), first);
  Value firstX = convertFloat(
      b, loc,
      tensor::ExtractOp::create(b, loc, xBlocks, ValueRange{row, kb, at}), f32);
  Value zero = constantOf(b, loc, f32, 0);
  Value isZero =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, amax, zero);
  Value max = arith::SelectOp::create(b, loc, isZero, zero, firstX);

  // iscale = -127 / max; codes = min(127, nearest_int(iscale * x)); an
  // all-zero block keeps d = 0 and zero codes.
  Value iscale =
      arith::DivFOp::create(b, loc, constantOf(b, loc, f32, -127), max);
  Value iscaleLanes = vector::BroadcastOp::create(b, loc, floats, iscale);
  SmallVector<Value> sums;
  for (int64_t c = 0; c < kQ8KSubBlocks; ++c) {
    Value scaled = arith::MulFOp::create(b, loc, iscaleLanes, xs[c]);
    Value q = arith::MinSIOp::create(b, loc, nearestInt(b, loc, scaled),
                                     constantOf(b, loc, ints, 127));
    q = arith::SelectOp::create(b, loc, isZero, constantOf(b, loc, ints, 0), q);
    Value codes =
        arith::TruncIOp::create(b, loc, VectorType::get({kQ8KSubBlock}, i8), q);
    out.codes = vector::TransferWriteOp::create(
                    b, loc, codes, out.codes,
                    ValueRange{zeroRow, kb, index(c * kQ8KSubBlock)},
                    ArrayRef<bool>{true})
                    .getResult();
    sums.push_back(vector::ReductionOp::create(
        b, loc, vector::CombiningKind::ADD,
        arith::ExtSIOp::create(b, loc, ints, codes)));
  }
  Value sumVector = vector::FromElementsOp::create(
      b, loc, VectorType::get({kQ8KSubBlocks}, i32), sums);
  out.subSums = vector::TransferWriteOp::create(
                    b, loc, sumVector, out.subSums,
                    ValueRange{zeroRow, kb, index(0)}, ArrayRef<bool>{true})
                    .getResult();
  Value d = arith::DivFOp::create(b, loc, constantOf(b, loc, f32, 1), iscale);
  d = arith::SelectOp::create(b, loc, isZero, zero, d);
  out.scales =
      tensor::InsertOp::create(b, loc, d, out.scales, ValueRange{zeroRow, kb});
  return out;
}

Q8KActivations mlir::quant4::detail::buildQuantizeQ8K(OpBuilder &b,
                                                      Location loc,
                                                      Value xBlocks,
                                                      bool parallel) {
  auto xType = cast<RankedTensorType>(xBlocks.getType());
  int64_t blocks = xType.getDimSize(1);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value numRows = b.createOrFold<tensor::DimOp>(loc, xBlocks, 0);
  auto empty = [&](ArrayRef<int64_t> inner, Type element) -> Value {
    SmallVector<OpFoldResult> sizes = {getAsOpFoldResult(numRows)};
    for (int64_t size : inner)
      sizes.push_back(b.getIndexAttr(size));
    return tensor::EmptyOp::create(b, loc, sizes, element);
  };
  SmallVector<Value> outs = {empty({blocks}, b.getF32Type()),
                             empty({blocks, kQ8KBlock}, b.getI8Type()),
                             empty({blocks, kQ8KSubBlocks}, b.getI32Type())};

  // Row `row` of each result: offsets, sizes and strides of its slice.
  auto rowSlice = [&](OpBuilder &b, Value result, Value row) {
    int64_t rank = cast<ShapedType>(result.getType()).getRank();
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[0] = row;
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
    for (int64_t d = 1; d < rank; ++d)
      sizes.push_back(
          b.getIndexAttr(cast<ShapedType>(result.getType()).getDimSize(d)));
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    return std::make_tuple(offsets, sizes, strides);
  };
  // The rounded row `row`, computed in slices of `results`.
  auto buildRow = [&](OpBuilder &b, Location loc, Value row,
                      ValueRange results) -> SmallVector<Value> {
    SmallVector<Value> slices;
    for (Value result : results) {
      auto [offsets, sizes, strides] = rowSlice(b, result, row);
      slices.push_back(tensor::ExtractSliceOp::create(b, loc, result, offsets,
                                                      sizes, strides));
    }
    auto loop = scf::ForOp::create(
        b, loc, zero, arith::ConstantIndexOp::create(b, loc, blocks), one,
        slices, [&](OpBuilder &b, Location loc, Value kb, ValueRange iter) {
          RowOutputs out =
              buildBlock(b, loc, xBlocks, row, kb, {iter[0], iter[1], iter[2]});
          scf::YieldOp::create(b, loc,
                               ValueRange{out.scales, out.codes, out.subSums});
        });
    return SmallVector<Value>(loop.getResults());
  };

  SmallVector<Value> results;
  if (!parallel) {
    auto rows = scf::ForOp::create(
        b, loc, zero, numRows, one, outs,
        [&](OpBuilder &b, Location loc, Value row, ValueRange iter) {
          SmallVector<Value> slices = buildRow(b, loc, row, iter);
          SmallVector<Value> next;
          for (auto [slice, result] : llvm::zip_equal(slices, iter)) {
            auto [offsets, sizes, strides] = rowSlice(b, result, row);
            next.push_back(tensor::InsertSliceOp::create(
                b, loc, slice, result, offsets, sizes, strides));
          }
          scf::YieldOp::create(b, loc, next);
        });
    results.assign(rows.getResults().begin(), rows.getResults().end());
  } else {
    auto rows = scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{getAsOpFoldResult(numRows)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)}, outs, std::nullopt);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(rows.getBody());
    Value row = rows.getInductionVars()[0];
    SmallVector<Value> slices = buildRow(b, loc, row, rows.getRegionIterArgs());
    b.setInsertionPointToStart(rows.getTerminator().getBody());
    for (auto [slice, shared] :
         llvm::zip_equal(slices, rows.getRegionIterArgs())) {
      auto [offsets, sizes, strides] = rowSlice(b, shared, row);
      tensor::ParallelInsertSliceOp::create(b, loc, slice, shared, offsets,
                                            sizes, strides);
    }
    results.assign(rows.getResults().begin(), rows.getResults().end());
  }
  return {results[0], results[1], results[2]};
}
