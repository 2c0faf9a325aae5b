//===- MmaGemvKernel.h - The tensor-core GEMV kernel -----------*- C++ -*-===//
//
// What quant4-gpu-mma-gemv (MmaGemv.cpp) builds in its second launch: the
// shape of a GEMV-class matmul on tensor cores and the builder of the
// kernel body. MmaGemvKernel.cpp has the loop structure, the warps' sums
// and the Q4_K operands (f32 and Q8_K activations); MmaGemvNF4.cpp and
// MmaGemvMXFP4.cpp the other formats' loads and operands.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_MMAGEMVKERNEL_H
#define QUANT4_TARGET_NVPTX_MMAGEMVKERNEL_H

#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Dialect/Quant4/IR/Quant4Types.h"
#include "Target/NVPTX/HalfSplit.h"
#include "Target/NVPTX/MatmulRewrite.h"
#include "Target/NVPTX/QuantizeQ8K.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>

namespace mlir::quant4::mmagemv {

/// Weight columns per launch block: the mma's M.
constexpr int64_t kTileCols = 16;
/// Rows of x per mma: its N.
constexpr int64_t kTileRows = 8;
/// Largest M: 8 tiles of x rows.
constexpr int64_t kMaxRows = 8 * kTileRows;
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
  int64_t unitsPerRow; // K / 256 (whole units): the loop's steps
  int64_t tailBlocks;  // MXFP4: 32-value blocks past the last whole unit
  int64_t paddedRows() const { return rowTiles * kTileRows; }
  int64_t blockCols() const { return colTiles * kTileCols; }
};

/// Builds the kernel body inside a gpu.launch of 32 W threads and N / 16 C
/// launch blocks (build()).
class MmaGemvKernelBuilder {
public:
  MmaGemvKernelBuilder(OpBuilder &b, Location loc, const MmaGemvShape &s,
                       BlockFormatAttrInterface format, Value storage,
                       HalfSplitBuffers x, Q8KBuffers xq, Value y)
      : b(b), loc(loc), s(s), format(format), storage(storage), x(x), xq(xq),
        y(y), d(b, loc, storage) {}

  void build(gpu::LaunchOp launch);

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

  /// Four i32 words of f16 pairs as an A operand (vector<4x2xf16>).
  Value halvesOperand(ArrayRef<Value> words) {
    Value packed = vector::FromElementsOp::create(
        b, loc, VectorType::get({4}, b.getI32Type()), words);
    return vector::ShapeCastOp::create(
        b, loc, VectorType::get({4, 2}, b.getF16Type()),
        vector::BitCastOp::create(b, loc, VectorType::get({8}, b.getF16Type()),
                                  packed));
  }
  /// Weight column `col`, or N - 1 past N (when N is not a multiple of the
  /// launch block's columns: those products are not stored).
  Value clampColumn(Value col) {
    if (s.cols % s.blockCols() == 0)
      return col;
    return arith::MinUIOp::create(
        b, loc, col, arith::ConstantIndexOp::create(b, loc, s.cols - 1));
  }

  /// The accumulator of column tile ct and row tile t.
  Value &accAt(MutableArrayRef<Value> acc, int64_t ct, int64_t t) {
    return acc[ct * s.rowTiles + t];
  }

  /// The block's first 16 bytes, and its qs bytes 8c .. 8c + 7 of each
  /// chunk, as little-endian i32 words (header, then chunk-major).
  SmallVector<Value> loadColumn(Value col, Value kb);

  /// The A operand of chunk half `ch` of sub-block 2 chunk + h from the two
  /// columns' words: codes (1024 + q) - 1024 of bytes 0, 2 (row 0 of each
  /// column) and 1, 3 (row 2).
  Value codesOperand(ArrayRef<SmallVector<Value>> columns, int64_t chunk,
                     int64_t h, int64_t ch);

  /// load() where x row `row` (of tile t) is below M, else `zero`.
  Value loadRow(Value row, int64_t t, function_ref<Value()> load,
                DenseElementsAttr zero);

  /// The lane's 8 values (hi or lo) of x row 8 t + g at `k`: B operands of
  /// the sub-block's two chunk halves. Rows past M are zeros, not loaded.
  std::array<Value, 2> activationOperands(int64_t half, int64_t t, Value k);

  /// Sub-block `group`'s sums and 2^-s of x rows 2c, 2c + 1 of tile t as
  /// accumulator-shaped pairs (HalfSplit's [sum(2c), sum(2c + 1),
  /// 2^-s(2c), 2^-s(2c + 1)]).
  std::pair<Value, Value> loadRowSums(Value group, int64_t t);

  /// [[v0, v1], [v0, v1]] or [[v0, v0], [v1, v1]] (`byRow`).
  Value pairs(Value v0, Value v1, bool byRow) {
    SmallVector<Value> e = byRow ? SmallVector<Value>{v0, v0, v1, v1}
                                 : SmallVector<Value>{v0, v1, v0, v1};
    return vector::FromElementsOp::create(
        b, loc, VectorType::get({2, 2}, b.getF32Type()), e);
  }

