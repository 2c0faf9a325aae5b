//===- SplitReduction.cpp - K blocks of a blocked matmul over lanes -------===//

#include "Target/NVPTX/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUSPLITREDUCTION
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;

namespace {

/// Parallel loops before the first reduction, or -1 unless the generic has
/// the shape this pass rewrites: p parallel loops, then reductions, the
/// first over K blocks (values inside a block may be further reduction
/// loops or a loop in the body); one input, one output whose map only uses
/// parallel loops; the body yields arith.addf(output value, ...).
static int64_t numParallelLoops(linalg::GenericOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t n = iterators.size();
  auto p =
      llvm::find(iterators, utils::IteratorType::reduction) - iterators.begin();
  if (p == 0 || p == n || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics())
    return -1;
  for (int64_t i = p; i < n; ++i)
    if (iterators[i] != utils::IteratorType::reduction)
      return -1;
  AffineMap outMap = op.getIndexingMapsArray()[1];
  if (!outMap.isProjectedPermutation())
    return -1;
  for (int64_t i = p; i < n; ++i)
    if (outMap.isFunctionOfDim(i))
      return -1;
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  Value out = op.getBody()->getArgument(1);
  return add && (add.getLhs() == out || add.getRhs() == out) ? p : -1;
}

/// Fewest lanes per output (at larger M): a group of lanes still reads one
/// 32-byte sector of weights.
constexpr int64_t kMinLanes = 8;

/// The largest power of two <= limit that divides extent.
static int64_t powerOfTwoDividing(int64_t extent, int64_t limit) {
  int64_t l = 1;
  while (l * 2 <= limit && extent % (l * 2) == 0)
    l *= 2;
  return l;
}

static LogicalResult splitReduction(linalg::GenericOp op, int64_t p,
                                    int64_t lanes) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t n = ranges.size();
  auto outType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
  if (ShapedType::isDynamicShape(ranges) || !outType.hasStaticShape())
    return failure();
  // Rows per output column: the parallel loops other than the innermost.
  int64_t rows = 1;
  for (int64_t i = 0; i + 1 < p; ++i)
    rows *= ranges[i];
  // Split the innermost reduction: the values inside a block when it is a
  // loop of its own (lanes then read neighbouring bytes: coalesced), else
  // the K blocks.
  int64_t split = n - 1; // the loop spread over lanes
  int64_t l = powerOfTwoDividing(ranges[split],
                                 std::max<int64_t>(kMinLanes, lanes / rows));
  if (l < 2)
    return failure();

  OpBuilder b(op);
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  // Old loops in terms of the new ones: p parallel, the lane, then the
  // reductions (old loop i >= p is new loop i + 1), the split one counting
  // groups of L: old = group * L + lane.
  SmallVector<AffineExpr> oldInNew;
  for (int64_t i = 0; i < n; ++i)
    oldInNew.push_back(getAffineDimExpr(i < p ? i : i + 1, ctx));
  oldInNew[split] =
      getAffineDimExpr(split + 1, ctx) * l + getAffineDimExpr(p, ctx);
  AffineMap remap = AffineMap::get(n + 1, 0, oldInNew, ctx);
  AffineMap outMap = op.getIndexingMapsArray()[1].compose(remap);

  // The input reads block kb through one result d_kb: view that dimension
  // as [KB / L, L] so the new maps stay permutations (linalg infers loop
  // ranges from them).
  AffineMap oldIn = op.getIndexingMapsArray()[0];
  Value input = op.getDpsInputs()[0];
  auto inType = dyn_cast<RankedTensorType>(input.getType());
  int64_t r = -1;
  for (int64_t i = 0; i < oldIn.getNumResults(); ++i) {
    if (oldIn.getResult(i) == getAffineDimExpr(split, ctx))
      r = i;
    else if (oldIn.getResult(i).isFunctionOfDim(split))
      return failure();
  }
  if (r < 0 || !inType || !inType.hasStaticShape())
    return failure();
  SmallVector<int64_t> inShape;
  SmallVector<ReassociationIndices> reassociation;
  SmallVector<AffineExpr> inExprs;
  for (int64_t i = 0; i < inType.getRank(); ++i) {
    int64_t at = inShape.size();
    if (i == r) {
      inShape.append({inType.getDimSize(i) / l, l});
      reassociation.push_back({at, at + 1});
      inExprs.append(
          {getAffineDimExpr(split + 1, ctx), getAffineDimExpr(p, ctx)});
      continue;
    }
    inShape.push_back(inType.getDimSize(i));
    reassociation.push_back({at});
    inExprs.push_back(oldIn.getResult(i).replaceDims(oldInNew));
  }
  Value expanded = tensor::ExpandShapeOp::create(b, loc, inType.clone(inShape),
                                                 input, reassociation);
  AffineMap inMap = AffineMap::get(n + 1, 0, inExprs, ctx);
  AffineMap partialMap =
      outMap.insertResult(getAffineDimExpr(p, ctx), outMap.getNumResults());

