//===- MatmulQ8.cpp - quant4.matmul with Q8_K activations -----------------===//
//
// `quant4.matmul ... activations q8_k`: each 256-value block of x is rounded
// to ggml's block_q8_K in generated code (bit-exact with lib/Format's
// quantizeQ8K), then every Q4_K weight block meets it in integer dot products
// per 32-value sub-block, as ggml's vec_dot_q4_K_q8_K does (lanes l = 0..7):
//
//   acc_l  += (d_w * d_x) * sum_j sc_j * (q4_j . q8_j)[4l .. 4l + 3]
//   accm_l += (dmin_w * d_x) * m_l * s_l
//   y = sum_l (acc_l - accm_l), once per output
//
// with the i8 x u8 products summed in i32 and s_l the sum of the 32 int8
// values of sub-block l (ggml's bsums, two per sub-block). The loops are
// MatmulKernel.h's column tiles and row groups.
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
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// Lane i of the result: the sum of the products 4i .. 4i + 3 of the
/// unsigned 4-bit codes `w` and the int8 codes `x` (vector<32xi8> each),
/// exact in i32: the widened products, then four strided shuffles added
/// (the lanes of vpmaddubsw + vpmaddwd, and of vpdpbusd).
static Value buildQuadDots(OpBuilder &b, Location loc, Value w, Value x) {
  auto wide = VectorType::get({kSubBlock}, b.getI32Type());
  auto nsw = arith::IntegerOverflowFlags::nsw;
  Value product =
      arith::MulIOp::create(b, loc, arith::ExtUIOp::create(b, loc, wide, w),
                            arith::ExtSIOp::create(b, loc, wide, x), nsw);
  Value sum;
  for (int64_t c = 0; c < 4; ++c) {
    SmallVector<int64_t> lanes;
    for (int64_t i = 0; i < kSubBlock / 4; ++i)
      lanes.push_back(4 * i + c);
    Value part = vector::ShuffleOp::create(b, loc, product, product, lanes);
    sum =
        sum ? arith::AddIOp::create(b, loc, sum, part, nsw).getResult() : part;
  }
  return sum;
}

/// sum_j scales[j] * quadDots(weights[j], acts[j]) over the sub-blocks j, as
/// a vector<8xi32> (no horizontal sum): `scales` a vector<8xi32>
/// zero-extended from i8, lane j broadcast by a vector.shuffle.
static Value buildScaledDots(OpBuilder &b, Location loc,
                             ArrayRef<Value> weights, ArrayRef<Value> acts,
                             Value scales) {
  auto nsw = arith::IntegerOverflowFlags::nsw;
  Value sum;
  for (auto [j, wx] : llvm::enumerate(llvm::zip_equal(weights, acts))) {
    Value dots = buildQuadDots(b, loc, std::get<0>(wx), std::get<1>(wx));
    SmallVector<int64_t> lane(kSubBlock / 4, j);
    Value scale = vector::ShuffleOp::create(b, loc, scales, scales, lane);
    Value scaled = arith::MulIOp::create(b, loc, dots, scale, nsw);
    sum = sum ? arith::AddIOp::create(b, loc, sum, scaled, nsw).getResult()
              : scaled;
  }
  return sum;
}

/// The Q4_K parts of one weight block the integer dot needs.
struct Q4KBlockParts {
  Value dPair;        // vector<2xf32>: d, dmin
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
  // d and dmin: one 4-byte load, two fp16 lanes extended exactly.
  static_assert(Q4KBlock::kDMin == Q4KBlock::kD + 2, "d, dmin adjacent");
  Value halves =
      vector::BitCastOp::create(b, loc, VectorType::get({2}, b.getF16Type()),
                                d.loadBytes(d.add(base, Q4KBlock::kD), 4));
  parts.dPair = arith::ExtFOp::create(
      b, loc, VectorType::get({2}, b.getF32Type()), halves);

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

/// The sums of weight row `n` with the `rows` Q8_K rows of x from `row0`:
/// per row two vector<8xf32> accumulators over all K blocks, per block
///   acc  = fma(d_w * d_x, f32(sum_j sc_j * quadDots_j), acc)
///   accm = fma(dmin_w * d_x, f32(m * s), accm)
/// (vector<8xi32> integer parts, exact), one horizontal sum of acc - accm per
/// row at the end, as ggml's AVX2 ggml_vec_dot_q4_K_q8_K. A weight block is
/// unpacked once for all the rows.
static SmallVector<Value> buildQ8KRowSums(OpBuilder &b, Location loc,
                                          const Q8KActivations &x,
                                          Value storage, Q4KAttr format,
                                          const BlockGrid &grid, Value row0,
                                          int64_t rows, Value n) {
  Type f32 = b.getF32Type(), i8 = b.getI8Type(), i32 = b.getI32Type();
  auto lanes = VectorType::get({kSubBlocks}, f32);
  DecodeBuilder d(b, loc, storage);
  Value numBlocks = getValueOrCreateConstantIndexOp(b, loc, grid.numBlocks);
  SmallVector<Value> rowIndex;
  for (int64_t r = 0; r < rows; ++r)
    rowIndex.push_back(d.add(row0, r));
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(lanes, b.getF32FloatAttr(0)));
  SmallVector<Value> init(2 * rows, zero);

