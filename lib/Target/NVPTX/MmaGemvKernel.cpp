//===- MmaGemvKernel.cpp - The tensor-core GEMV kernel body ---------------===//
//
// quant4-gpu-mma-gemv: a Q4_K `quant4.matmul` with few rows (2 <= M <= 16
// by default) becomes (with f32 activations; Q8_K ones:
// accumulateBlockInt8; NF4: accumulateBlockNF4; MXFP4, from M = 1:
// accumulateBlockMXFP4) two launches: x
// split into scaled f16 halves per 32-value sub-block (HalfSplit.h), then a
// kernel that multiplies the weights' 4-bit codes q, as exact f16, with
// both halves on tensor cores and applies each sub-block's scales in f32:
//
//   y[m, n] = sum_j d1[n, j] 2^-s[m, j] sum_i q[n, i] (hi + lo)[m, i]
//             - m1[n, j] sum[m, j]               (i over sub-block j)
//
// The weights are mma.sync's A operand (m16: 16 weight columns n), x its B
// operand (n8: 8 rows of x; M > 8 takes two), so an accumulator's rows are
// weight columns and each lane owns the scales of the columns it holds:
//
//   launch block: C column tiles of 16, n0 + [0, 16 C), W warps (8 by
//   default) splitting the K blocks
//   lane = 4 g + c: columns n0 + 16 ct + g and + 8, rows 2c, 2c + 1 (+ 8 t)
//   for each K block kb of the warp:
//     load both columns' 16 header bytes and qs bytes 8c .. 8c + 7 of each
//     32-byte chunk (low nibbles: sub-block 2 jg, high: 2 jg + 1)
//     for each sub-block j, chunk half ch:
//       A = f16x2((w >> sh) & 0x000F000F | 0x64006400) - 1024: the codes of
//           bytes 0, 2 and 1, 3 of word w (k order 0, 2, 1, 3, which
//           HalfSplit gives x), exact
//       acc_j = mma(A, hi) + mma(A, lo)             (m16n8k16, f32)
//     acc += d1 (acc_j 2^-s) - m1 sum
//     (each x fragment loaded once for the C column tiles)
//   the W warps' accumulators meet in workgroup memory; y = their sum
//
// NF4 (MmaGemvNF4.cpp) and MXFP4 (MmaGemvMXFP4.cpp) differ in the loads and
// the A operands: codebook values split into f16 halves, E2M1 codes as f16.
//
// The products of 4-bit codes and f16 halves are exact and accumulate in
// f32, so the result keeps the f32 GEMV's accuracy (docs/NVPTX.md).
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/MmaGemvKernel.h"
#include "Format/Q4K.h"
#include "Target/NVPTX/BlockLoop.h"
#include "Target/NVPTX/GemvDecode.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemv;
using ::quant4::format::Q4KBlock;

void MmaGemvKernelBuilder::build(gpu::LaunchOp launch) {
  Value tid = launch.getThreadIds().x;
  lane = arith::RemUIOp::create(b, loc, tid, idx(32));
  Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
  g = arith::DivUIOp::create(b, loc, lane, idx(4));
  c = arith::RemUIOp::create(b, loc, lane, idx(4));
  colBase =
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, idx(s.blockCols()));
  auto accType = VectorType::get({2, 2}, b.getF32Type());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  SmallVector<Value> acc(s.colTiles * s.rowTiles, zero);
  // Warp w takes blocks w, w + W, ..., U a trip.
  if (s.kind == WeightKind::NF4)
    fillCodebook(launch.getWorkgroupAttributions()[1], tid);
  acc = buildBlockLoop(b, loc, warp, s.warps, s.unroll, s.unitsPerRow, acc,
                       [&](ValueRange kbs, ValueRange iter) {
                         return accumulateBlocks(kbs, iter);
                       });
  // A partial last unit (MXFP4, K not a multiple of 256): the warp next
  // in turn takes its s.tailBlocks blocks.
  if (s.tailBlocks > 0) {
    Value mine = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp,
                                       idx(s.unitsPerRow % s.warps));
    auto tail = scf::IfOp::create(
        b, loc, mine,
        [&](OpBuilder &, Location) {
          scf::YieldOp::create(
              b, loc, accumulateBlocks(idx(s.unitsPerRow), acc, /*tail=*/true));
        },
        [&](OpBuilder &, Location) { scf::YieldOp::create(b, loc, acc); });
    acc.assign(tail.getResults().begin(), tail.getResults().end());
  }
  storeSums(launch.getWorkgroupAttributions()[0], tid, warp, acc);
  gpu::TerminatorOp::create(b, loc);
}

