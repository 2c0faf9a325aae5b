//===- MmaGemv.cpp - GEMV-class quant4.matmul on tensor cores -------------===//
//
// quant4-gpu-mma-gemv: a Q4_K `quant4.matmul` with few rows (2 <= M <= 16
// by default, N a multiple of 16) becomes (with f32 activations; Q8_K ones:
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
//   launch block: 16 columns n0 + [0, 16), 8 warps splitting the K blocks
//   lane = 4 g + c: columns n0 + g and n0 + g + 8, rows 2c, 2c + 1 (+ 8 t)
//   for each K block kb of the warp:
//     load both columns' 16 header bytes and qs bytes 8c .. 8c + 7 of each
//     32-byte chunk (low nibbles: sub-block 2 jg, high: 2 jg + 1)
//     for each sub-block j, chunk half ch:
//       A = f16x2((w >> sh) & 0x000F000F | 0x64006400) - 1024: the codes of
//           bytes 0, 2 and 1, 3 of word w (k order 0, 2, 1, 3, which
//           HalfSplit gives x), exact
//       acc_j = mma(A, hi) + mma(A, lo)             (m16n8k16, f32)
//     acc += d1 (acc_j 2^-s) - m1 sum
//   the 8 warps' accumulators meet in workgroup memory; y = their sum
//
// The products of 4-bit codes and f16 halves are exact and accumulate in
// f32, so the result keeps the f32 GEMV's accuracy (docs/NVPTX.md).
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Dialect/Quant4/IR/Quant4Ops.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Format/Float16.h"
#include "Format/NF4.h"
#include "Format/Q4K.h"
#include "Target/NVPTX/BlockLoop.h"
#include "Target/NVPTX/GemvDecode.h"
#include "Target/NVPTX/HalfSplit.h"
#include "Target/NVPTX/LaunchRewrites.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "Target/NVPTX/Passes.h"
#include "Target/NVPTX/QuantizeQ8K.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::quant4 {
#define GEN_PASS_DEF_QUANT4GPUMMAGEMV
#include "dialect/Quant4GPUPasses.h.inc"
} // namespace mlir::quant4

using namespace mlir;
using namespace mlir::quant4;
using ::quant4::format::Q4KBlock;

namespace {

/// Weight columns per launch block: the mma's M.
constexpr int64_t kTileCols = 16;
/// Rows of x per mma: its N.
constexpr int64_t kTileRows = 8;
/// Largest M: 8 tiles of x rows.
constexpr int64_t kMaxRows = 8 * kTileRows;
/// Warps a launch should have for latency hiding (about 31 per SM of a
/// 132-SM H100).
constexpr int64_t kTargetWarps = 4096;
/// Most workgroup memory the warps' sums of more than one column tile take
/// (the static limit).
constexpr int64_t kMaxSumBytes = 48 * 1024;
/// NF4's codebook is stored times this (the low f16 halves stay normal).
constexpr float kCodebookScale = 256.0f;
/// Q4_K: values per block, 32-byte qs chunks and sub-blocks per block.
constexpr int64_t kBlock = 256, kChunks = 4, kSubBlocks = 8;

/// The weight formats the kernel takes.
enum class WeightKind { Q4K, NF4, MXFP4 };

struct MmaGemvShape : MatmulSizes {
  int64_t rowTiles; // x rows / 8, rounded up (1 - 8)
  int64_t warps;    // W: warps of a launch block, splitting its K blocks
  int64_t unroll;   // U: K blocks of a warp loaded before their math
  int64_t colTiles; // C: 16-column tiles of a launch block, sharing x loads
  bool int8;        // activations q8_k: int8 mma on x rounded to Q8_K
  WeightKind kind;
  int64_t unitsPerRow; // K / 256: the loop's steps
  int64_t paddedRows() const { return rowTiles * kTileRows; }
  int64_t blockCols() const { return colTiles * kTileCols; }
};

class MmaGemvKernelBuilder {
public:
  MmaGemvKernelBuilder(OpBuilder &b, Location loc, const MmaGemvShape &s,
                       BlockFormatAttrInterface format, Value storage,
                       HalfSplitBuffers x, Q8KBuffers xq, Value y)
      : b(b), loc(loc), s(s), format(format), storage(storage), x(x), xq(xq),
        y(y), d(b, loc, storage) {}