  SmallVector<int64_t> partialShape(outType.getShape());
  partialShape.push_back(l);
  Type element = outType.getElementType();
  Value zero =
      arith::ConstantOp::create(b, loc, element, b.getZeroAttr(element));
  Value partial = tensor::EmptyOp::create(b, loc, partialShape, element);
  partial = linalg::FillOp::create(b, loc, zero, partial).getResult(0);

  SmallVector<utils::IteratorType> iterators(n + 1,
                                             utils::IteratorType::reduction);
  for (int64_t i = 0; i <= p; ++i)
    iterators[i] = utils::IteratorType::parallel;
  Block *oldBody = op.getBody();
  auto partialOp = linalg::GenericOp::create(
      b, loc, partial.getType(), ValueRange{expanded}, ValueRange{partial},
      SmallVector<AffineMap>{inMap, partialMap}, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        IRMapping mapping;
        mapping.map(oldBody->getArguments(), args);
        for (Operation &old : oldBody->without_terminator()) {
          auto index = dyn_cast<linalg::IndexOp>(old);
          if (!index) {
            nb.clone(old, mapping);
            continue;
          }
          int64_t dim = index.getDim();
          Value value;
          if (dim < p) {
            value = linalg::IndexOp::create(nb, nloc, dim);
          } else if (dim == split) { // group * L + lane
            Value group = linalg::IndexOp::create(nb, nloc, split + 1);
            Value lane = linalg::IndexOp::create(nb, nloc, p);
            Value scaled = arith::MulIOp::create(
                nb, nloc, group, arith::ConstantIndexOp::create(nb, nloc, l));
            value = arith::AddIOp::create(nb, nloc, scaled, lane);
          } else {
            value = linalg::IndexOp::create(nb, nloc, dim + 1);
          }
          mapping.map(index.getResult(), value);
        }
        auto yield = cast<linalg::YieldOp>(oldBody->getTerminator());
        linalg::YieldOp::create(nb, nloc, mapping.lookup(yield.getOperand(0)));
      });

  // out = init + sum over lanes.
  int64_t outRank = outType.getRank();
  SmallVector<utils::IteratorType> sumIterators(outRank + 1,
                                                utils::IteratorType::parallel);
  sumIterators.back() = utils::IteratorType::reduction;
  AffineMap sumIn = b.getMultiDimIdentityMap(outRank + 1);
  AffineMap sumOut =
      AffineMap::getMultiDimIdentityMap(outRank + 1, ctx).dropResult(outRank);
  auto sum = linalg::GenericOp::create(
      b, loc, outType, partialOp.getResult(0), op.getDpsInits()[0],
      SmallVector<AffineMap>{sumIn, sumOut}, sumIterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc,
            arith::AddFOp::create(nb, nloc, args[1], args[0]).getResult());
      });
  op.getResult(0).replaceAllUsesWith(sum.getResult(0));
  op.erase();
  // A fill of the output right before the sum lets the two loops fuse into
  // one kernel after bufferization.
  if (auto fill = sum.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
      fill && fill->hasOneUse())
    fill->moveBefore(sum);
  return success();
}

struct SplitReduction
    : quant4::impl::Quant4GPUSplitReductionBase<SplitReduction> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes < 1) {
      getOperation().emitError("lanes must be positive");
      return signalPassFailure();
    }
    SmallVector<std::pair<linalg::GenericOp, int64_t>> candidates;
    getOperation().walk([&](linalg::GenericOp op) {
      if (int64_t p = numParallelLoops(op); p > 0)
        candidates.push_back({op, p});
    });
    for (auto [op, p] : candidates)
      (void)splitReduction(op, p, lanes);
  }
};

} // namespace
