//===- MatmulKernel.cpp - register-blocked CPU matmul loops ---------------===//
//
// The vectorized quant4.matmul lowering: explicit scf loops on tensors over
// column tiles, row groups, columns and K blocks, with one vector
// accumulator per (row, column) over all of K. Decoding goes through
// BlockFormatAttrInterface's affine split (per-group scale and offset, codes
// as floats), so a decoded weight vector serves every row of a row group,
// and a single row needs one conversion and one FMA per code.
//
//===----------------------------------------------------------------------===//

#include "Conversion/Quant4ToLinalg/MatmulKernel.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::detail;

namespace {

/// What the loops of one matmul share.
struct KernelContext {
  Value x, storage, numBlocks;
  const BlockGrid *grid;
  BlockFormatAttrInterface format;
  Type accType, xElement;
  /// Lanes per code vector, values per decode group, groups per block.
  int64_t width, groupSize, groups;
  /// Whether the format has an affine split, and offsets in it.
  bool affine, offsets;
};

using LoopBody =
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>;

} // namespace

static Value constantIndex(OpBuilder &b, Location loc, int64_t value) {
  return b.createOrFold<arith::ConstantIndexOp>(loc, value);
}

/// An scf.for from `lb` to `ub` carrying `init`; returns its results.
static SmallVector<Value> buildFor(OpBuilder &b, Location loc, Value lb,
                                   Value ub, int64_t step, ValueRange init,
                                   LoopBody body) {
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, constantIndex(b, loc, step), init,
      [&](OpBuilder &b, Location loc, Value iv, ValueRange iter) {
        scf::YieldOp::create(b, loc, body(b, loc, iv, iter));
      });
  return SmallVector<Value>(loop.getResults());
}

/// Whether `format` splits its decode into scales and codes, and has
/// offsets: builds buildBlockAffine once in a scratch block and erases it.
static std::pair<bool, bool> probeAffine(BlockFormatAttrInterface format,
                                         Location loc, Value storage,
                                         Value numBlocks) {
  Block scratch;
  OpBuilder b(format.getContext());
  b.setInsertionPointToStart(&scratch);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  auto [scales, offsets] =
      format.buildBlockAffine(b, loc, storage, numBlocks, zero);
  std::pair<bool, bool> result{bool(scales), bool(offsets)};
  while (!scratch.empty())
    scratch.back().erase();
  return result;
}

/// x[row, col .. col + width) converted to the accumulator type.
static Value readX(OpBuilder &b, Location loc, const KernelContext &k,
                   Value row, Value col, int64_t width) {
  Value padding = arith::ConstantOp::create(b, loc, k.xElement,
                                            b.getFloatAttr(k.xElement, 0));
  Value v = vector::TransferReadOp::create(
      b, loc, VectorType::get({width}, k.xElement), k.x, ValueRange{row, col},
      padding, ArrayRef<bool>{true});
  return convertFloat(b, loc, v, k.accType);
}

/// Lane `lane` of `v` broadcast to `width` lanes.
static Value broadcastLane(OpBuilder &b, Location loc, Value v, Value lane,
                           int64_t width) {
  Value scalar =
      vector::ExtractOp::create(b, loc, v, ArrayRef<OpFoldResult>{lane});
  return vector::BroadcastOp::create(
      b, loc, VectorType::get({width}, scalar.getType()), scalar);
}

static Value zeros(OpBuilder &b, Location loc, Type element, int64_t lanes) {
  auto type = VectorType::get({lanes}, element);
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getFloatAttr(element, 0)));
}

