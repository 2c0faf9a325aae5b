//===- MatmulQ8.cpp - quant4.matmul with Q8_K activations -----------------===//
//
// `quant4.matmul ... activations q8_k`: each 256-value block of x is rounded
// to ggml's block_q8_K in generated code (bit-exact with lib/Format's
// quantizeQ8K), then every Q4_K weight block meets it in integer dot products
// per 32-value sub-block, as ggml's vec_dot_q4_K_q8_K does:
//
//   y += (d_w * d_x) * sum_j sc_j * dot_j - (dmin_w * d_x) * sum_j m_j * s_j
//
// with dot_j = sum_l q4_{j,l} * q8_{j,l} (u8 x i8 -> i32) and s_j the sum of
// the 32 int8 values of sub-block j (ggml's bsums, two per sub-block).
//
//===----------------------------------------------------------------------===//

#include "Conversion/Quant4ToLinalg/MatmulQ8.h"
#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "Format/Layout.h"
#include "Format/Q4K.h"
#include "Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::detail;

namespace {

constexpr int64_t kSubBlock = 32;
constexpr int64_t kSubBlocks = ::quant4::format::kQK_K / kSubBlock;

/// x rounded to Q8_K: per 256-value block one f32 scale d and 256 int8
/// codes, plus the sum of the codes of each 32-value sub-block.
struct Q8KActivations {
  Value scales;  // [..., M, KB] f32
  Value codes;   // [..., M, KB, 256] i8
  Value subSums; // [..., M, KB, 8] i32
};

/// Identity map of `numDims` dims, and the same without the innermost one.
static std::pair<AffineMap, AffineMap> outerMaps(MLIRContext *ctx,
                                                 unsigned numDims) {
  AffineMap id = AffineMap::getMultiDimIdentityMap(numDims, ctx);
  return {id, id.dropResult(numDims - 1)};
}

/// An empty tensor shaped like `like` without its innermost dimension, with
/// `inner` appended when given.
static Value emptyLike(OpBuilder &b, Location loc, Value like, Type element,
                       std::optional<int64_t> inner = std::nullopt) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, like);
  sizes.pop_back();
  if (inner)
    sizes.push_back(b.getIndexAttr(*inner));
  return tensor::EmptyOp::create(b, loc, sizes, element);
}

static Value filled(OpBuilder &b, Location loc, Value empty, TypedAttr zero) {
  Value c = arith::ConstantOp::create(b, loc, zero);
  return linalg::FillOp::create(b, loc, c, empty).getResult(0);
}

static SmallVector<utils::IteratorType> iterators(unsigned numDims,
                                                  bool lastIsReduction) {
  SmallVector<utils::IteratorType> its(numDims, utils::IteratorType::parallel);
  if (lastIsReduction)
    its.back() = utils::IteratorType::reduction;
  return its;
}

/// ggml's nearest_int (lib/Format's nearestInt): adds 1.5 * 2^23 in f32 and
/// reads the low mantissa bits, i.e. round half to even for |v| <= 2^22.
static Value nearestInt(OpBuilder &b, Location loc, Value v) {
  Type i32 = b.getI32Type();
  auto cf = [&](float c) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(c));
  };
  auto ci = [&](int32_t c) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(c));
  };
  Value biased = arith::AddFOp::create(b, loc, v, cf(12582912.0f));
  Value bits = arith::BitcastOp::create(b, loc, i32, biased);
  Value mantissa = arith::AndIOp::create(b, loc, bits, ci(0x007fffff));
  return arith::SubIOp::create(b, loc, mantissa, ci(0x00400000));
}

/// fabsf: the sign bit cleared.
static Value absF32(OpBuilder &b, Location loc, Value x) {
  Type i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value mask =
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0x7fffffff));
  return arith::BitcastOp::create(b, loc, b.getF32Type(),
                                  arith::AndIOp::create(b, loc, bits, mask));
}