  /// accIn plus the products of K blocks `kbs`; all their weight bytes are
  /// loaded before the math of the first. `tail`: `kbs` is the one partial
  /// unit, s.tailBlocks blocks of MXFP4.
  SmallVector<Value> accumulateBlocks(ValueRange kbs, ValueRange accIn,
                                      bool tail = false);

  /// NF4 codebook entries scaled by 2^8 (so the low halves stay normal) as
  /// f16 hi | f16 lo << 16, lo = f16(v - hi): hi + lo carries each entry to
  /// about 2^-22 of itself.
  static SmallVector<int32_t> splitCodebook();

  /// Threads 0 - 15 store splitCodebook() into workgroup `table`; a
  /// barrier.
  void fillCodebook(Value table, Value tid);

  /// NF4: the lane's code bytes 4c .. 4c + 3 of each 16-byte sub-block of
  /// 256-value unit `kb` (values 8c .. 8c + 7 of sub-block j, the first in
  /// the high nibble) as 8 i32 words, then the absmax of each NF4 block of
  /// the unit (buildBlockAffine: plain or double-quantized).
  SmallVector<Value> loadColumnNF4(Value col, Value kb);

  /// The A operands (hi, lo) of chunk half `ch` from the two columns' code
  /// words `w`: values 4 ch + i of the lane's 8 (value p in byte p / 2, the
  /// high nibble for even p) looked up in the split codebook; rows pair
  /// values (0, 2) and (1, 3), the k order HalfSplit gives x.
  std::array<Value, 2> codebookOperands(ArrayRef<Value> w, int64_t ch);

  /// NF4: per sub-block j, (hi + lo codebook) . (hi + lo x) as three mmas a
  /// chunk half (the lo . lo term is below 2^-22), times absmax 2^-8 2^-s.
  void accumulateBlockNF4(Value kb, ArrayRef<SmallVector<Value>> columns,
                          MutableArrayRef<Value> acc);

  /// MXFP4: the lane's code word of each 32-value block of 256-value unit
  /// `kb` (ggml: qs bytes 4c .. 4c + 3; hf: code bytes 4c .. 4c + 3), then
  /// each block's E8M0 scale as f32 (buildBlockAffine). When rows are
  /// whole units, the unit's first block is a multiple of 8, so a ggml
  /// block j starts 17 j bytes past an 8-byte boundary: its word is one
  /// aligned load (j = 3, 7) or two, funnel-shifted by a constant (other
  /// rows: four byte loads). `blocks`: the unit's blocks (fewer in a
  /// partial last unit).
  SmallVector<Value> loadColumnMXFP4(Value col, Value kb, int64_t blocks);

  /// The MXFP4 A operand of chunk half `ch` from the two columns' code
  /// words: nibbles i and i + 4 (i = 2 ch, 2 ch + 1; HalfSplit's
  /// kHalfSplitMXFP4Ggml / kHalfSplitNibblePairs order of x) as f16 with
  /// the code's exponent and mantissa bits in the f16's lowest exponent and
  /// top mantissa bits: s e1 e0 m -> E2M1 x 2^-14 exactly (e = 0 gives the
  /// subnormal m 2^-15).
  Value e2m1Operand(ArrayRef<Value> w, int64_t ch);

  /// MXFP4: per 32-value block j, (E2M1 2^-14) . (hi + lo x) as two mmas a
  /// chunk half, times 2^14 2^-s and the block's scale; `blocks` as for
  /// loadColumnMXFP4.
  void accumulateBlockMXFP4(Value kb, ArrayRef<SmallVector<Value>> columns,
                            MutableArrayRef<Value> acc, int64_t blocks);

  /// x row 8 t + g's 8 Q8_K codes at `k` as the int8 B operand (k slots 4c
  /// .. 4c + 3 and 16 + 4c .. 16 + 4c + 3 are values k .. k + 7); rows past
  /// M are zeros, not loaded.
  Value codeOperand(int64_t t, Value k);

  /// Q8_K activations: per sub-block j, exact int8 mma (m16n8k32, s32) of
  /// the nibbles (w >> 4 h) & 0x0F0F0F0F with x's codes, and of all-ones
  /// with them (the codes' sums), scaled by the integer sc_j and m_j; per
  /// block y += d_x (d sum_j sc_j dot_j - dmin sum_j m_j sum_j), as ggml's
  /// vec_dot_q4_K_q8_K.
  void accumulateBlockInt8(Value kb, ArrayRef<SmallVector<Value>> columns,
                           MutableArrayRef<Value> acc);

  void accumulateBlock(Value kb, ArrayRef<SmallVector<Value>> columns,
                       MutableArrayRef<Value> acc);

  /// Each warp's accumulators to workgroup memory [warp, 8-column group
  /// 2 ct + i, t, jj, lane]; after a barrier the threads add each output
  /// (row, column) of the 16 C x 8 T tile over the warps and store those
  /// with rows below M.
  void storeSums(Value partial, Value tid, Value warp, ValueRange acc);

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

} // namespace mlir::quant4::mmagemv

#endif // QUANT4_TARGET_NVPTX_MMAGEMVKERNEL_H