/// The sums of `rows` rows of x (from `row0`) with weight row `n`: one
/// vector accumulator per row over all K blocks. `factored`: per decode
/// group, sum(x * c) then one FMA with the group's scale, plus the offsets
/// times the group sums of x (`xsum`, rows from `xsumRow0`); otherwise each
/// weight vector a_g * c + b_g is decoded once for all rows.
static SmallVector<Value> buildRowSums(OpBuilder &b, Location loc,
                                       const KernelContext &k, Value row0,
                                       int64_t rows, Value n, bool factored,
                                       Value xsum, Value xsumRow0) {
  const BlockGrid &grid = *k.grid;
  int64_t width = k.width, perGroup = k.groupSize / width;
  bool withOffsetSums = factored && k.offsets;
  SmallVector<Value> rowIndex, xsumIndex;
  for (int64_t r = 0; r < rows; ++r) {
    Value dr = constantIndex(b, loc, r);
    rowIndex.push_back(arith::AddIOp::create(b, loc, row0, dr));
    if (withOffsetSums)
      xsumIndex.push_back(arith::AddIOp::create(b, loc, xsumRow0, dr));
  }
  SmallVector<Value> init(rows, zeros(b, loc, k.accType, width));
  if (withOffsetSums)
    init.append(rows, zeros(b, loc, k.accType, k.groups));

  SmallVector<Value> sums = buildFor(
      b, loc, constantIndex(b, loc, 0),
      constantIndex(b, loc, grid.blocksPerRow), 1, init,
      [&](OpBuilder &b, Location loc, Value kb,
          ValueRange iter) -> SmallVector<Value> {
        Value block = arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc, n,
                                  constantIndex(b, loc, grid.blocksPerRow)),
            kb);
        Value kBase = arith::MulIOp::create(
            b, loc, kb, constantIndex(b, loc, grid.blockSize));
        Value scales, offsets;
        if (k.affine) {
          std::tie(scales, offsets) =
              k.format.buildBlockAffine(b, loc, k.storage, k.numBlocks, block);
          scales = convertFloat(b, loc, scales, k.accType);
          if (offsets)
            offsets = convertFloat(b, loc, offsets, k.accType);
        }
        // The weight vector at `index` of the block, for all rows.
        auto decode = [&](OpBuilder &b, Location loc, Value index, Value scale,
                          Value offset) -> Value {
          if (!k.affine)
            return convertFloat(b, loc,
                                k.format.buildVectorDecode(b, loc, k.storage,
                                                           k.numBlocks, block,
                                                           index, width),
                                k.accType);
          Value codes = convertFloat(
              b, loc,
              k.format.buildVectorCodes(b, loc, k.storage, k.numBlocks, block,
                                        index, width),
              k.accType);
          if (!scale)
            return codes;
          Value w = arith::MulFOp::create(b, loc, scale, codes);
          return offset ? arith::AddFOp::create(b, loc, w, offset) : w;
        };
        SmallVector<Value> accs(iter.take_front(rows));
        accs = buildFor(
            b, loc, constantIndex(b, loc, 0), constantIndex(b, loc, k.groups),
            1, accs,
            [&](OpBuilder &b, Location loc, Value g,
                ValueRange groupAccs) -> SmallVector<Value> {
              Value first = arith::MulIOp::create(
                  b, loc, g, constantIndex(b, loc, k.groupSize));
              Value scale, offset;
              if (k.affine)
                scale = broadcastLane(b, loc, scales, g, width);
              if (offsets && !factored)
                offset = broadcastLane(b, loc, offsets, g, width);
              auto xAt = [&](OpBuilder &b, Location loc, int64_t r,
                             Value index) {
                return readX(b, loc, k, rowIndex[r],
                             arith::AddIOp::create(b, loc, kBase, index),
                             width);
              };
              if (!factored) {
                return buildFor(
                    b, loc, first,
                    arith::AddIOp::create(b, loc, first,
                                          constantIndex(b, loc, k.groupSize)),
                    width, groupAccs,
                    [&](OpBuilder &b, Location loc, Value index,
                        ValueRange accs) -> SmallVector<Value> {
                      Value w = decode(b, loc, index, scale, offset);
                      SmallVector<Value> next;
                      for (int64_t r = 0; r < rows; ++r)
                        next.push_back(vector::FMAOp::create(
                            b, loc, xAt(b, loc, r, index), w, accs[r]));
                      return next;
                    });
              }
              // sum(x * c) over the group, then one FMA with its scale.
              Value codes = decode(b, loc, first, Value(), Value());
              SmallVector<Value> dots;
              for (int64_t r = 0; r < rows; ++r)
                dots.push_back(arith::MulFOp::create(
                    b, loc, xAt(b, loc, r, first), codes));
              if (perGroup > 1)
                dots = buildFor(
                    b, loc,
                    arith::AddIOp::create(b, loc, first,
                                          constantIndex(b, loc, width)),
                    arith::AddIOp::create(b, loc, first,
                                          constantIndex(b, loc, k.groupSize)),
                    width, dots,
                    [&](OpBuilder &b, Location loc, Value index,
                        ValueRange dots) -> SmallVector<Value> {
                      Value c = decode(b, loc, index, Value(), Value());
                      SmallVector<Value> next;
                      for (int64_t r = 0; r < rows; ++r)
                        next.push_back(vector::FMAOp::create(
                            b, loc, xAt(b, loc, r, index), c, dots[r]));
                      return next;
                    });
              SmallVector<Value> next;
              for (int64_t r = 0; r < rows; ++r)
                next.push_back(
                    k.affine
                        ? vector::FMAOp::create(b, loc, scale, dots[r],
                                                groupAccs[r])
                              .getResult()
                        : arith::AddFOp::create(b, loc, dots[r], groupAccs[r])
                              .getResult());
              return next;
            });
        if (!withOffsetSums)
          return accs;
        // offsets_g * sum(x over group g), all groups of the block at once.
        Value col =
            arith::MulIOp::create(b, loc, kb, constantIndex(b, loc, k.groups));
        Value padding = arith::ConstantOp::create(b, loc, k.accType,
                                                  b.getFloatAttr(k.accType, 0));
        for (int64_t r = 0; r < rows; ++r) {
          Value xs = vector::TransferReadOp::create(
              b, loc, VectorType::get({k.groups}, k.accType), xsum,
              ValueRange{xsumIndex[r], col}, padding, ArrayRef<bool>{true});
          accs.push_back(
              vector::FMAOp::create(b, loc, offsets, xs, iter[rows + r]));
        }
        return accs;
      });

  SmallVector<Value> result;
  for (int64_t r = 0; r < rows; ++r) {
    Value sum =
        vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, sums[r],
                                    arith::FastMathFlags::reassoc);
    if (withOffsetSums)
      sum = arith::AddFOp::create(
          b, loc, sum,
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                      sums[rows + r],
                                      arith::FastMathFlags::reassoc));
    result.push_back(sum);
  }
  return result;
}