/// quantize_row_q8_K_ref on every block of `xBlocks` ([..., M, KB, 256]).
static Q8KActivations buildQuantizeQ8K(OpBuilder &b, Location loc,
                                       Value xBlocks) {
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(xBlocks.getType());
  unsigned rank = xType.getRank();
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i8 = b.getI8Type();
  auto [id, outer] = outerMaps(ctx, rank);
  auto f32c = [&](OpBuilder &b, float c) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(c));
  };

  // (amax, max): the largest |x| of a block and the first x that has it.
  Value zeroBlocks =
      filled(b, loc, emptyLike(b, loc, xBlocks, f32), b.getF32FloatAttr(0));
  auto search = linalg::GenericOp::create(
      b, loc, TypeRange{zeroBlocks.getType(), zeroBlocks.getType()},
      ValueRange{xBlocks}, ValueRange{zeroBlocks, zeroBlocks},
      SmallVector<AffineMap>{id, outer, outer}, iterators(rank, true),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value x = convertFloat(b, loc, args[0], f32);
        Value ax = absF32(b, loc, x);
        Value larger = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             ax, args[1]);
        linalg::YieldOp::create(
            b, loc,
            ValueRange{arith::SelectOp::create(b, loc, larger, ax, args[1]),
                       arith::SelectOp::create(b, loc, larger, x, args[2])});
      });
  Value max = search.getResult(1);

  // iscale = -127 / max; an all-zero block (max == 0) keeps d = 0 and zero
  // codes.
  auto isZero = [&](OpBuilder &b, Location loc, Value m) -> Value {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, m,
                                 f32c(b, 0));
  };
  auto iscaleOf = [&](OpBuilder &b, Location loc, Value m) -> Value {
    return arith::DivFOp::create(b, loc, f32c(b, -127.0f), m);
  };

  // codes = min(127, nearest_int(iscale * x)).
  Value codesInit = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, xBlocks), i8);
  auto codes = linalg::GenericOp::create(
      b, loc, codesInit.getType(), ValueRange{xBlocks, max},
      ValueRange{codesInit}, SmallVector<AffineMap>{id, outer, id},
      iterators(rank, false), [&](OpBuilder &b, Location loc, ValueRange args) {
        Value x = convertFloat(b, loc, args[0], f32);
        Value scaled =
            arith::MulFOp::create(b, loc, iscaleOf(b, loc, args[1]), x);
        Value q = arith::MinSIOp::create(
            b, loc, nearestInt(b, loc, scaled),
            arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(127)));
        q = arith::SelectOp::create(
            b, loc, isZero(b, loc, args[1]),
            arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)), q);
        linalg::YieldOp::create(
            b, loc, arith::TruncIOp::create(b, loc, i8, q).getResult());
      });

  // d = 1 / iscale.
  Value scalesInit = emptyLike(b, loc, xBlocks, f32);
  auto outerId = AffineMap::getMultiDimIdentityMap(rank - 1, ctx);
  auto scales = linalg::GenericOp::create(
      b, loc, scalesInit.getType(), ValueRange{max}, ValueRange{scalesInit},
      SmallVector<AffineMap>{outerId, outerId}, iterators(rank - 1, false),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value d = arith::DivFOp::create(b, loc, f32c(b, 1.0f),
                                        iscaleOf(b, loc, args[0]));
        linalg::YieldOp::create(b, loc,
                                arith::SelectOp::create(b, loc,
                                                        isZero(b, loc, args[0]),
                                                        f32c(b, 0), d)
                                    .getResult());
      });

  // Sums of the codes of each sub-block: [..., KB, 256] -> [..., KB, 8, 32].
  SmallVector<int64_t> split(xType.getShape().drop_back());
  split.append({kSubBlocks, kSubBlock});
  SmallVector<ReassociationIndices> reassociation;
  for (unsigned d = 0; d + 1 < rank; ++d)
    reassociation.push_back({d});
  reassociation.push_back({rank - 1, rank});
  Value subBlocks =
      tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(split, i8),
                                    codes.getResult(0), reassociation);
  auto [subId, subOuter] = outerMaps(ctx, rank + 1);
  Value sumsInit =
      filled(b, loc, emptyLike(b, loc, subBlocks, i32), b.getI32IntegerAttr(0));
  auto sums = linalg::GenericOp::create(
      b, loc, sumsInit.getType(), ValueRange{subBlocks}, ValueRange{sumsInit},
      SmallVector<AffineMap>{subId, subOuter}, iterators(rank + 1, true),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value q = arith::ExtSIOp::create(b, loc, i32, args[0]);
        linalg::YieldOp::create(
            b, loc, arith::AddIOp::create(b, loc, args[1], q).getResult());
      });
  return {scales.getResult(0), codes.getResult(0), sums.getResult(0)};
}

