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
#include "Conversion/Quant4ToLinalg/QuantizeQ8K.h"
#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "Format/Layout.h"
#include "Format/Q4K.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::detail;

namespace {

static_assert(kQ8KBlock == ::quant4::format::kQK_K, "a Q8_K block per Q4_K");
constexpr int64_t kSubBlock = kQ8KSubBlock;
constexpr int64_t kSubBlocks = kQ8KSubBlocks;

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

  // The 12 scale bytes are lowSc = sc[0..3] | (sc[4..7] >> 4) << 6, lowM
  // (the same for the mins), high = sc[4..7] & 15 | (m[4..7] & 15) << 4.
  // One 16-byte load v = [lowSc | lowM | high | qs[0..3]], then per byte
  //   all = ([lowSc | lowM | high | high] >> (0, 0, 0, 4 per 32-bit lane)
  //          & (63 x 8, 15 x 8)) | ([0 | 0 | lowSc | lowM] >> 6) << 4
  //       = [sc[0..3] | m[0..3] | sc[4..7] | m[4..7]]
  // (a few ops on one 16-byte register for all 16 fields instead of ops on
  // each 4-byte piece and two joins: 4096x4096 GEMV on Zen 4 -10 %). The
  // four bytes after the scales are the block's first qs bytes.
  static_assert(Q4KBlock::kScales + 12 == Q4KBlock::kQs, "qs after scales");
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto bytes16 = VectorType::get({16}, i8);
  auto words4 = VectorType::get({4}, i32);
  auto constant = [&](VectorType type, ArrayRef<int64_t> values) -> Value {
    SmallVector<Attribute> attrs;
    for (int64_t v : values)
      attrs.push_back(b.getIntegerAttr(type.getElementType(), v));
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, attrs));
  };
  auto splat8 = [&](int64_t v) {
    return constant(bytes16, SmallVector<int64_t>(16, v));
  };
  Value v = d.loadBytes(d.add(base, Q4KBlock::kScales), 16);
  Value fields = vector::ShuffleOp::create(
      b, loc, v, v,
      ArrayRef<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11});
  Value shifted = arith::ShRUIOp::create(
      b, loc, vector::BitCastOp::create(b, loc, words4, fields),
      constant(words4, {0, 0, 0, 4}));
  SmallVector<int64_t> lowMask(8, 63);
  lowMask.append(8, 15);
  Value low = arith::AndIOp::create(
      b, loc, vector::BitCastOp::create(b, loc, bytes16, shifted),
      constant(bytes16, lowMask));
  SmallVector<int64_t> topLanes(8, 0); // lanes of the zero vector
  for (int64_t i = 0; i < 8; ++i)
    topLanes.push_back(16 + i);
  Value tops = vector::ShuffleOp::create(b, loc, splat8(0), v, topLanes);
  Value top2 = arith::ShLIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, tops, splat8(6)), splat8(4));
  Value all = arith::OrIOp::create(b, loc, low, top2);
  auto fieldsOf = [&](int64_t first) -> Value {
    Value bytes = vector::ShuffleOp::create(
        b, loc, all, all,
        ArrayRef<int64_t>{first, first + 1, first + 2, first + 3, first + 8,
                          first + 9, first + 10, first + 11});
    return arith::ExtUIOp::create(b, loc, VectorType::get({kSubBlocks}, i32),
                                  bytes);
  };
  parts.scales = fieldsOf(0);
  parts.mins = fieldsOf(4);

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

  // One K block: the accumulators after block `kb`.
  auto step = [&](OpBuilder &b, Location loc, Value kb,
                  ValueRange accs) -> SmallVector<Value> {
    DecodeBuilder d(b, loc, storage);
    Value block = d.add(d.mul(n, grid.blocksPerRow), kb);
    Q4KBlockParts w = loadQ4KBlock(b, loc, format, storage, numBlocks, block);
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
          vector::BroadcastOp::create(b, loc,
                                      cast<VectorType>(w.dPair.getType()), dx));
      next[r] = vector::FMAOp::create(
          b, loc, lane(dd, 0), arith::SIToFPOp::create(b, loc, lanes, sumi),
          accs[r]);
      next[rows + r] = vector::FMAOp::create(
          b, loc, lane(dd, 1), arith::SIToFPOp::create(b, loc, lanes, summ),
          accs[rows + r]);
    }
    return next;
  };
  // Two blocks per iteration when the count is even: fewer loop updates and
  // two blocks to schedule together (4096x4096 GEMV on Zen 4: -5 %; four
  // blocks were slower than two).
  int64_t unroll = grid.blocksPerRow % 2 == 0 ? 2 : 1;
  auto loop = scf::ForOp::create(
      b, loc, d.index(0), d.index(grid.blocksPerRow), d.index(unroll), init,
      [&](OpBuilder &b, Location loc, Value kb, ValueRange accs) {
        DecodeBuilder d(b, loc, storage);
        SmallVector<Value> next(accs);
        for (int64_t u = 0; u < unroll; ++u)
          next = step(b, loc, d.add(kb, u), next);
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
  Q8KActivations q8 = buildQuantizeQ8K(b, loc, xBlocks, tiles.parallel);
  Value numRows = b.createOrFold<tensor::DimOp>(loc, x, 0);
  Value numColumns = getValueOrCreateConstantIndexOp(b, loc, grid.sizes[0]);
  return buildTiledMatmul(
      b, loc, numRows, numColumns, b.getF32Type(), tiles,
      [&](OpBuilder &b, Location loc, Value row0, int64_t rows, Value n, bool) {
        return buildQ8KRowSums(b, loc, q8, storage, cast<Q4KAttr>(format), grid,
                               row0, rows, n);
      });
}