  void build(gpu::LaunchOp launch) {
    Value tid = launch.getThreadIds().x;
    lane = arith::RemUIOp::create(b, loc, tid, idx(32));
    Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
    g = arith::DivUIOp::create(b, loc, lane, idx(4));
    c = arith::RemUIOp::create(b, loc, lane, idx(4));
    colBase = arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                                    idx(s.blockCols()));
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
    storeSums(launch.getWorkgroupAttributions()[0], tid, warp, acc);
    gpu::TerminatorOp::create(b, loc);
  }

private:
  Value idx(int64_t v) { return d.index(v); }
  Value add(Value l, Value r) { return d.add(l, r); }

  /// Column tile ct's two columns (g and g + 8) of `columns` (all tiles'
  /// loads, tile-major).
  static ArrayRef<SmallVector<Value>>
  tileColumns(ArrayRef<SmallVector<Value>> columns, int64_t ct) {
    return columns.slice(2 * ct, 2);
  }
  /// acc + a . b on tensor cores (m16n8k16, f16 operands, f32 accumulator).
  Value mmaF16(Value a, Value b16, Value acc) {
    return nvgpu::MmaSyncOp::create(b, loc, a, b16, acc,
                                    ArrayRef<int64_t>{16, 8, 16});
  }
  /// sum += scales * (sub * inverse): a sub-block's mma sum, scaled.
  void addScaled(Value &sum, Value scales, Value sub, Value inverse) {
    sum = arith::AddFOp::create(
        b, loc, sum,
        arith::MulFOp::create(b, loc, scales,
                              arith::MulFOp::create(b, loc, sub, inverse)));
  }
  /// The accumulator of column tile ct and row tile t.
  Value &accAt(MutableArrayRef<Value> acc, int64_t ct, int64_t t) {
    return acc[ct * s.rowTiles + t];
  }