/// xsum[i, j] = sum of x[row0 + i, j * groupSize ...] over one decode group
/// (a vector reduction), for `count` rows.
static Value buildGroupSums(OpBuilder &b, Location loc, const KernelContext &k,
                            Value row0, Value count) {
  int64_t columns = k.grid->blocksPerRow * k.groups;
  auto type = RankedTensorType::get({ShapedType::kDynamic, columns}, k.accType);
  return tensor::GenerateOp::create(
      b, loc, type, ValueRange{count},
      [&](OpBuilder &b, Location loc, ValueRange indices) {
        Value col = arith::MulIOp::create(b, loc, indices[1],
                                          constantIndex(b, loc, k.groupSize));
        Value xs =
            readX(b, loc, k, arith::AddIOp::create(b, loc, row0, indices[0]),
                  col, k.groupSize);
        Value sum =
            vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, xs,
                                        arith::FastMathFlags::reassoc);
        tensor::YieldOp::create(b, loc, sum);
      });
}

Value mlir::quant4::detail::getFullGroupRows(OpBuilder &b, Location loc,
                                             Value numRows,
                                             int64_t rowsPerGroup) {
  if (rowsPerGroup <= 1)
    return constantIndex(b, loc, 0);
  Value group = constantIndex(b, loc, rowsPerGroup);
  return b.createOrFold<arith::MulIOp>(
      loc, b.createOrFold<arith::DivUIOp>(loc, numRows, group), group);
}

