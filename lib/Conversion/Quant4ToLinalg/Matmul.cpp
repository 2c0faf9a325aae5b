//===- Matmul.cpp - quant4.matmul to linalg -------------------------------===//
//
// quant4.matmul becomes a reduction whose body decodes each weight block
// through BlockFormatAttrInterface (no dequantized weight buffer).
//
//===----------------------------------------------------------------------===//

#include "Conversion/Quant4ToLinalg/LoweringUtils.h"
#include "Conversion/Quant4ToLinalg/MatmulKernel.h"
#include "Conversion/Quant4ToLinalg/MatmulQ8.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::detail;

namespace {

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

/// What both matmul strategies share: x viewed as [..., M, KB, BS], the
/// zero-filled accumulator [..., M, N] and the weights' storage and format.
struct MatmulParts {
  Value xBlocks, acc, storage;
  Type accType;
  int64_t rank; // of x: batch..., M, K
  BlockGrid grid;
  BlockFormatAttrInterface format;
};

/// Loops (batch..., M, N, KB, BS), reductions over KB and BS, one product per
/// iteration added straight to the accumulator (products summed in K order).
static linalg::GenericOp buildElementReduction(OpBuilder &builder, Location loc,
                                               const MatmulParts &p) {
  int64_t rank = p.rank, numLoops = rank + 2;
  const BlockGrid *grid = &p.grid;
  Value xBlocks = p.xBlocks, acc = p.acc, storage = p.storage;
  Type accType = p.accType;
  BlockFormatAttrInterface format = p.format;
  MLIRContext *ctx = builder.getContext();
  auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> xExprs, yExprs;
  for (int64_t d = 0; d + 1 < rank; ++d) {
    xExprs.push_back(dim(d));
    yExprs.push_back(dim(d));
  }
  int64_t nDim = rank - 1, kbDim = rank, kiDim = rank + 1;
  xExprs.append({dim(kbDim), dim(kiDim)});
  yExprs.push_back(dim(nDim));
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xExprs, ctx),
                                 AffineMap::get(numLoops, 0, yExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  iterators[kbDim] = iterators[kiDim] = utils::IteratorType::reduction;

  auto generic = linalg::GenericOp::create(
      builder, loc, acc.getType(), ValueRange{xBlocks}, ValueRange{acc}, maps,
      iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
        auto idx = [&](int64_t v) {
          return b.createOrFold<arith::ConstantIndexOp>(loc, v);
        };
        Value n = linalg::IndexOp::create(b, loc, nDim);
        Value kb = linalg::IndexOp::create(b, loc, kbDim);
        Value ki = linalg::IndexOp::create(b, loc, kiDim);
        Value block = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, n, idx(grid->blocksPerRow)),
            kb);
        Value w = format.buildDecode(
            b, loc, storage,
            getValueOrCreateConstantIndexOp(b, loc, grid->numBlocks), block,
            ki);
        Value product = arith::MulFOp::create(
            b, loc, convertFloat(b, loc, args[0], accType),
            convertFloat(b, loc, w, accType));
        linalg::YieldOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, args[1], product).getResult());
      });
  return generic;
}

/// Builds the sum of one block's products: `xIndices` index x's block
/// ([..., M, KB] of x viewed as [..., M, KB, BS]), `block` the weight block.
using BlockSumBuilder =
    function_ref<Value(OpBuilder &b, Location loc, const MatmulParts &p,
                       ArrayRef<Value> xIndices, Value block, Value numBlocks)>;

/// Loops (batch..., M, N, KB), one reduction over KB: each iteration sums one
/// block's products with `blockSum` and adds that sum to the accumulator. x
/// enters as the first value of each block, which gives linalg the loop
/// ranges; the body reads the block from x itself.
static linalg::GenericOp buildPerBlockReduction(OpBuilder &builder,
                                                Location loc,
                                                const MatmulParts &p,
                                                BlockSumBuilder blockSum) {
  int64_t rank = p.rank;
  const BlockGrid *grid = &p.grid;
  int64_t numLoops = rank + 1;
  int64_t nDim = rank - 1, kbDim = rank;
  SmallVector<AffineExpr> xExprs, yExprs;
  for (int64_t d = 0; d < nDim; ++d)
    xExprs.push_back(builder.getAffineDimExpr(d));
  xExprs.append(
      {builder.getAffineDimExpr(kbDim), builder.getAffineConstantExpr(0)});
  for (int64_t d = 0; d < rank; ++d)
    yExprs.push_back(builder.getAffineDimExpr(d));
  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0, xExprs, builder.getContext()),
      AffineMap::get(numLoops, 0, yExprs, builder.getContext())};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  iterators[kbDim] = utils::IteratorType::reduction;

  return linalg::GenericOp::create(
      builder, loc, p.acc.getType(), ValueRange{p.xBlocks}, ValueRange{p.acc},
      maps, iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
        SmallVector<Value> xIndices;
        for (int64_t d = 0; d < nDim; ++d)
          xIndices.push_back(linalg::IndexOp::create(b, loc, d));
        Value n = linalg::IndexOp::create(b, loc, nDim);
        Value kb = linalg::IndexOp::create(b, loc, kbDim);
        xIndices.push_back(kb);
        Value block = arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc, n,
                                  b.createOrFold<arith::ConstantIndexOp>(
                                      loc, grid->blocksPerRow)),
            kb);
        Value numBlocks =
            getValueOrCreateConstantIndexOp(b, loc, grid->numBlocks);
        Value sum = blockSum(b, loc, p, xIndices, block, numBlocks);
        linalg::YieldOp::create(
            b, loc, arith::AddFOp::create(b, loc, args[1], sum).getResult());
      });
}