  /// The block's first 16 bytes, and its qs bytes 8c .. 8c + 7 of each
  /// chunk, as little-endian i32 words (header, then chunk-major).
  SmallVector<Value> loadColumn(Value col, Value kb) {
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

  /// The A operand of chunk half `ch` of sub-block 2 chunk + h from the two
  /// columns' words: codes (1024 + q) - 1024 of bytes 0, 2 (row 0 of each
  /// column) and 1, 3 (row 2).
  Value codesOperand(ArrayRef<SmallVector<Value>> columns, int64_t chunk,
                     int64_t h, int64_t ch) {
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

  /// load() where x row `row` (of tile t) is below M, else `zero`.
  Value loadRow(Value row, int64_t t, function_ref<Value()> load,
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
                     b, loc,
                     ValueRange{arith::ConstantOp::create(b, loc, zero)});
               })
        .getResult(0);
  }

  /// The lane's 8 values (hi or lo) of x row 8 t + g at `k`: B operands of
  /// the sub-block's two chunk halves. Rows past M are zeros, not loaded.
  std::array<Value, 2> activationOperands(int64_t half, int64_t t, Value k) {
    auto type = VectorType::get({8}, b.getF16Type());
    Value row = add(g, idx(kTileRows * t));
    auto load = [&]() -> Value {
      return vector::LoadOp::create(b, loc, type, x.halves,
                                    ValueRange{idx(half), row, k});
    };
    Value v = loadRow(row, t, load,
                      DenseElementsAttr::get(type, b.getF16FloatAttr(0)));
    Value rows = vector::ShapeCastOp::create(
        b, loc, VectorType::get({4, 2}, b.getF16Type()), v);
    std::array<Value, 2> operands;
    for (int64_t ch = 0; ch < 2; ++ch)
      operands[ch] = vector::ExtractStridedSliceOp::create(
          b, loc, rows, ArrayRef<int64_t>{2 * ch, 0}, ArrayRef<int64_t>{2, 2},
          ArrayRef<int64_t>{1, 1});
    return operands;
  }

  /// Sub-block `group`'s sums and 2^-s of x rows 2c, 2c + 1 of tile t as
  /// accumulator-shaped pairs (HalfSplit's [sum(2c), sum(2c + 1),
  /// 2^-s(2c), 2^-s(2c + 1)]).
  std::pair<Value, Value> loadRowSums(Value group, int64_t t) {
    Value sums = vector::LoadOp::create(
        b, loc, VectorType::get({4}, b.getF32Type()), x.sums,
        ValueRange{group, add(c, idx(4 * t)), idx(0)});
    auto at = [&](int64_t i) -> Value {
      return vector::ExtractOp::create(b, loc, sums, i);
    };
    return {pairs(at(0), at(1), /*byRow=*/false),
            pairs(at(2), at(3), /*byRow=*/false)};
  }

  /// [[v0, v1], [v0, v1]] or [[v0, v0], [v1, v1]] (`byRow`).
  Value pairs(Value v0, Value v1, bool byRow) {
    SmallVector<Value> e = byRow ? SmallVector<Value>{v0, v0, v1, v1}
                                 : SmallVector<Value>{v0, v1, v0, v1};
    return vector::FromElementsOp::create(
        b, loc, VectorType::get({2, 2}, b.getF32Type()), e);
  }

  /// accIn plus the products of K blocks `kbs`; all their weight bytes are
  /// loaded before the math of the first.
  SmallVector<Value> accumulateBlocks(ValueRange kbs, ValueRange accIn) {
    SmallVector<Value> acc(accIn);
    SmallVector<SmallVector<SmallVector<Value>>> blocks;
    auto load = [&](Value col, Value kb) {
      switch (s.kind) {
      case WeightKind::NF4:
        return loadColumnNF4(col, kb);
      case WeightKind::MXFP4:
        return loadColumnMXFP4(col, kb);
      case WeightKind::Q4K:
        break;
      }
      return loadColumn(col, kb);
    };
    for (Value kb : kbs) {
      blocks.emplace_back();
      for (int64_t ct = 0; ct < s.colTiles; ++ct) {
        Value first = add(colBase, add(g, idx(kTileCols * ct)));
        blocks.back().push_back(load(first, kb));
        blocks.back().push_back(load(add(first, idx(8)), kb));
      }
    }
    for (auto [kb, columns] : llvm::zip(kbs, blocks)) {
      if (s.kind == WeightKind::NF4)
        accumulateBlockNF4(kb, columns, acc);
      else if (s.kind == WeightKind::MXFP4)
        accumulateBlockMXFP4(kb, columns, acc);
      else if (s.int8)
        accumulateBlockInt8(kb, columns, acc);
      else
        accumulateBlock(kb, columns, acc);
    }
    return acc;
  }

  /// NF4 codebook entries scaled by 2^8 (so the low halves stay normal) as
  /// f16 hi | f16 lo << 16, lo = f16(v - hi): hi + lo carries each entry to
  /// about 2^-22 of itself.
  static SmallVector<int32_t> splitCodebook() {
    SmallVector<int32_t> words;
    for (float v : ::quant4::format::nf4Codebook()) {
      float scaled = v * kCodebookScale;
      uint16_t hi = ::quant4::format::floatToFp16(scaled);
      uint16_t lo = ::quant4::format::floatToFp16(
          scaled - ::quant4::format::fp16ToFloat(hi));
      words.push_back(int32_t(uint32_t(hi) | uint32_t(lo) << 16));
    }
    return words;
  }

  /// Threads 0 - 15 store splitCodebook() into workgroup `table`; a
  /// barrier.
  void fillCodebook(Value table, Value tid) {
    SmallVector<int32_t> words = splitCodebook();
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid,
                                         idx(words.size()));
    scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
      Value code = arith::IndexCastUIOp::create(b, loc, b.getI32Type(), tid);
      Value word = d.i32(words.back());
      for (int64_t i = int64_t(words.size()) - 2; i >= 0; --i)
        word = arith::SelectOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, code,
                                  d.i32(i)),
            d.i32(words[i]), word);
      memref::StoreOp::create(b, loc, word, table, ValueRange{tid});
      scf::YieldOp::create(b, loc);
    });
    gpu::BarrierOp::create(b, loc);
    codebook = table;
  }

  /// NF4: the lane's code bytes 4c .. 4c + 3 of each 16-byte sub-block of
  /// 256-value unit `kb` (values 8c .. 8c + 7 of sub-block j, the first in
  /// the high nibble) as 8 i32 words, then the absmax of each NF4 block of
  /// the unit (buildBlockAffine: plain or double-quantized).
  SmallVector<Value> loadColumnNF4(Value col, Value kb) {
    int64_t blockSize = format.getBlockSize(), perUnit = kBlock / blockSize;
    Value first = add(d.mul(col, s.blocksPerRow), d.mul(kb, perUnit));
    Value numBlocks = idx(s.numBlocks);
    SmallVector<Value> words;
    for (int64_t j = 0; j < kSubBlocks; ++j) {
      Value block = add(first, idx(32 * j / blockSize));
      Value at =
          add(d.groupOffset(format.getBlockLayout(), 0, numBlocks, block),
              add(idx(32 * j % blockSize / 2), d.mul(c, 4)));
      words.push_back(d.loadWords(at, 4).front());
    }
    for (int64_t u = 0; u < perUnit; ++u) {
      Value scales =
          format
              .buildBlockAffine(b, loc, storage, numBlocks, add(first, idx(u)))
              .first;
      words.push_back(vector::ExtractOp::create(b, loc, scales, 0));
    }
    return words;
  }

  /// The A operands (hi, lo) of chunk half `ch` from the two columns' code
  /// words `w`: values 4 ch + i of the lane's 8 (value p in byte p / 2, the
  /// high nibble for even p) looked up in the split codebook; rows pair
  /// values (0, 2) and (1, 3), the k order HalfSplit gives x.
  std::array<Value, 2> codebookOperands(ArrayRef<Value> w, int64_t ch) {
    auto entry = [&](Value word, int64_t p) -> Value {
      int64_t shift = 8 * (p / 2) + (p % 2 == 0 ? 4 : 0);
      Value code = arith::AndIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, word, d.i32(shift)),
          d.i32(15));
      return memref::LoadOp::create(b, loc, codebook,
                                    ValueRange{arith::IndexCastUIOp::create(
                                        b, loc, b.getIndexType(), code)});
    };
    auto orI = [&](Value l, Value r) -> Value {
      return arith::OrIOp::create(b, loc, l, r);
    };
    SmallVector<Value> hi, lo;
    for (int64_t first : {0, 1})
      for (Value word : w) {
        Value e0 = entry(word, 4 * ch + first),
              e1 = entry(word, 4 * ch + first + 2);
        hi.push_back(orI(arith::AndIOp::create(b, loc, e0, d.i32(0xFFFF)),
                         arith::ShLIOp::create(b, loc, e1, d.i32(16))));
        lo.push_back(
            orI(arith::ShRUIOp::create(b, loc, e0, d.i32(16)),
                arith::AndIOp::create(b, loc, e1, d.i32(int32_t(0xFFFF0000)))));
      }
    auto operand = [&](ArrayRef<Value> parts) -> Value {
      Value packed = vector::FromElementsOp::create(
          b, loc, VectorType::get({4}, b.getI32Type()), parts);
      return vector::ShapeCastOp::create(
          b, loc, VectorType::get({4, 2}, b.getF16Type()),
          vector::BitCastOp::create(
              b, loc, VectorType::get({8}, b.getF16Type()), packed));
    };
    return {operand(hi), operand(lo)};
  }

  /// NF4: per sub-block j, (hi + lo codebook) . (hi + lo x) as three mmas a
  /// chunk half (the lo . lo term is below 2^-22), times absmax 2^-8 2^-s.
  void accumulateBlockNF4(Value kb, ArrayRef<SmallVector<Value>> columns,
                          MutableArrayRef<Value> acc) {
    auto mmaType = VectorType::get({2, 2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(mmaType, b.getF32FloatAttr(0)));
    int64_t blockSize = format.getBlockSize();
    Value unscale = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(1.0f / kCodebookScale));
    Value kBase = d.mul(kb, kBlock);
    for (int64_t j = 0; j < kSubBlocks; ++j) {
      int64_t scaleAt = kSubBlocks + 32 * j / blockSize;
      auto absmax = [&](const SmallVector<Value> &words) -> Value {
        return arith::MulFOp::create(b, loc, words[scaleAt], unscale);
      };
      SmallVector<std::array<std::array<Value, 2>, 2>> a;
      SmallVector<Value> scales;
      for (int64_t ct = 0; ct < s.colTiles; ++ct) {
        ArrayRef<SmallVector<Value>> cols = tileColumns(columns, ct);
        a.push_back({codebookOperands({cols[0][j], cols[1][j]}, 0),
                     codebookOperands({cols[0][j], cols[1][j]}, 1)});
        scales.push_back(
            pairs(absmax(cols[0]), absmax(cols[1]), /*byRow=*/true));
      }
      Value k = add(kBase, add(d.mul(c, 8), idx(32 * j)));
      Value group = add(d.mul(kb, kSubBlocks), idx(j));
      for (int64_t t = 0; t < s.rowTiles; ++t) {
        std::array<Value, 2> xhi = activationOperands(0, t, k);
        std::array<Value, 2> xlo = activationOperands(1, t, k);
        Value inverse = loadRowSums(group, t).second;
        for (int64_t ct = 0; ct < s.colTiles; ++ct) {
          Value sub = zero;
          for (int64_t ch = 0; ch < 2; ++ch)
            for (auto [wa, xb] : {std::pair(a[ct][ch][0], xhi[ch]),
                                  std::pair(a[ct][ch][0], xlo[ch]),
                                  std::pair(a[ct][ch][1], xhi[ch])})
              sub = mmaF16(wa, xb, sub);
          addScaled(accAt(acc, ct, t), scales[ct], sub, inverse);
        }
      }
    }
  }

  /// MXFP4: the lane's code word of each 32-value block of 256-value unit
  /// `kb` (ggml: qs bytes 4c .. 4c + 3; hf: code bytes 4c .. 4c + 3), then
  /// each block's E8M0 scale as f32 (buildBlockAffine). The unit's first
  /// block is a multiple of 8, so a ggml block j starts 17 j bytes past an
  /// 8-byte boundary: its word is one aligned load (j = 3, 7) or two,
  /// funnel-shifted by a constant.
  SmallVector<Value> loadColumnMXFP4(Value col, Value kb) {
    constexpr int64_t perUnit = kBlock / 32;
    bool ggml = cast<MXFP4Attr>(format).getLayout() == MXFP4Layout::ggml;
    Value first = add(d.mul(col, s.blocksPerRow), d.mul(kb, perUnit));
    Value numBlocks = idx(s.numBlocks);
    Value base =
        add(d.groupOffset(format.getBlockLayout(), 0, numBlocks, first),
            d.mul(c, 4));
    SmallVector<Value> words;
    for (int64_t j = 0; j < perUnit; ++j) {
      if (!ggml) {
        words.push_back(d.loadWords(add(base, idx(16 * j)), 4).front());
        continue;
      }
      int64_t at = 17 * j + 1, misaligned = at % 4;
      Value aligned = add(base, idx(at - misaligned));
      Value low = d.loadWords(aligned, 4).front();
      if (!misaligned) {
        words.push_back(low);
        continue;
      }
      Value high = d.loadWords(add(aligned, idx(4)), 4).front();
      words.push_back(arith::OrIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, low, d.i32(8 * misaligned)),
          arith::ShLIOp::create(b, loc, high, d.i32(32 - 8 * misaligned))));
    }
    for (int64_t j = 0; j < perUnit; ++j)
      words.push_back(vector::ExtractOp::create(
          b, loc,
          format
              .buildBlockAffine(b, loc, storage, numBlocks, add(first, idx(j)))
              .first,
          0));
    return words;
  }

  /// The MXFP4 A operand of chunk half `ch` from the two columns' code
  /// words: nibbles i and i + 4 (i = 2 ch, 2 ch + 1; HalfSplit's
  /// kHalfSplitMXFP4Ggml / kHalfSplitNibblePairs order of x) as f16 with
  /// the code's exponent and mantissa bits in the f16's lowest exponent and
  /// top mantissa bits: s e1 e0 m -> E2M1 x 2^-14 exactly (e = 0 gives the
  /// subnormal m 2^-15).
  Value e2m1Operand(ArrayRef<Value> w, int64_t ch) {
    SmallVector<Value> parts;
    for (int64_t i : {2 * ch, 2 * ch + 1})
      for (Value word : w) {
        Value u = arith::ShRUIOp::create(b, loc, word, d.i32(4 * i));
        parts.push_back(arith::OrIOp::create(
            b, loc,
            arith::AndIOp::create(b, loc,
                                  arith::ShLIOp::create(b, loc, u, d.i32(9)),
                                  d.i32(0x0E000E00)),
            arith::AndIOp::create(b, loc,
                                  arith::ShLIOp::create(b, loc, u, d.i32(12)),
                                  d.i32(int32_t(0x80008000)))));
      }
    Value packed = vector::FromElementsOp::create(
        b, loc, VectorType::get({4}, b.getI32Type()), parts);
    return vector::ShapeCastOp::create(
        b, loc, VectorType::get({4, 2}, b.getF16Type()),
        vector::BitCastOp::create(b, loc, VectorType::get({8}, b.getF16Type()),
                                  packed));
  }

  /// MXFP4: per 32-value block j, (E2M1 2^-14) . (hi + lo x) as two mmas a
  /// chunk half, times 2^14 2^-s and the block's scale.
  void accumulateBlockMXFP4(Value kb, ArrayRef<SmallVector<Value>> columns,
                            MutableArrayRef<Value> acc) {
    constexpr int64_t perUnit = kBlock / 32;
    auto mmaType = VectorType::get({2, 2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(mmaType, b.getF32FloatAttr(0)));
    Value unscale = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(mmaType, b.getF32FloatAttr(16384.0f)));
    Value kBase = d.mul(kb, kBlock);
    for (int64_t j = 0; j < perUnit; ++j) {
      SmallVector<std::array<Value, 2>> a;
      SmallVector<Value> scales;
      for (int64_t ct = 0; ct < s.colTiles; ++ct) {
        ArrayRef<SmallVector<Value>> cols = tileColumns(columns, ct);
        a.push_back({e2m1Operand({cols[0][j], cols[1][j]}, 0),
                     e2m1Operand({cols[0][j], cols[1][j]}, 1)});
        scales.push_back(pairs(cols[0][perUnit + j], cols[1][perUnit + j],
                               /*byRow=*/true));
      }
      Value k = add(kBase, add(d.mul(c, 8), idx(32 * j)));
      Value group = add(d.mul(kb, perUnit), idx(j));
      for (int64_t t = 0; t < s.rowTiles; ++t) {
        std::array<std::array<Value, 2>, 2> xb = {activationOperands(0, t, k),
                                                  activationOperands(1, t, k)};
        Value inverse = arith::MulFOp::create(b, loc, unscale,
                                              loadRowSums(group, t).second);
        for (int64_t ct = 0; ct < s.colTiles; ++ct) {
          Value sub = zero;
          for (int64_t half = 0; half < 2; ++half)
            for (int64_t ch = 0; ch < 2; ++ch)
              sub = mmaF16(a[ct][ch], xb[half][ch], sub);
          addScaled(accAt(acc, ct, t), scales[ct], sub, inverse);
        }
      }
    }
  }

  /// x row 8 t + g's 8 Q8_K codes at `k` as the int8 B operand (k slots 4c
  /// .. 4c + 3 and 16 + 4c .. 16 + 4c + 3 are values k .. k + 7); rows past
  /// M are zeros, not loaded.
  Value codeOperand(int64_t t, Value k) {
    auto type = VectorType::get({8}, b.getI8Type());
    Value row = add(g, idx(kTileRows * t));
    auto load = [&]() -> Value {
      return vector::LoadOp::create(b, loc, type, xq.codes,
                                    ValueRange{add(d.mul(row, s.depth), k)});
    };
    Value v = loadRow(row, t, load,
                      DenseElementsAttr::get(type, b.getI8IntegerAttr(0)));
    return vector::ShapeCastOp::create(
        b, loc, VectorType::get({2, 4}, b.getI8Type()), v);
  }

  /// Q8_K activations: per sub-block j, exact int8 mma (m16n8k32, s32) of
  /// the nibbles (w >> 4 h) & 0x0F0F0F0F with x's codes, and of all-ones
  /// with them (the codes' sums), scaled by the integer sc_j and m_j; per
  /// block y += d_x (d sum_j sc_j dot_j - dmin sum_j m_j sum_j), as ggml's
  /// vec_dot_q4_K_q8_K.
  void accumulateBlockInt8(Value kb, ArrayRef<SmallVector<Value>> columns,
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
            b, loc, xq.scales,
            ValueRange{add(d.mul(row, s.blocksPerRow), kb)}));
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

  void accumulateBlock(Value kb, ArrayRef<SmallVector<Value>> columns,
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
          a.push_back({codesOperand(cols, chunk, h, 0),
                       codesOperand(cols, chunk, h, 1)});
          d1.push_back(pairs(scales[2 * ct][j].first,
                             scales[2 * ct + 1][j].first, /*byRow=*/true));
          m1.push_back(pairs(scales[2 * ct][j].second,
                             scales[2 * ct + 1][j].second, /*byRow=*/true));
        }
        Value k = add(kBase, add(d.mul(c, 8), idx(32 * j)));
        Value group = add(d.mul(kb, kSubBlocks), idx(j));
        for (int64_t t = 0; t < s.rowTiles; ++t) {
          std::array<std::array<Value, 2>, 2> xb = {
              activationOperands(0, t, k), activationOperands(1, t, k)};
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

  /// Each warp's accumulators to workgroup memory [warp, 8-column group
  /// 2 ct + i, t, jj, lane]; after a barrier the threads add each output
  /// (row, column) of the 16 C x 8 T tile over the warps and store those
  /// with rows below M.
  void storeSums(Value partial, Value tid, Value warp, ValueRange acc) {
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

  OpBuilder &b;
  Location loc;
  const MmaGemvShape &s;
  BlockFormatAttrInterface format;
  Value storage;
  HalfSplitBuffers x;
  Q8KBuffers xq;
  Value y;
  DecodeBuilder d;
  Value lane, g, c, colBase;
  Value codebook; // NF4: the split codebook in workgroup memory
};

/// The order in which the kernel's lanes read x (HalfSplitOrder): MXFP4's
/// nibble pairs of one word, Q4_K's and NF4's runs of 4.
static const HalfSplitOrder &getHalfSplitOrder(MatmulOp op) {
  auto mxfp4 = dyn_cast<MXFP4Attr>(op.getWeights().getType().getFormat());
  if (!mxfp4)
    return kHalfSplitRunsOf4;
  return mxfp4.getLayout() == MXFP4Layout::ggml ? kHalfSplitMXFP4Ggml
                                                : kHalfSplitNibblePairs;
}

struct MmaGemv : mlir::quant4::impl::Quant4GPUMmaGemvBase<MmaGemv> {
  using Base::Base;

  /// Q4_K weights from from_bytes of i8 (or retyped ui8) storage, f32 or
  /// Q8_K activations, min-rows <= M <= max-rows (at most 64), N a multiple of
  /// 16.
  std::optional<MmaGemvShape> match(MatmulOp op) {
    ActivationMode mode = op.getActivationModeOrDefault();
    std::optional<MatmulSizes> sizes = getStaticMatmulSizes(op, mode);
    BlockFormatAttrInterface format = op.getWeights().getType().getFormat();
    auto nf4 = dyn_cast<NF4Attr>(format);
    // NF4 and MXFP4: f32 activations, whole blocks in each 256-value unit.
    bool supported =
        isa<Q4KAttr>(format) ||
        (mode == ActivationMode::f32 &&
         (isa<MXFP4Attr>(format) || (nf4 && kBlock % nf4.getBlockSize() == 0)));
    if (!sizes || !supported || sizes->depth % kBlock != 0 ||
        sizes->rows < (minRows > 0              ? int64_t(minRows)
                       : isa<MXFP4Attr>(format) ? 1
                                                : 2) ||
        sizes->rows > std::min<int64_t>(maxRows, kMaxRows) ||
        sizes->cols % kTileCols != 0 ||
        !hasSignlessBytes(op.getWeights().getDefiningOp<FromBytesOp>()))
      return std::nullopt;
    MmaGemvShape s;
    static_cast<MatmulSizes &>(s) = *sizes;
    s.rowTiles = llvm::divideCeil(s.rows, kTileRows);
    s.int8 = mode == ActivationMode::q8_k;
    s.kind = nf4                      ? WeightKind::NF4
             : isa<MXFP4Attr>(format) ? WeightKind::MXFP4
                                      : WeightKind::Q4K;
    s.unitsPerRow = s.depth / kBlock;
    // Defaults from H100 sweeps (docs/PERF.md, "Tensor-core GEMV"): 8
    // warps, 16 when N / 16 launch blocks of 8 would leave fewer than
    // kTargetWarps warps; two K blocks a trip for two row tiles when each
    // warp has at least four.
    // C column tiles per launch block (by default 2 for two or more row
    // tiles, where the x loads outnumber the weights' and sharing them
    // measured 1.2 - 1.4x faster; 1 for one, where it measured slower): a
    // divisor of N / 16, at most 48 KB of workgroup memory for the warps'
    // sums.
    int64_t tiles = s.cols / kTileCols;
    s.colTiles = std::clamp<int64_t>(
        colTiles > 0 ? int64_t(colTiles) : (s.rowTiles >= 2 ? 2 : 1), 1, tiles);
    while (tiles % s.colTiles != 0)
      --s.colTiles;
    int64_t blocks = tiles / s.colTiles;
    s.warps = warps > 0                                      ? int64_t(warps)
              : s.rowTiles == 1 && 8 * blocks < kTargetWarps ? 16
                                                             : 8;
    while (s.colTiles > 1 &&
           (tiles % s.colTiles != 0 ||
            s.warps * s.colTiles * s.rowTiles * 512 > kMaxSumBytes))
      --s.colTiles;
    int64_t perWarp = std::max<int64_t>(1, s.unitsPerRow / s.warps);
    s.unroll = unroll > 0                        ? int64_t(unroll)
               : s.rowTiles == 2 && perWarp >= 4 ? 2
                                                 : 1;
    s.unroll = std::min(s.unroll, perWarp);
    return s;
  }

  void rewrite(MatmulOp op, const MmaGemvShape &s) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    memref::AllocOp buffer = allocateMatmulResult(b, op);
    HalfSplitBuffers x;
    Q8KBuffers xq;
    if (s.int8)
      xq = buildQ8KQuantization(b, loc, op.getActivations(), s.rows, s.depth);
    else
      x = buildHalfSplitActivations(b, loc, op.getActivations(), s.rows,
                                    s.paddedRows(), s.depth,
                                    getHalfSplitOrder(op));
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, s.cols / s.blockCols()),
        one, one, arith::ConstantIndexOp::create(b, loc, 32 * s.warps), one,
        one);
    launch.addWorkgroupAttribution(
        MemRefType::get({s.warps, 2 * s.colTiles, s.rowTiles, 2, 32},
                        b.getF32Type(), MemRefLayoutAttrInterface(),
                        gpu::AddressSpaceAttr::get(
                            b.getContext(), gpu::AddressSpace::Workgroup)),
        loc);
    if (s.kind == WeightKind::NF4)
      launch.addWorkgroupAttribution(
          MemRefType::get({16}, b.getI32Type(), MemRefLayoutAttrInterface(),
                          gpu::AddressSpaceAttr::get(
                              b.getContext(), gpu::AddressSpace::Workgroup)),
          loc);
    OpBuilder body = OpBuilder::atBlockBegin(&launch.getBody().front());
    Value storage = op.getWeights().getDefiningOp<FromBytesOp>().getBytes();
    MmaGemvKernelBuilder(body, loc, s, op.getWeights().getType().getFormat(),
                         storage, x, xq, buffer)
        .build(launch);
    allowContraction(launch);
    if (pdl)
      chainLaunches({s.int8 ? xq.launch : x.launch, launch});
    b.setInsertionPointAfter(launch);
    replaceMatmulWithBuffer(b, op, buffer);
  }

  void runOnOperation() override {
    rewriteMatchingMatmuls(getOperation(), *this);
  }
};

} // namespace
