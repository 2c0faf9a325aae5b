//===- MmaGemvNF4.cpp - NF4 in the tensor-core GEMV -----------------------===//
//
// NF4 in the tensor-core GEMV: the lane's code words, the codebook split
// into f16 hi | lo halves in workgroup memory, three mmas a chunk half
// (docs/NVPTX.md, "Tensor cores in the GEMV class").
//
//===----------------------------------------------------------------------===//

#include "Format/Float16.h"
#include "Format/NF4.h"
#include "Target/NVPTX/MmaGemvKernel.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemv;

SmallVector<int32_t> MmaGemvKernelBuilder::splitCodebook() {
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

void MmaGemvKernelBuilder::fillCodebook(Value table, Value tid) {
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

SmallVector<Value> MmaGemvKernelBuilder::loadColumnNF4(Value col, Value kb) {
  int64_t blockSize = format.getBlockSize(), perUnit = kBlock / blockSize;
  Value first = add(d.mul(col, s.blocksPerRow), d.mul(kb, perUnit));
  Value numBlocks = idx(s.numBlocks);
  SmallVector<Value> words;
  for (int64_t j = 0; j < kSubBlocks; ++j) {
    Value block = add(first, idx(32 * j / blockSize));
    Value at = add(d.groupOffset(format.getBlockLayout(), 0, numBlocks, block),
                   add(idx(32 * j % blockSize / 2), d.mul(c, 4)));
    words.push_back(d.loadWords(at, 4).front());
  }
  for (int64_t u = 0; u < perUnit; ++u) {
    Value scales =
        format.buildBlockAffine(b, loc, storage, numBlocks, add(first, idx(u)))
            .first;
    words.push_back(vector::ExtractOp::create(b, loc, scales, 0));
  }
  return words;
}

std::array<Value, 2> MmaGemvKernelBuilder::codebookOperands(ArrayRef<Value> w,
                                                            int64_t ch) {
  auto entry = [&](Value word, int64_t p) -> Value {
    int64_t shift = 8 * (p / 2) + (p % 2 == 0 ? 4 : 0);
    Value code = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, word, d.i32(shift)), d.i32(15));
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
  return {halvesOperand(hi), halvesOperand(lo)};
}

void MmaGemvKernelBuilder::accumulateBlockNF4(
    Value kb, ArrayRef<SmallVector<Value>> columns,
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
      scales.push_back(pairs(absmax(cols[0]), absmax(cols[1]), /*byRow=*/true));
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