SmallVector<Value> MmaGemvKernelBuilder::loadColumn(Value col, Value kb) {
  Value block = add(d.mul(col, s.blocksPerRow), kb);
  Value base =
      d.groupOffset(format.getBlockLayout(), 0, idx(s.numBlocks), block);
  SmallVector<Value> words = d.loadWords(base, 16);
  Value lanePart = add(base, d.mul(c, 8));
  for (int64_t chunk = 0; chunk < kChunks; ++chunk)
    llvm::append_range(
        words, d.loadWords(d.add(lanePart, Q4KBlock::kQs + 32 * chunk), 8));
  return words;
}

Value MmaGemvKernelBuilder::codesOperand(ArrayRef<SmallVector<Value>> columns,
                                         int64_t chunk, int64_t h, int64_t ch) {
  SmallVector<Value> parts;
  for (int64_t shift : {4 * h, 8 + 4 * h})
    for (const SmallVector<Value> &words : columns) {
      Value w = words[4 + 2 * chunk + ch];
      if (shift)
        w = arith::ShRUIOp::create(b, loc, w, d.i32(shift));
      parts.push_back(arith::OrIOp::create(
          b, loc, arith::AndIOp::create(b, loc, w, d.i32(0x000F000F)),
          d.i32(0x64006400)));
    }
  Value packed = vector::FromElementsOp::create(
      b, loc, VectorType::get({4}, b.getI32Type()), parts);
  auto halves = VectorType::get({8}, b.getF16Type());
  Value codes = arith::SubFOp::create(
      b, loc, vector::BitCastOp::create(b, loc, halves, packed),
      arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(halves, b.getF16FloatAttr(1024))));
  return vector::ShapeCastOp::create(
      b, loc, VectorType::get({4, 2}, b.getF16Type()), codes);
}

Value MmaGemvKernelBuilder::loadRow(Value row, int64_t t,
                                    function_ref<Value()> load,
                                    DenseElementsAttr zero) {
  if (s.rows % kTileRows == 0 || (t + 1) * kTileRows <= s.rows)
    return load();
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                       idx(s.rows));
  return scf::IfOp::create(
             b, loc, inside,
             [&](OpBuilder &, Location) {
               scf::YieldOp::create(b, loc, load());
             },
             [&](OpBuilder &, Location) {
               scf::YieldOp::create(
                   b, loc, ValueRange{arith::ConstantOp::create(b, loc, zero)});
             })
      .getResult(0);
}

std::array<Value, 2>
MmaGemvKernelBuilder::activationOperands(int64_t half, int64_t t, Value k) {
  auto type = VectorType::get({8}, b.getF16Type());
  Value row = add(g, idx(kTileRows * t));
  auto load = [&]() -> Value {
    return vector::LoadOp::create(b, loc, type, x.halves,
                                  ValueRange{idx(half), row, k});
  };
  Value v =
      loadRow(row, t, load, DenseElementsAttr::get(type, b.getF16FloatAttr(0)));
  Value rows = vector::ShapeCastOp::create(
      b, loc, VectorType::get({4, 2}, b.getF16Type()), v);
  std::array<Value, 2> operands;
  for (int64_t ch = 0; ch < 2; ++ch)
    operands[ch] = vector::ExtractStridedSliceOp::create(
        b, loc, rows, ArrayRef<int64_t>{2 * ch, 0}, ArrayRef<int64_t>{2, 2},
        ArrayRef<int64_t>{1, 1});
  return operands;
}

std::pair<Value, Value> MmaGemvKernelBuilder::loadRowSums(Value group,
                                                          int64_t t) {
  Value sums = vector::LoadOp::create(
      b, loc, VectorType::get({4}, b.getF32Type()), x.sums,
      ValueRange{group, add(c, idx(4 * t)), idx(0)});
  auto at = [&](int64_t i) -> Value {
    return vector::ExtractOp::create(b, loc, sums, i);
  };
  return {pairs(at(0), at(1), /*byRow=*/false),
          pairs(at(2), at(3), /*byRow=*/false)};
}