/// Two nested scf.for loops over a block: decode groups (the values sharing
/// their decode parameters), then `step` values of a group at a time, so the
/// group's decode work is invariant in the inner loop (and hoisted by LICM).
/// `body` gets the index of the first value (g * group + l, no unsigned
/// wrap) and the carried value.
static Value
buildGroupLoops(OpBuilder &b, Location loc, int64_t blockSize, int64_t group,
                int64_t step, Value init,
                function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  auto idx = [&](int64_t v) {
    return b.createOrFold<arith::ConstantIndexOp>(loc, v);
  };
  auto loop = scf::ForOp::create(
      b, loc, idx(0), idx(blockSize / group), idx(1), ValueRange{init},
      [&](OpBuilder &b, Location loc, Value g, ValueRange outerIter) {
        auto inner = scf::ForOp::create(
            b, loc, idx(0), idx(group), idx(step), outerIter,
            [&](OpBuilder &b, Location loc, Value l, ValueRange iter) {
              auto nuw = arith::IntegerOverflowFlags::nuw;
              Value ki = arith::AddIOp::create(
                  b, loc, arith::MulIOp::create(b, loc, g, idx(group), nuw), l,
                  nuw);
              scf::YieldOp::create(b, loc, body(b, loc, ki, iter[0]));
            });
        scf::YieldOp::create(b, loc, inner.getResults());
      });
  return loop.getResult(0);
}

/// A block's products summed one at a time in K order, from 0.
static Value buildScalarBlockSum(OpBuilder &b, Location loc,
                                 const MatmulParts &p, ArrayRef<Value> xIndices,
                                 Value block, Value numBlocks) {
  Value zero = arith::ConstantOp::create(b, loc, p.accType,
                                         b.getFloatAttr(p.accType, 0));
  return buildGroupLoops(
      b, loc, p.grid.blockSize, p.format.getDecodeGroupSize(), 1, zero,
      [&](OpBuilder &b, Location loc, Value ki, Value sum) -> Value {
        Value w = p.format.buildDecode(b, loc, p.storage, numBlocks, block, ki);
        SmallVector<Value> at(xIndices);
        at.push_back(ki);
        Value xv = tensor::ExtractOp::create(b, loc, p.xBlocks, at);
        Value product =
            arith::MulFOp::create(b, loc, convertFloat(b, loc, xv, p.accType),
                                  convertFloat(b, loc, w, p.accType));
        return arith::AddFOp::create(b, loc, sum, product);
      });
}

/// `build` (y [R, N] from x [R, K]) on x [..., M, K] viewed as
/// [batch * M, K]; returns y [..., M, N] in the accumulator type.
static Value
buildOnRows(OpBuilder &b, Location loc, Value x, Type accType,
            ArrayRef<OpFoldResult> ySizes,
            function_ref<Value(OpBuilder &, Location, Value)> build) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  SmallVector<ReassociationIndices> rowsAndK;
  if (rank > 2) {
    ReassociationIndices rows;
    for (int64_t d = 0; d + 1 < rank; ++d)
      rows.push_back(d);
    rowsAndK = {rows, {rank - 1}};
    x = tensor::CollapseShapeOp::create(b, loc, x, rowsAndK);
  }
  Value y = build(b, loc, x);
  if (rank == 2)
    return y;
  SmallVector<int64_t> shape;
  for (OpFoldResult size : ySizes)
    shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, accType), y, rowsAndK, ySizes);
}

