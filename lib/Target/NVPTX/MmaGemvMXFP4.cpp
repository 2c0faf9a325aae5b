//===- MmaGemvMXFP4.cpp - MXFP4 in the tensor-core GEMV -------------------===//
//
// MXFP4 in the tensor-core GEMV: one code word per lane and 32-value block
// (ggml's 17-byte blocks through two aligned loads and a funnel shift),
// E2M1 nibbles as exact f16 x 2^-14, two mmas a chunk half (docs/NVPTX.md,
// "Tensor cores in the GEMV class").
//
//===----------------------------------------------------------------------===//

#include "Target/NVPTX/MmaGemvKernel.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemv;

SmallVector<Value> MmaGemvKernelBuilder::loadColumnMXFP4(Value col, Value kb,
                                                         int64_t blocks) {
  constexpr int64_t perUnit = kBlock / 32;
  bool ggml = cast<MXFP4Attr>(format).getLayout() == MXFP4Layout::ggml;
  Value first = add(d.mul(col, s.blocksPerRow), d.mul(kb, perUnit));
  Value numBlocks = idx(s.numBlocks);
  Value base = add(d.groupOffset(format.getBlockLayout(), 0, numBlocks, first),
                   d.mul(c, 4));
  // ggml rows of whole units start 8 blocks (136 bytes) apart from the
  // storage's start, so each word's misalignment is a constant; other rows
  // (K not a multiple of 256) read the word byte by byte.
  bool constantAlignment = s.blocksPerRow % perUnit == 0;
  SmallVector<Value> words;
  for (int64_t j = 0; j < blocks; ++j) {
    if (!ggml) {
      words.push_back(d.loadWords(add(base, idx(16 * j)), 4).front());
      continue;
    }
    int64_t at = 17 * j + 1, misaligned = at % 4;
    if (!constantAlignment) {
      words.push_back(d.loadLittleEndian(add(base, idx(at)), 4));
      continue;
    }
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
  for (int64_t j = 0; j < blocks; ++j)
    words.push_back(vector::ExtractOp::create(
        b, loc,
        format.buildBlockAffine(b, loc, storage, numBlocks, add(first, idx(j)))
            .first,
        0));
  return words;
}

Value MmaGemvKernelBuilder::e2m1Operand(ArrayRef<Value> w, int64_t ch) {
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
  return halvesOperand(parts);
}

void MmaGemvKernelBuilder::accumulateBlockMXFP4(
    Value kb, ArrayRef<SmallVector<Value>> columns, MutableArrayRef<Value> acc,
    int64_t blocks) {
  constexpr int64_t perUnit = kBlock / 32;
  auto mmaType = VectorType::get({2, 2}, b.getF32Type());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(mmaType, b.getF32FloatAttr(0)));
  Value unscale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(mmaType, b.getF32FloatAttr(16384.0f)));
  Value kBase = d.mul(kb, kBlock);
  for (int64_t j = 0; j < blocks; ++j) {
    SmallVector<std::array<Value, 2>> a;
    SmallVector<Value> scales;
    for (int64_t ct = 0; ct < s.colTiles; ++ct) {
      ArrayRef<SmallVector<Value>> cols = tileColumns(columns, ct);
      a.push_back({e2m1Operand({cols[0][j], cols[1][j]}, 0),
                   e2m1Operand({cols[0][j], cols[1][j]}, 1)});
      scales.push_back(pairs(cols[0][blocks + j], cols[1][blocks + j],
                             /*byRow=*/true));
    }
    Value k = add(kBase, add(d.mul(c, 8), idx(32 * j)));
    Value group = add(d.mul(kb, perUnit), idx(j));
    for (int64_t t = 0; t < s.rowTiles; ++t) {
      std::array<std::array<Value, 2>, 2> xb = {activationOperands(0, t, k),
                                                activationOperands(1, t, k)};
      Value inverse =
          arith::MulFOp::create(b, loc, unscale, loadRowSums(group, t).second);
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