/// The columns [n0, n0 + count) of y, as the [M, count] tensor `tile`.
static Value buildColumnTile(OpBuilder &b, Location loc, Value tile, Value n0,
                             Value count, Value rowsFull, Value numRows,
                             int64_t rowsPerGroup, RowSumsBuilder rowSums) {
  Value zero = constantIndex(b, loc, 0);
  // Stores `sums` (one per row from `row0`) in column `j` of the tile.
  auto store = [&](OpBuilder &b, Location loc, Value tile, Value row0, Value j,
                   ArrayRef<Value> sums) {
    for (auto [r, sum] : llvm::enumerate(sums)) {
      Value row = arith::AddIOp::create(b, loc, row0, constantIndex(b, loc, r));
      tile = tensor::InsertOp::create(b, loc, sum, tile, ValueRange{row, j});
    }
    return tile;
  };
  auto columns = [&](OpBuilder &b, Location loc, Value tile, Value row0,
                     int64_t rows, bool tail) {
    return buildFor(b, loc, zero, count, 1, tile,
                    [&](OpBuilder &b, Location loc, Value j,
                        ValueRange iter) -> SmallVector<Value> {
                      Value n = arith::AddIOp::create(b, loc, n0, j);
                      SmallVector<Value> sums =
                          rowSums(b, loc, row0, rows, n, tail);
                      return {store(b, loc, iter[0], row0, j, sums)};
                    })
        .front();
  };
  // Row groups: each decoded weight block serves rowsPerGroup rows.
  if (rowsPerGroup > 1)
    tile = buildFor(b, loc, zero, rowsFull, rowsPerGroup, tile,
                    [&](OpBuilder &b, Location loc, Value m,
                        ValueRange iter) -> SmallVector<Value> {
                      return {columns(b, loc, iter[0], m, rowsPerGroup,
                                      /*tail=*/false)};
                    })
               .front();
  // The remaining rows one at a time (no loop when there are statically
  // none).
  Value tailRows = b.createOrFold<arith::SubIOp>(loc, numRows, rowsFull);
  if (getConstantIntValue(tailRows) == 0)
    return tile;
  return buildFor(b, loc, rowsFull, numRows, 1, tile,
                  [&](OpBuilder &b, Location loc, Value m,
                      ValueRange iter) -> SmallVector<Value> {
                    return {columns(b, loc, iter[0], m, 1, /*tail=*/true)};
                  })
      .front();
}