/// `result` (accumulator type, sizes `sizes`) converted to `resultType`.
static Value convertMatmulResult(OpBuilder &b, Location loc, Value result,
                                 ArrayRef<OpFoldResult> sizes,
                                 RankedTensorType resultType) {
  Type element = resultType.getElementType();
  if (cast<ShapedType>(result.getType()).getElementType() != element) {
    Value init = tensor::EmptyOp::create(b, loc, sizes, element);
    AffineMap id = b.getMultiDimIdentityMap(resultType.getRank());
    result = linalg::GenericOp::create(
                 b, loc, init.getType(), ValueRange{result}, ValueRange{init},
                 SmallVector<AffineMap>{id, id},
                 SmallVector<utils::IteratorType>(
                     resultType.getRank(), utils::IteratorType::parallel),
                 [&](OpBuilder &b, Location loc, ValueRange args) {
                   linalg::YieldOp::create(
                       b, loc, convertFloat(b, loc, args[0], element));
                 })
                 .getResult(0);
  }
  if (result.getType() != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);
  return result;
}

/// y[b..., m, n] = sum_{kb, ki} x[b..., m, kb, ki] * decode(W, n * KB + kb, ki)
/// with x viewed as [..., M, K / bs, bs], accumulated in the accumulator type
/// and converted to the result type afterwards.
struct MatmulLowering : OpConversionPattern<MatmulOp> {
  MatmulLowering(const TypeConverter &typeConverter, MLIRContext *context,
                 const Quant4ToLinalgOptions &options)
      : OpConversionPattern(typeConverter, context), options(options) {}
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockedTensorType weights = op.getWeights().getType();
    if (weights.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "weights must be [N, K]");
    FailureOr<BlockGrid> grid =
        getBlockGrid(op, op.getWeights(), adaptor.getWeights(), rewriter);
    if (failed(grid))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getActivations();
    auto xType = cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = op.getResult().getType();
    Type accType = op.getAccumulatorType();
    int64_t rank = xType.getRank(); // batch..., M, K
    BlockFormatAttrInterface format = weights.getFormat();
    Value storage = adaptor.getWeights();
    SmallVector<OpFoldResult> accSizes =
        tensor::getMixedSizes(rewriter, loc, x);
    accSizes.back() = grid->sizes[0];

    MatmulKernelTiles tiles;
    tiles.rows = options.tileM;
    tiles.columns = options.tileN;
    tiles.parallel = options.parallel;
    bool q8k = op.getActivationModeOrDefault() == ActivationMode::q8_k;
    if (q8k || options.vectorize) {
      Value y = buildOnRows(rewriter, loc, x, accType, accSizes,
                            [&](OpBuilder &b, Location loc, Value rows) {
                              return q8k ? buildQ8KMatmul(b, loc, rows, storage,
                                                          format, *grid, tiles)
                                         : buildMatmulKernel(
                                               b, loc, rows, storage, *grid,
                                               format, accType, tiles);
                            });
      rewriter.replaceOp(
          op, convertMatmulResult(rewriter, loc, y, accSizes, resultType));
      return success();
    }

    // x : [..., M, K] -> [..., M, KB, BS].
    SmallVector<int64_t> expandedShape(xType.getShape().drop_back());
    expandedShape.append({grid->blocksPerRow, grid->blockSize});
    SmallVector<ReassociationIndices> reassociation;
    for (int64_t d = 0; d + 1 < rank; ++d)
      reassociation.push_back({d});
    reassociation.push_back({rank - 1, rank});
    Value xBlocks = tensor::ExpandShapeOp::create(
        rewriter, loc, xType.clone(expandedShape), x, reassociation);

    // Accumulator [..., M, N] = 0.
    Value acc = tensor::EmptyOp::create(rewriter, loc, accSizes, accType);
    Value zero = arith::ConstantOp::create(rewriter, loc, accType,
                                           rewriter.getFloatAttr(accType, 0));
    acc = linalg::FillOp::create(rewriter, loc, zero, acc).getResult(0);

    MatmulParts parts{xBlocks, acc, storage, accType, rank, *grid, format};
    linalg::GenericOp generic =
        options.blockSumLoops
            ? buildPerBlockReduction(rewriter, loc, parts, buildScalarBlockSum)
            : buildElementReduction(rewriter, loc, parts);
    generic->setAttr(kLoweredAttrName, rewriter.getStringAttr("matmul"));
    Value result = generic.getResult(0);

    rewriter.replaceOp(
        op, convertMatmulResult(rewriter, loc, result, accSizes, resultType));
    return success();
  }

private:
  Quant4ToLinalgOptions options;
};

} // namespace

void mlir::quant4::detail::populateMatmulLoweringPatterns(
    TypeConverter &typeConverter, RewritePatternSet &patterns,
    const Quant4ToLinalgOptions &options) {
  patterns.add<MatmulLowering>(typeConverter, patterns.getContext(), options);
}
