//===- MmaGemmWgmmaQ4K.cpp - Q4_K for the decoding wgmma kernel -----------===//
//
// Q4_K in the wgmma kernel that decodes its weights into A registers
// (MmaGemmWgmmaDecode.cpp): the raw rows a K step copies (block header and
// the step's 32 qs bytes) and their decode into f16 A fragments
// (docs/NVPTX.md, "wgmma decoding Q4_K and NF4 into registers").
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Format/Q4K.h"
#include "Target/NVPTX/GemvDecode.h"
#include "Target/NVPTX/MmaGemmKernel.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemm;

using ::quant4::format::Q4KBlock;
static_assert(Q4KBlock::kD == 0 && Q4KBlock::kDMin == 2 &&
                  Q4KBlock::kScales == 4 && Q4KBlock::kQs == 16,
              "a raw row is ggml's 16-byte block_q4_K header, then qs");

/// qs bytes of one K step of 64 values: one 32-byte chunk of qs.
constexpr int64_t kStepQsBytes = 32;

void MmaKernelBuilder::copyRawQ4K(Value tid, Value stage, Value step,
                                  SmallVectorImpl<Value> &copies) {
  ::quant4::format::BlockLayout layout = format.getBlockLayout();
  assert(layout.planes.size() == 1 && "Q4_K blocks are one plane");
  int64_t blockBytes = *layout.storageBytes(1);
  int64_t stepsPerBlock = s.blockSize / s.stepK;
  Value row = arith::DivUIOp::create(b, loc, tid, idx(2));
  Value half = arith::RemUIOp::create(b, loc, tid, idx(2));
  Value col = clampTo(add(colBase, row), s.cols);
  Value block =
      mul(add(mul(col, idx(s.blocksPerRow)),
              arith::DivUIOp::create(b, loc, step, idx(stepsPerBlock))),
          idx(blockBytes));
  // Chunk c > 0 of the raw row is qs bytes 32 (step mod 4) + 16 (c - 1),
  // i.e. block bytes 32 (step mod 4) + 16 c.
  Value qsBase =
      add(block, mul(arith::RemUIOp::create(b, loc, step, idx(stepsPerBlock)),
                     idx(kStepQsBytes)));
  Value first = mul(half, idx(2));
  Value second = arith::MinUIOp::create(b, loc, add(first, idx(1)), idx(2));
  for (Value chunk : {first, second}) {
    Value isHeader =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, chunk, idx(0));
    Value src = arith::SelectOp::create(
        b, loc, isHeader, block, add(qsBase, mul(chunk, idx(kCopyBytes))));
    copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, loc, tokenType(), rawTiles,
        ValueRange{stage, row, mul(chunk, idx(kCopyBytes))}, storage,
        ValueRange{src}, b.getIndexAttr(kCopyBytes),
        /*srcElements=*/Value(), /*bypassL1=*/b.getUnitAttr()));
  }
}

SmallVector<Value> MmaKernelBuilder::decodeQ4KFragments(Value tid,
                                                        Value rawStage,
                                                        int64_t stepInBlock) {
  DecodeBuilder d(b, loc, Value());
  auto i32 = [&](int64_t v) { return d.i32(v); };
  auto andI = [&](Value v, int64_t mask) -> Value {
    return arith::AndIOp::create(b, loc, v, i32(mask));
  };
  auto orI = [&](Value l, Value r) -> Value {
    return arith::OrIOp::create(b, loc, l, r);
  };
  auto pairType = VectorType::get({2}, b.getF16Type());
  auto splat = [&](Value f32) -> Value {
    return vector::BroadcastOp::create(
        b, loc, pairType, arith::TruncFOp::create(b, loc, b.getF16Type(), f32));
  };
  Value magic = arith::ConstantOp::create(
      b, loc, pairType,
      DenseElementsAttr::get(pairType, b.getFloatAttr(b.getF16Type(), 1024)));
  // Sub-blocks 2 j (low nibbles) and 2 j + 1 (high), j = stepInBlock.
  Value firstSubBlock = idx(2 * stepInBlock);
  Value quad = arith::RemUIOp::create(b, loc, lane, idx(4));
  Value row0 = firstFragmentRow(tid);
  // The lane's byte pairs 2 q + 8 t, + 1 (t < 4) are half q mod 2 of qs
  // word q / 2 + 2 t (raw word 4 + q / 2 + 2 t).
  Value firstWord = add(idx(4), arith::DivUIOp::create(b, loc, quad, idx(2)));
  Value shift =
      d.toI32(mul(arith::RemUIOp::create(b, loc, quad, idx(2)), idx(16)));
  // pairs[r][h][t]: row r (0: row0, 1: row0 + 8), nibble h, word t.
  Value pairs[2][2][4];
  for (int64_t r = 0; r < 2; ++r) {
    Value row = add(row0, idx(8 * r));
    Value headerWords = memref::LoadOp::create(
        b, loc, rawHeaders, ValueRange{rawStage, row, idx(0)});
    SmallVector<Value> header;
    for (int64_t i = 0; i < 4; ++i)
      header.push_back(vector::ExtractOp::create(b, loc, headerWords, i));
    // Bytes b0, b1 of each pair in bits 0 - 15.
    Value bytePairs[4];
    for (int64_t t = 0; t < 4; ++t) {
      Value word = memref::LoadOp::create(
          b, loc, rawWords,
          ValueRange{rawStage, row, add(firstWord, idx(2 * t))});
      bytePairs[t] = arith::ShRUIOp::create(b, loc, word, shift);
    }
    for (int64_t h = 0; h < 2; ++h) {
      auto [d1, m1] =
          getQ4KSubBlockScales(d, header, add(firstSubBlock, idx(h)));
      Value scale = splat(d1);
      Value negMin = splat(arith::NegFOp::create(b, loc, m1));
      for (int64_t t = 0; t < 4; ++t) {
        // Nibble h of b0 and b1 into the low four bits of a 16-bit half
        // each, 0x6400 above.
        Value bytes = bytePairs[t];
        Value low = h ? andI(arith::ShRUIOp::create(b, loc, bytes, i32(4)), 0xF)
                      : andI(bytes, 0xF);
        Value high =
            h ? andI(arith::ShLIOp::create(b, loc, bytes, i32(4)), 0xF0000)
              : andI(arith::ShLIOp::create(b, loc, bytes, i32(8)), 0xF0000);
        Value biased = LLVM::BitcastOp::create(
            b, loc, pairType, orI(orI(low, high), i32(0x64006400)));
        Value q = arith::SubFOp::create(b, loc, biased, magic);
        Value y = vector::FMAOp::create(b, loc, q, scale, negMin);
        pairs[r][h][t] = LLVM::BitcastOp::create(b, loc, b.getI32Type(), y);
      }
    }
  }
  // Slice kk: nibble kk / 2, words t0 = 2 (kk mod 2) (columns 2 q, + 1)
  // and t0 + 1 (columns 8 + 2 q, + 1); registers (row0, t0), (row0 + 8,
  // t0), (row0, t0 + 1), (row0 + 8, t0 + 1).
  SmallVector<Value> fragments;
  for (int64_t kk = 0; kk < 4; ++kk) {
    int64_t h = kk / 2, t0 = 2 * (kk % 2);
    for (int64_t t = t0; t < t0 + 2; ++t)
      for (int64_t r = 0; r < 2; ++r)
        fragments.push_back(pairs[r][h][t]);
  }
  return fragments;
}