Value mlir::quant4::detail::buildTiledMatmul(OpBuilder &b, Location loc,
                                             Value numRows, Value numColumns,
                                             Type accType,
                                             const MatmulKernelTiles &tiles,
                                             RowSumsBuilder rowSums) {
  int64_t rowsPerGroup = std::max<int64_t>(tiles.rows, 1);
  Value rowsFull = getFullGroupRows(b, loc, numRows, rowsPerGroup);
  SmallVector<OpFoldResult> ySizes = {getAsOpFoldResult(numRows),
                                      getAsOpFoldResult(numColumns)};
  Value y = tensor::EmptyOp::create(b, loc, ySizes, accType);
  int64_t tileColumns = std::max<int64_t>(tiles.columns, 1);
  Value tileSize = constantIndex(b, loc, tileColumns);
  Value numTiles = arith::CeilDivUIOp::create(b, loc, numColumns, tileSize);
  Value zero = constantIndex(b, loc, 0), one = constantIndex(b, loc, 1);
  // The tile `t` of `into`: columns [t * tileColumns, ...), clamped to N.
  auto tileBounds = [&](OpBuilder &b, Location loc, Value t) {
    Value n0 = arith::MulIOp::create(b, loc, t, tileSize);
    Value count = arith::MinUIOp::create(
        b, loc, tileSize, arith::SubIOp::create(b, loc, numColumns, n0));
    return std::make_pair(n0, count);
  };
  auto computeTile = [&](OpBuilder &b, Location loc, Value into, Value n0,
                         Value count) {
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), n0};
    SmallVector<OpFoldResult> sizes = {getAsOpFoldResult(numRows), count};
    SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
    Value slice =
        tensor::ExtractSliceOp::create(b, loc, into, offsets, sizes, strides);
    Value tile = buildColumnTile(b, loc, slice, n0, count, rowsFull, numRows,
                                 rowsPerGroup, rowSums);
    return std::make_tuple(tile, offsets, sizes, strides);
  };

  if (!tiles.parallel) {
    return buildFor(b, loc, zero, numTiles, 1, y,
                    [&](OpBuilder &b, Location loc, Value t,
                        ValueRange iter) -> SmallVector<Value> {
                      auto [n0, count] = tileBounds(b, loc, t);
                      auto [tile, offsets, sizes, strides] =
                          computeTile(b, loc, iter[0], n0, count);
                      return {tensor::InsertSliceOp::create(
                          b, loc, tile, iter[0], offsets, sizes, strides)};
                    })
        .front();
  }
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{zero}, ArrayRef<OpFoldResult>{numTiles},
      ArrayRef<OpFoldResult>{one}, ValueRange{y}, std::nullopt);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forall.getBody());
    auto [n0, count] = tileBounds(b, loc, forall.getInductionVars()[0]);
    Value shared = forall.getRegionIterArgs()[0];
    auto [tile, offsets, sizes, strides] =
        computeTile(b, loc, shared, n0, count);
    b.setInsertionPointToStart(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(b, loc, tile, shared, offsets, sizes,
                                          strides);
  }
  return forall.getResult(0);
}

Value mlir::quant4::detail::buildMatmulKernel(OpBuilder &b, Location loc,
                                              Value x, Value storage,
                                              const BlockGrid &grid,
                                              BlockFormatAttrInterface format,
                                              Type accType,
                                              const MatmulKernelTiles &tiles) {
  KernelContext k;
  k.x = x;
  k.storage = storage;
  k.numBlocks = getValueOrCreateConstantIndexOp(b, loc, grid.numBlocks);
  k.grid = &grid;
  k.format = format;
  k.accType = accType;
  k.xElement = cast<ShapedType>(x.getType()).getElementType();
  k.width = format.getDecodeVectorWidth();
  k.groupSize = format.getDecodeGroupSize();
  k.groups = grid.blockSize / k.groupSize;
  std::tie(k.affine, k.offsets) =
      probeAffine(format, loc, storage, k.numBlocks);

  Value numRows = b.createOrFold<tensor::DimOp>(loc, x, 0);
  Value numColumns = getValueOrCreateConstantIndexOp(b, loc, grid.sizes[0]);
  Value rowsFull =
      getFullGroupRows(b, loc, numRows, std::max<int64_t>(tiles.rows, 1));
  Value tailRows = b.createOrFold<arith::SubIOp>(loc, numRows, rowsFull);
  // The group sums of x for the factored rows (none when M is a static
  // multiple of the row group).
  Value xsum;
  if (k.affine && k.offsets && getConstantIntValue(tailRows) != 0)
    xsum = buildGroupSums(b, loc, k, rowsFull, tailRows);

  return buildTiledMatmul(
      b, loc, numRows, numColumns, accType, tiles,
      [&](OpBuilder &b, Location loc, Value row0, int64_t rows, Value n,
          bool tail) {
        Value xsumRow0 =
            tail ? arith::SubIOp::create(b, loc, row0, rowsFull).getResult()
                 : Value();
        return buildRowSums(b, loc, k, row0, rows, n, /*factored=*/tail, xsum,
                            xsumRow0);
      });
}