SmallVector<Value> MmaGemvKernelBuilder::accumulateBlocks(ValueRange kbs,
                                                          ValueRange accIn,
                                                          bool tail) {
  SmallVector<Value> acc(accIn);
  int64_t mxfp4Blocks = tail ? s.tailBlocks : kBlock / 32;
  SmallVector<SmallVector<SmallVector<Value>>> blocks;
  auto load = [&](Value col, Value kb) {
    switch (s.kind) {
    case WeightKind::NF4:
      return loadColumnNF4(col, kb);
    case WeightKind::MXFP4:
      return loadColumnMXFP4(col, kb, mxfp4Blocks);
    case WeightKind::Q4K:
      break;
    }
    return loadColumn(col, kb);
  };
  for (Value kb : kbs) {
    blocks.emplace_back();
    for (int64_t ct = 0; ct < s.colTiles; ++ct) {
      Value first = add(colBase, add(g, idx(kTileCols * ct)));
      blocks.back().push_back(load(clampColumn(first), kb));
      blocks.back().push_back(load(clampColumn(add(first, idx(8))), kb));
    }
  }
  for (auto [kb, columns] : llvm::zip(kbs, blocks)) {
    if (s.kind == WeightKind::NF4)
      accumulateBlockNF4(kb, columns, acc);
    else if (s.kind == WeightKind::MXFP4)
      accumulateBlockMXFP4(kb, columns, acc, mxfp4Blocks);
    else if (s.int8)
      accumulateBlockInt8(kb, columns, acc);
    else
      accumulateBlock(kb, columns, acc);
  }
  return acc;
}

Value MmaGemvKernelBuilder::codeOperand(int64_t t, Value k) {
  auto type = VectorType::get({8}, b.getI8Type());
  Value row = add(g, idx(kTileRows * t));
  auto load = [&]() -> Value {
    return vector::LoadOp::create(b, loc, type, xq.codes,
                                  ValueRange{add(d.mul(row, s.depth), k)});
  };
  Value v = loadRow(row, t, load,
                    DenseElementsAttr::get(type, b.getI8IntegerAttr(0)));
  return vector::ShapeCastOp::create(b, loc,
                                     VectorType::get({2, 4}, b.getI8Type()), v);
}