/// sum_j scales[j] * sum_l weights[j][l] * acts[j][l] over the sub-blocks j:
/// `weights` the unsigned 4-bit codes and `acts` the int8 codes of x
/// (vector<32xi8> each), `scales` a vector<8xi32>; every product and sum is
/// exact in i32. One zext * sext reduction per sub-block (the x86 backend
/// selects vpdpbusd for it on VNNI targets, vpmaddubsw + vpmaddwd on AVX2),
/// the eight sums gathered into a vector, times the scales, reduced.
static Value buildScaledDots(OpBuilder &b, Location loc,
                             ArrayRef<Value> weights, ArrayRef<Value> acts,
                             Value scales) {
  auto wide = VectorType::get({kSubBlock}, b.getI32Type());
  auto nsw = arith::IntegerOverflowFlags::nsw;
  SmallVector<Value> dots;
  for (auto [w, x] : llvm::zip_equal(weights, acts)) {
    Value product =
        arith::MulIOp::create(b, loc, arith::ExtUIOp::create(b, loc, wide, w),
                              arith::ExtSIOp::create(b, loc, wide, x), nsw);
    dots.push_back(vector::ReductionOp::create(
        b, loc, vector::CombiningKind::ADD, product));
  }
  Value dotVector = vector::FromElementsOp::create(
      b, loc, cast<VectorType>(scales.getType()), dots);
  Value scaled = arith::MulIOp::create(b, loc, dotVector, scales, nsw);
  return vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                     scaled);
}

/// The Q4_K parts of one weight block the integer dot needs.
struct Q4KBlockParts {
  Value d, dmin;      // f32
  Value scales, mins; // vector<8xi32>, the 6-bit fields of sub-blocks 0..7
  SmallVector<Value, kSubBlocks> codes; // vector<32xi8> nibbles per sub-block
};

/// Unpacks block `block` of Q4_K `storage`: the fp16 d and dmin, the 6-bit
/// scales and mins of the eight sub-blocks with vector ops on the 12 scale
/// bytes (ggml's get_scale_min_k4), and the nibbles of each sub-block.
static Q4KBlockParts loadQ4KBlock(OpBuilder &b, Location loc, Q4KAttr format,
                                  Value storage, Value numBlocks, Value block) {
  using ::quant4::format::Q4KBlock;
  DecodeBuilder d(b, loc, storage);
  Value base = d.groupOffset(format.getBlockLayout(), 0, numBlocks, block);
  Q4KBlockParts parts;
  parts.d = d.loadF16(d.add(base, Q4KBlock::kD));
  parts.dmin = d.loadF16(d.add(base, Q4KBlock::kDMin));

  // bytes 0..3: sc[0..3] | (sc[4..7] >> 4) << 6; bytes 4..7: the same for the
  // mins; bytes 8..11: sc[4..7] & 15 | (m[4..7] & 15) << 4.
  Value scaleBytes = d.add(base, Q4KBlock::kScales);
  Value lowSc = d.loadBytes(scaleBytes, 4);
  Value lowM = d.loadBytes(d.add(scaleBytes, 4), 4);
  Value high = d.loadBytes(d.add(scaleBytes, 8), 4);
  auto c8 = [&](int64_t v) {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(cast<ShapedType>(lowSc.getType()),
                               b.getI8IntegerAttr(v)));
  };
  auto top2 = [&](Value v) {
    return arith::ShLIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, v, c8(6)), c8(4));
  };
  Value sc03 = arith::AndIOp::create(b, loc, lowSc, c8(63));
  Value m03 = arith::AndIOp::create(b, loc, lowM, c8(63));
  Value sc47 = arith::OrIOp::create(
      b, loc, arith::AndIOp::create(b, loc, high, c8(15)), top2(lowSc));
  Value m47 = arith::OrIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, high, c8(4)), top2(lowM));
  auto join = [&](Value lo, Value hi) -> Value {
    Value all = vector::ShuffleOp::create(
        b, loc, lo, hi, ArrayRef<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
    return arith::ExtUIOp::create(
        b, loc, VectorType::get({kSubBlocks}, b.getI32Type()), all);
  };
  parts.scales = join(sc03, sc47);
  parts.mins = join(m03, m47);

  // Sub-blocks 2c and 2c + 1 are the low and high nibbles of qs[32c ..).
  for (int64_t c = 0; c < kSubBlocks / 2; ++c) {
    Value bytes =
        d.loadBytes(d.add(base, Q4KBlock::kQs + c * kSubBlock), kSubBlock);
    parts.codes.push_back(d.nibbles(bytes, d.i32(0)));
    parts.codes.push_back(d.nibbles(bytes, d.i32(4)));
  }
  return parts;
}