  auto loop = scf::ForOp::create(
      b, loc, d.index(0), d.index(grid.blocksPerRow), d.index(1), init,
      [&](OpBuilder &b, Location loc, Value kb, ValueRange accs) {
        DecodeBuilder d(b, loc, storage);
        Value block = d.add(d.mul(n, grid.blocksPerRow), kb);
        Q4KBlockParts w =
            loadQ4KBlock(b, loc, format, storage, numBlocks, block);
        auto read = [&](Value source, Value row, int64_t offset, int64_t width,
                        Type element) -> Value {
          Value pad =
              arith::ConstantOp::create(b, loc, b.getIntegerAttr(element, 0));
          return vector::TransferReadOp::create(
              b, loc, VectorType::get({width}, element), source,
              ValueRange{row, kb, d.index(offset)}, pad, ArrayRef<bool>{true});
        };
        auto lane = [&](Value pair, int64_t i) -> Value {
          Value scalar = vector::ExtractOp::create(b, loc, pair, i);
          return vector::BroadcastOp::create(b, loc, lanes, scalar);
        };
        SmallVector<Value> next(2 * rows);
        for (int64_t r = 0; r < rows; ++r) {
          SmallVector<Value> acts;
          for (int64_t j = 0; j < kSubBlocks; ++j)
            acts.push_back(
                read(x.codes, rowIndex[r], j * kSubBlock, kSubBlock, i8));
          Value sumi = buildScaledDots(b, loc, w.codes, acts, w.scales);
          Value summ = arith::MulIOp::create(
              b, loc, w.mins, read(x.subSums, rowIndex[r], 0, kSubBlocks, i32),
              arith::IntegerOverflowFlags::nsw);
          // (d_w * d_x, dmin_w * d_x), each rounded once.
          Value dx = tensor::ExtractOp::create(b, loc, x.scales,
                                               ValueRange{rowIndex[r], kb});
          Value dd = arith::MulFOp::create(
              b, loc, w.dPair,
              vector::BroadcastOp::create(
                  b, loc, cast<VectorType>(w.dPair.getType()), dx));
          next[r] = vector::FMAOp::create(
              b, loc, lane(dd, 0), arith::SIToFPOp::create(b, loc, lanes, sumi),
              accs[r]);
          next[rows + r] = vector::FMAOp::create(
              b, loc, lane(dd, 1), arith::SIToFPOp::create(b, loc, lanes, summ),
              accs[rows + r]);
        }
        scf::YieldOp::create(b, loc, next);
      });

  SmallVector<Value> sums;
  for (int64_t r = 0; r < rows; ++r) {
    Value both = arith::SubFOp::create(b, loc, loop.getResult(r),
                                       loop.getResult(rows + r));
    sums.push_back(vector::ReductionOp::create(b, loc,
                                               vector::CombiningKind::ADD, both,
                                               arith::FastMathFlags::reassoc));
  }
  return sums;
}

} // namespace

Value mlir::quant4::detail::buildQ8KMatmul(OpBuilder &b, Location loc, Value x,
                                           Value storage,
                                           BlockFormatAttrInterface format,
                                           const BlockGrid &grid,
                                           const MatmulKernelTiles &tiles) {
  // x : [M, K] -> [M, KB, 256], rounded to Q8_K.
  auto xType = cast<RankedTensorType>(x.getType());
  Value xBlocks = tensor::ExpandShapeOp::create(
      b, loc,
      xType.clone({xType.getDimSize(0), grid.blocksPerRow, grid.blockSize}), x,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  Q8KActivations q8 = buildQuantizeQ8K(b, loc, xBlocks);
  Value numRows = b.createOrFold<tensor::DimOp>(loc, x, 0);
  Value numColumns = getValueOrCreateConstantIndexOp(b, loc, grid.sizes[0]);
  return buildTiledMatmul(
      b, loc, numRows, numColumns, b.getF32Type(), tiles,
      [&](OpBuilder &b, Location loc, Value row0, int64_t rows, Value n, bool) {
        return buildQ8KRowSums(b, loc, q8, storage, cast<Q4KAttr>(format), grid,
                               row0, rows, n);
      });
}