void MmaGemvKernelBuilder::accumulateBlockInt8(
    Value kb, ArrayRef<SmallVector<Value>> columns,
    MutableArrayRef<Value> acc) {
  auto i32x2x2 = VectorType::get({2, 2}, b.getI32Type());
  auto operandType = VectorType::get({4, 4}, b.getI8Type());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i32x2x2, b.getI32IntegerAttr(0)));
  Value ones = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(operandType, b.getI8IntegerAttr(1)));
  SmallVector<std::array<Value, 4>> packed;
  for (const SmallVector<Value> &words : columns)
    packed.push_back(packQ4KScales(d, ArrayRef<Value>(words).take_front(4)));
  auto byteAt = [&](Value word, int64_t j) -> Value {
    return arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, word, d.i32(8 * (j % 4))),
        d.i32(0xFF));
  };
  int64_t tiles = s.colTiles * s.rowTiles;
  SmallVector<Value> dots(tiles, zero), mins(tiles, zero);
  Value kBase = d.mul(kb, kBlock);
  for (int64_t chunk = 0; chunk < kChunks; ++chunk)
    for (int64_t h = 0; h < 2; ++h) {
      int64_t j = 2 * chunk + h;
      SmallVector<Value> codes, sc, m;
      for (int64_t ct = 0; ct < s.colTiles; ++ct) {
        SmallVector<Value> parts;
        for (int64_t ch = 0; ch < 2; ++ch)
          for (const SmallVector<Value> &words : tileColumns(columns, ct)) {
            Value w = words[4 + 2 * chunk + ch];
            if (h)
              w = arith::ShRUIOp::create(b, loc, w, d.i32(4));
            parts.push_back(
                arith::AndIOp::create(b, loc, w, d.i32(0x0F0F0F0F)));
          }
        codes.push_back(vector::ShapeCastOp::create(
            b, loc, operandType,
            vector::BitCastOp::create(
                b, loc, VectorType::get({16}, b.getI8Type()),
                vector::FromElementsOp::create(
                    b, loc, VectorType::get({4}, b.getI32Type()), parts))));
        auto intPairs = [&](int64_t word) -> Value {
          Value v0 = byteAt(packed[2 * ct][word + j / 4], j);
          Value v1 = byteAt(packed[2 * ct + 1][word + j / 4], j);
          return vector::FromElementsOp::create(b, loc, i32x2x2,
                                                ValueRange{v0, v0, v1, v1});
        };
        sc.push_back(intPairs(0));
        m.push_back(intPairs(2));
      }
      Value k = add(kBase, add(d.mul(c, 8), idx(32 * j)));
      for (int64_t t = 0; t < s.rowTiles; ++t) {
        Value xb = codeOperand(t, k);
        auto mma = [&](Value a) -> Value {
          return nvgpu::MmaSyncOp::create(b, loc, a, xb, zero,
                                          ArrayRef<int64_t>{16, 8, 32});
        };
        // The codes' sums do not depend on the column tile.
        Value sums = mma(ones);
        for (int64_t ct = 0; ct < s.colTiles; ++ct) {
          int64_t at = ct * s.rowTiles + t;
          dots[at] = arith::AddIOp::create(
              b, loc, dots[at],
              arith::MulIOp::create(b, loc, sc[ct], mma(codes[ct])));
          mins[at] = arith::AddIOp::create(
              b, loc, mins[at], arith::MulIOp::create(b, loc, m[ct], sums));
        }
      }
    }
  // d_x of rows 2c, 2c + 1 (clamped to M - 1: rows past M have zero sums),
  // then per column tile d and dmin of its two columns.
  auto f32x2x2 = VectorType::get({2, 2}, b.getF32Type());
  SmallVector<Value> rowScales;
  for (int64_t t = 0; t < s.rowTiles; ++t) {
    SmallVector<Value> dx;
    for (int64_t r = 0; r < 2; ++r) {
      Value row = arith::MinUIOp::create(
          b, loc, add(d.mul(c, 2), idx(kTileRows * t + r)), idx(s.rows - 1));
      dx.push_back(memref::LoadOp::create(
          b, loc, xq.scales, ValueRange{add(d.mul(row, s.blocksPerRow), kb)}));
    }
    rowScales.push_back(pairs(dx[0], dx[1], /*byRow=*/false));
  }
  for (int64_t ct = 0; ct < s.colTiles; ++ct) {
    SmallVector<Value> dd, dm;
    for (const SmallVector<Value> &words : tileColumns(columns, ct)) {
      auto [scale, minScale] = getQ4KBlockScales(d, words);
      dd.push_back(scale);
      dm.push_back(minScale);
    }
    Value scale = pairs(dd[0], dd[1], /*byRow=*/true);
    Value minScale = pairs(dm[0], dm[1], /*byRow=*/true);
    for (int64_t t = 0; t < s.rowTiles; ++t) {
      int64_t at = ct * s.rowTiles + t;
      Value sum = arith::SubFOp::create(
          b, loc,
          arith::MulFOp::create(
              b, loc, scale,
              arith::SIToFPOp::create(b, loc, f32x2x2, dots[at])),
          arith::MulFOp::create(
              b, loc, minScale,
              arith::SIToFPOp::create(b, loc, f32x2x2, mins[at])));
      acc[at] = arith::AddFOp::create(
          b, loc, acc[at], arith::MulFOp::create(b, loc, rowScales[t], sum));
    }
  }
}