/// Loops (batch..., M, N, KB) with a reduction over KB: each iteration adds
/// one Q4_K block x Q8_K block dot product to y[..., m, n].
static linalg::GenericOp buildQ8KReduction(OpBuilder &builder, Location loc,
                                           const Q8KActivations &x, Value acc,
                                           Value storage, Q4KAttr format,
                                           const BlockGrid &grid) {
  MLIRContext *ctx = builder.getContext();
  int64_t rank = cast<ShapedType>(acc.getType()).getRank(); // batch..., M, N
  int64_t nDim = rank - 1, kbDim = rank, numLoops = rank + 1;
  SmallVector<AffineExpr> xExprs, yExprs;
  for (int64_t d = 0; d < nDim; ++d)
    xExprs.push_back(getAffineDimExpr(d, ctx));
  xExprs.push_back(getAffineDimExpr(kbDim, ctx));
  for (int64_t d = 0; d < rank; ++d)
    yExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xExprs, ctx),
                                 AffineMap::get(numLoops, 0, yExprs, ctx)};

  return linalg::GenericOp::create(
      builder, loc, acc.getType(), ValueRange{x.scales}, ValueRange{acc}, maps,
      iterators(numLoops, true),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Type i8 = b.getI8Type(), i32 = b.getI32Type();
        SmallVector<Value> at;
        for (int64_t d = 0; d < nDim; ++d)
          at.push_back(linalg::IndexOp::create(b, loc, d));
        Value n = linalg::IndexOp::create(b, loc, nDim);
        Value kb = linalg::IndexOp::create(b, loc, kbDim);
        at.push_back(kb);
        DecodeBuilder d(b, loc, storage);
        Value block = d.add(d.mul(n, grid.blocksPerRow), kb);
        Value numBlocks =
            getValueOrCreateConstantIndexOp(b, loc, grid.numBlocks);
        Q4KBlockParts w =
            loadQ4KBlock(b, loc, format, storage, numBlocks, block);

        // sumi = sum_j sc_j * dot_j, summ = sum_j m_j * s_j.
        auto read = [&](Value source, int64_t offset, int64_t width,
                        Type element) -> Value {
          SmallVector<Value> indices(at);
          indices.push_back(d.index(offset));
          Value pad =
              arith::ConstantOp::create(b, loc, b.getIntegerAttr(element, 0));
          return vector::TransferReadOp::create(
              b, loc, VectorType::get({width}, element), source, indices, pad,
              ArrayRef<bool>{true});
        };
        SmallVector<Value> acts;
        for (int64_t j = 0; j < kSubBlocks; ++j)
          acts.push_back(read(x.codes, j * kSubBlock, kSubBlock, i8));
        Value sumi = arith::SIToFPOp::create(
            b, loc, b.getF32Type(),
            buildScaledDots(b, loc, w.codes, acts, w.scales));
        auto weighted = [&](Value lhs, Value rhs) -> Value {
          Value product = arith::MulIOp::create(
              b, loc, lhs, rhs, arith::IntegerOverflowFlags::nsw);
          Value sum = vector::ReductionOp::create(
              b, loc, vector::CombiningKind::ADD, product);
          return arith::SIToFPOp::create(b, loc, b.getF32Type(), sum);
        };
        Value summ = weighted(read(x.subSums, 0, kSubBlocks, i32), w.mins);

        // y += (d_w * d_x) * sumi - (dmin_w * d_x) * summ.
        Value dx = args[0];
        Value scaled = arith::MulFOp::create(
            b, loc, arith::MulFOp::create(b, loc, w.d, dx), sumi);
        Value offset = arith::MulFOp::create(
            b, loc, arith::MulFOp::create(b, loc, w.dmin, dx), summ);
        Value blockSum = arith::SubFOp::create(b, loc, scaled, offset);
        linalg::YieldOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, args[1], blockSum).getResult());
      });
}

} // namespace

linalg::GenericOp mlir::quant4::detail::buildQ8KMatmul(
    OpBuilder &b, Location loc, Value xBlocks, Value acc, Value storage,
    BlockFormatAttrInterface format, const BlockGrid &grid) {
  Q8KActivations x = buildQuantizeQ8K(b, loc, xBlocks);
  return buildQ8KReduction(b, loc, x, acc, storage, cast<Q4KAttr>(format),
                           grid);
}
