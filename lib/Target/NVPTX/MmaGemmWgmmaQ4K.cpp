//===- MmaGemmWgmmaQ4K.cpp - Q4_K decoded inside the wgmma kernel ---------===//
//
// The wgmma kernel's in-kernel decode of Q4_K (option wgmma-decode): the
// raw bytes of each K step's weight rows come through cp.async stages like
// x, and every thread decodes its own rows into an f16 tile in the 128-byte
// swizzle while the tensor cores multiply the previous step
// (docs/NVPTX.md, "wgmma decoding Q4_K").
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Format/Q4K.h"
#include "Target/NVPTX/GemvDecode.h"
#include "Target/NVPTX/MmaGemmKernel.h"
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
/// Bytes of one cp.async.
constexpr int64_t kCopyBytes = 16;

void MmaKernelBuilder::copyRawWeights(Value tid, Value stage, Value step,
                                      SmallVectorImpl<Value> &copies) {
  assert(s.stepK == 2 * kStepQsBytes && s.tileN % s.threads() == 0 &&
         "a thread copies whole rows of K steps of 64");
  ::quant4::format::BlockLayout layout = format.getBlockLayout();
  assert(layout.planes.size() == 1 && "Q4_K blocks are one plane");
  int64_t blockBytes = *layout.storageBytes(1);
  int64_t stepsPerBlock = s.blockSize / s.stepK;
  Value blockInRow = arith::DivUIOp::create(b, loc, step, idx(stepsPerBlock));
  Value qsOffset =
      add(idx(Q4KBlock::kQs),
          mul(arith::RemUIOp::create(b, loc, step, idx(stepsPerBlock)),
              idx(kStepQsBytes)));
  for (int64_t first = 0; first < s.tileN; first += s.threads()) {
    Value row = add(tid, idx(first));
    Value col = clampTo(add(colBase, row), s.cols);
    Value block = mul(add(mul(col, idx(s.blocksPerRow)), blockInRow),
                      idx(blockBytes));
    // Raw row: header bytes [0, 16), qs chunk [16, 48).
    for (auto [dst, src] :
         {std::pair<int64_t, Value>(0, block),
          std::pair<int64_t, Value>(kCopyBytes, add(block, qsOffset)),
          std::pair<int64_t, Value>(2 * kCopyBytes,
                                    add(add(block, qsOffset), idx(kCopyBytes)))})
      copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType(), rawTiles, ValueRange{stage, row, idx(dst)},
          storage, ValueRange{src}, b.getIndexAttr(kCopyBytes),
          /*srcElements=*/Value(), /*bypassL1=*/b.getUnitAttr()));
  }
}

void MmaKernelBuilder::decodeRawWeights(Value tid, Value rawStage, Value tile,
                                        Value step) {
  DecodeBuilder d(b, loc, Value());
  auto i32 = [&](int64_t v) { return d.i32(v); };
  auto words = [&](Value row, int64_t chunk) {
    Value packed = memref::LoadOp::create(b, loc, rawWords,
                                          ValueRange{rawStage, row, idx(chunk)});
    SmallVector<Value> result;
    for (int64_t i = 0; i < kCopyBytes / 4; ++i)
      result.push_back(vector::ExtractOp::create(b, loc, packed, i));
    return result;
  };
  auto andI = [&](Value v, int64_t mask) -> Value {
    return arith::AndIOp::create(b, loc, v, i32(mask));
  };
  auto orI = [&](Value l, Value r) -> Value {
    return arith::OrIOp::create(b, loc, l, r);
  };
  auto halfType = VectorType::get({8}, b.getF16Type());
  auto splat = [&](Value f32) -> Value {
    return vector::BroadcastOp::create(
        b, loc, halfType, arith::TruncFOp::create(b, loc, b.getF16Type(), f32));
  };
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(
        b, loc, halfType,
        DenseElementsAttr::get(halfType, b.getFloatAttr(b.getF16Type(), v)));
  };
  Value magic = constant(1024.0);
  int64_t stepsPerBlock = s.blockSize / s.stepK;
  // Sub-blocks 2 j and 2 j + 1 of the block, j = step mod 4.
  Value firstSubBlock =
      mul(arith::RemUIOp::create(b, loc, step, idx(stepsPerBlock)), idx(2));
  for (int64_t first = 0; first < s.tileN; first += s.threads()) {
    Value row = add(tid, idx(first));
    SmallVector<Value> header = words(row, 0);
    SmallVector<Value> qs = words(row, 1);
    llvm::append_range(qs, words(row, 2));
    // Chunk c of the row is at c xor (row mod 8) (swizzledColumn).
    Value swizzle = arith::RemUIOp::create(b, loc, row, idx(8));
    Value scale[2], negMin[2];
    for (int64_t h = 0; h < 2; ++h) {
      auto [d1, m1] =
          getQ4KSubBlockScales(d, header, add(firstSubBlock, idx(h)));
      scale[h] = splat(d1);
      negMin[h] = splat(arith::NegFOp::create(b, loc, m1));
    }
    for (int64_t c = 0; c < s.stepK / 8; ++c) {
      int64_t h = c / 4;
      // Values 8 c' .. 8 c' + 7 (c' = c mod 4) are nibble h of qs bytes
      // 8 c' ..: two words, as f16 pairs 0x6400 | q (bytes 0, 1 and 2, 3
      // of each word in the low and high halves).
      SmallVector<Value> pairs;
      for (int64_t w = 0; w < 2; ++w) {
        Value word = qs[2 * (c % 4) + w];
        if (h)
          word = arith::ShRUIOp::create(b, loc, word, i32(4));
        Value nibbles = andI(word, 0x0F0F0F0F);
        pairs.push_back(orI(
            orI(andI(nibbles, 0xFF),
                andI(arith::ShLIOp::create(b, loc, nibbles, i32(8)), 0xFF0000)),
            i32(0x64006400)));
        pairs.push_back(
            orI(orI(andI(arith::ShRUIOp::create(b, loc, nibbles, i32(16)),
                         0xFF),
                    andI(arith::ShRUIOp::create(b, loc, nibbles, i32(8)),
                         0xFF0000)),
                i32(0x64006400)));
      }
      Value biased = vector::BitCastOp::create(
          b, loc, halfType,
          vector::FromElementsOp::create(
              b, loc, VectorType::get({4}, b.getI32Type()), pairs));
      Value q = arith::SubFOp::create(b, loc, biased, magic);
      Value y = vector::FMAOp::create(b, loc, q, scale[h], negMin[h]);
      memref::StoreOp::create(
          b, loc, y, decodedTiles,
          ValueRange{tile, row,
                     arith::XOrIOp::create(b, loc, idx(c), swizzle)});
    }
  }
}