void MmaGemvKernelBuilder::accumulateBlock(Value kb,
                                           ArrayRef<SmallVector<Value>> columns,
                                           MutableArrayRef<Value> acc) {
  auto mmaType = VectorType::get({2, 2}, b.getF32Type());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(mmaType, b.getF32FloatAttr(0)));
  SmallVector<SmallVector<std::pair<Value, Value>>> scales;
  for (const SmallVector<Value> &words : columns)
    scales.push_back(getQ4KScales(d, ArrayRef<Value>(words).take_front(4)));
  Value kBase = d.mul(kb, kBlock);
  for (int64_t chunk = 0; chunk < kChunks; ++chunk)
    for (int64_t h = 0; h < 2; ++h) {
      int64_t j = 2 * chunk + h;
      SmallVector<std::array<Value, 2>> a;
      SmallVector<Value> d1, m1;
      for (int64_t ct = 0; ct < s.colTiles; ++ct) {
        ArrayRef<SmallVector<Value>> cols = tileColumns(columns, ct);
        a.push_back(
            {codesOperand(cols, chunk, h, 0), codesOperand(cols, chunk, h, 1)});
        d1.push_back(pairs(scales[2 * ct][j].first, scales[2 * ct + 1][j].first,
                           /*byRow=*/true));
        m1.push_back(pairs(scales[2 * ct][j].second,
                           scales[2 * ct + 1][j].second, /*byRow=*/true));
      }
      Value k = add(kBase, add(d.mul(c, 8), idx(32 * j)));
      Value group = add(d.mul(kb, kSubBlocks), idx(j));
      for (int64_t t = 0; t < s.rowTiles; ++t) {
        std::array<std::array<Value, 2>, 2> xb = {activationOperands(0, t, k),
                                                  activationOperands(1, t, k)};
        auto [rowSums, inverse] = loadRowSums(group, t);
        for (int64_t ct = 0; ct < s.colTiles; ++ct) {
          Value sub = zero;
          for (int64_t half = 0; half < 2; ++half)
            for (int64_t ch = 0; ch < 2; ++ch)
              sub = mmaF16(a[ct][ch], xb[half][ch], sub);
          Value &sum = accAt(acc, ct, t);
          addScaled(sum, d1[ct], sub, inverse);
          sum = arith::SubFOp::create(
              b, loc, sum, arith::MulFOp::create(b, loc, m1[ct], rowSums));
        }
      }
    }
}

void MmaGemvKernelBuilder::storeSums(Value partial, Value tid, Value warp,
                                     ValueRange acc) {
  for (int64_t ct = 0; ct < s.colTiles; ++ct)
    for (int64_t t = 0; t < s.rowTiles; ++t)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t jj = 0; jj < 2; ++jj)
          memref::StoreOp::create(
              b, loc,
              vector::ExtractOp::create(b, loc, acc[ct * s.rowTiles + t],
                                        ArrayRef<int64_t>{i, jj}),
              partial,
              ValueRange{warp, idx(2 * ct + i), idx(t), idx(jj), lane});
  gpu::BarrierOp::create(b, loc);
  // Thread e takes outputs e, e + 32 W, ...: column e % 16 C, row e /
  // 16 C.
  int64_t outputs = s.blockCols() * s.paddedRows(), threads = 32 * s.warps;
  scf::ForOp::create(
      b, loc, tid, idx(outputs), idx(threads), ValueRange{},
      [&](OpBuilder &, Location, Value e, ValueRange) {
        Value col = arith::RemUIOp::create(b, loc, e, idx(s.blockCols()));
        Value row = arith::DivUIOp::create(b, loc, e, idx(s.blockCols()));
        Value store = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                            row, idx(s.rows));
        if (s.cols % s.blockCols() != 0)
          store = arith::AndIOp::create(
              b, loc, store,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                    add(colBase, col), idx(s.cols)));
        scf::IfOp::create(b, loc, store, [&](OpBuilder &, Location) {
          Value i = arith::DivUIOp::create(b, loc, col, idx(8));
          Value t = arith::DivUIOp::create(b, loc, row, idx(kTileRows));
          Value inTile = arith::RemUIOp::create(b, loc, row, idx(kTileRows));
          Value jj = arith::RemUIOp::create(b, loc, inTile, idx(2));
          Value source =
              add(d.mul(arith::RemUIOp::create(b, loc, col, idx(8)), 4),
                  arith::DivUIOp::create(b, loc, inTile, idx(2)));
          Value sum;
          for (int64_t w = 0; w < s.warps; ++w) {
            Value v = memref::LoadOp::create(
                b, loc, partial, ValueRange{idx(w), i, t, jj, source});
            sum = sum ? arith::AddFOp::create(b, loc, sum, v).getResult() : v;
          }
          memref::StoreOp::create(b, loc, sum, y,
                                  ValueRange{row, add(colBase, col)});
          scf::YieldOp::create(b, loc);
        });
        scf::YieldOp::create(b, loc);
      });
}
