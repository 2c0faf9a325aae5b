//===- MmaGemmWgmmaNF4.cpp - NF4 for the decoding wgmma kernel ------------===//
//
// NF4 (64-value blocks, plain f32 absmax) in the wgmma kernel that decodes
// its weights into A registers (MmaGemmWgmmaDecode.cpp): the raw rows a K
// step copies (the block's code bytes and absmax) and their decode into f16
// A fragments through a table of the f16 pair each code byte stands for
// (docs/NVPTX.md, "wgmma decoding Q4_K and NF4 into registers").
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Format/NF4.h"
#include "Target/NVPTX/MmaGemmKernel.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;
using namespace mlir::quant4::mmagemm;

/// Code bytes of a 64-value NF4 block, and where a raw row keeps its
/// absmax.
constexpr int64_t kNF4CodeBytes = 32;
constexpr int64_t kNF4AbsmaxByte = kNF4CodeBytes;

void MmaKernelBuilder::fillNF4Table(Value tid) {
  DecodeBuilder d(b, loc, Value());
  const std::array<float, 16> &codebook = ::quant4::format::nf4Codebook();
  auto bytes = VectorType::get({2}, b.getI8Type());
  for (int64_t first = 0; first < 256; first += s.threads()) {
    Value entry = add(tid, idx(first));
    // Entry c: (codebook[c >> 4], codebook[c & 15]) as an f16 pair.
    Value c = arith::IndexCastUIOp::create(b, loc, b.getI32Type(), entry);
    Value hi = arith::ShRUIOp::create(b, loc, c, d.i32(4));
    Value lo = arith::AndIOp::create(b, loc, c, d.i32(15));
    Value codes = vector::FromElementsOp::create(
        b, loc, bytes,
        ValueRange{arith::TruncIOp::create(b, loc, b.getI8Type(), hi),
                   arith::TruncIOp::create(b, loc, b.getI8Type(), lo)});
    Value values = d.lookup16(ArrayRef<float>(codebook), codes);
    Value pair = arith::TruncFOp::create(
        b, loc, VectorType::get({2}, b.getF16Type()), values);
    memref::StoreOp::create(
        b, loc, LLVM::BitcastOp::create(b, loc, b.getI32Type(), pair),
        decodeTable, ValueRange{entry});
  }
}

void MmaKernelBuilder::copyRawNF4(Value tid, Value stage, Value step,
                                  SmallVectorImpl<Value> &copies) {
  DecodeBuilder d(b, loc, Value());
  ::quant4::format::BlockLayout layout = format.getBlockLayout();
  assert(layout.planes.size() == 2 && s.blockSize == s.stepK &&
         "NF4 codes and f32 absmax planes, one block a step");
  Value row = arith::DivUIOp::create(b, loc, tid, idx(2));
  Value half = arith::RemUIOp::create(b, loc, tid, idx(2));
  Value col = clampTo(add(colBase, row), s.cols);
  Value block = add(mul(col, idx(s.blocksPerRow)), step);
  Value codes = add(mul(block, idx(kNF4CodeBytes)), mul(half, idx(kCopyBytes)));
  copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
      b, loc, tokenType(), rawTiles,
      ValueRange{stage, row, mul(half, idx(kCopyBytes))}, storage,
      ValueRange{codes}, b.getIndexAttr(kCopyBytes),
      /*srcElements=*/Value(), /*bypassL1=*/b.getUnitAttr()));
  // The absmax (4 bytes: cp.async.ca) from the plane after the codes.
  Value absmax =
      add(d.planeOffset(layout, 1, idx(s.numBlocks)), mul(block, idx(4)));
  copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
      b, loc, tokenType(), rawTiles,
      ValueRange{stage, row, idx(kNF4AbsmaxByte)}, storage, ValueRange{absmax},
      b.getIndexAttr(4),
      /*srcElements=*/Value(), /*bypassL1=*/UnitAttr()));
}

SmallVector<Value> MmaKernelBuilder::decodeNF4Fragments(Value tid,
                                                        Value rawStage) {
  DecodeBuilder d(b, loc, Value());
  auto pairType = VectorType::get({2}, b.getF16Type());
  Value quad = arith::RemUIOp::create(b, loc, lane, idx(4));
  Value row0 = firstFragmentRow(tid);
  // Byte l mod 4 of each code word: the lane's pair 2 (l mod 4) + 8 w.
  Value shift = d.toI32(mul(quad, idx(8)));
  // pairs[r][w]: row r (0: row0, 1: row0 + 8), code word w.
  Value pairs[2][8];
  for (int64_t r = 0; r < 2; ++r) {
    Value row = add(row0, idx(8 * r));
    Value absmax = LLVM::BitcastOp::create(
        b, loc, b.getF32Type(),
        memref::LoadOp::create(
            b, loc, rawWords,
            ValueRange{rawStage, row, idx(kNF4AbsmaxByte / 4)}));
    Value scale = vector::BroadcastOp::create(
        b, loc, pairType,
        arith::TruncFOp::create(b, loc, b.getF16Type(), absmax));
    for (int64_t chunk = 0; chunk < 2; ++chunk) {
      Value words = memref::LoadOp::create(
          b, loc, rawHeaders, ValueRange{rawStage, row, idx(chunk)});
      for (int64_t i = 0; i < 4; ++i) {
        Value word = vector::ExtractOp::create(b, loc, words, i);
        Value code = arith::AndIOp::create(
            b, loc, arith::ShRUIOp::create(b, loc, word, shift), d.i32(0xFF));
        Value entry =
            memref::LoadOp::create(b, loc, decodeTable,
                                   ValueRange{arith::IndexCastUIOp::create(
                                       b, loc, b.getIndexType(), code)});
        Value y = arith::MulFOp::create(
            b, loc, LLVM::BitcastOp::create(b, loc, pairType, entry), scale);
        pairs[r][4 * chunk + i] =
            LLVM::BitcastOp::create(b, loc, b.getI32Type(), y);
      }
    }
  }
  // Slice kk: words 2 kk (columns 2 q, + 1) and 2 kk + 1 (columns 8 + 2 q,
  // + 1); registers (row0, 2 kk), (row0 + 8, 2 kk), (row0, 2 kk + 1),
  // (row0 + 8, 2 kk + 1).
  SmallVector<Value> fragments;
  for (int64_t kk = 0; kk < 4; ++kk)
    for (int64_t w = 2 * kk; w < 2 * kk + 2; ++w)
      for (int64_t r = 0; r < 2; ++r)
        fragments.push_back(pairs[r][w]);
  return fragments;
}
