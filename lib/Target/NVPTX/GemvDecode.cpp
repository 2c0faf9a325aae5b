//===- GemvDecode.cpp - Weight decoding for the GEMV kernel ---------------===//

#include "Target/NVPTX/GemvDecode.h"
#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Format/Q4K.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// Any format: a unit is a run of values (by default one decode group),
/// decoded value by value with the format's bit-exact buildDecode (its byte
/// loads are part of the decode).
class DefaultDecoder : public GemvDecoder {
public:
  DefaultDecoder(BlockFormatAttrInterface format, Value storage,
                 int64_t numBlocks, int64_t valuesPerUnit)
      : GemvDecoder(format, storage, numBlocks, valuesPerUnit) {}

  /// The decode group first, then the powers of two from 8 that divide the
  /// block.
  static SmallVector<int64_t> getUnitSizes(BlockFormatAttrInterface format) {
    SmallVector<int64_t> sizes{format.getDecodeGroupSize()};
    for (int64_t v = 8; v <= format.getBlockSize(); v *= 2)
      if (format.getBlockSize() % v == 0 && v != sizes.front())
        sizes.push_back(v);
    return sizes;
  }

  SmallVector<Value> load(OpBuilder &, Location, Value, Value) override {
    return {};
  }

  SmallVector<GemvGroup> decode(OpBuilder &b, Location loc, Value block,
                                Value unit, ArrayRef<Value>) override {
    auto nuw = arith::IntegerOverflowFlags::nuw;
    Value first = getUnitBase(b, loc, unit);
    Value n = arith::ConstantIndexOp::create(b, loc, numBlocks);
    GemvGroup group{0, {}, {}, {}};
    for (int64_t i = 0; i < valuesPerUnit; ++i) {
      Value index = b.createOrFold<arith::AddIOp>(
          loc, first, arith::ConstantIndexOp::create(b, loc, i), nuw);
      group.codes.push_back(
          format.buildDecode(b, loc, storage, n, block, index));
    }
    return {group};
  }
};

/// Q4_K: a unit is a run of B = 4, 8, 16 or 32 qs bytes (default 32) inside
/// one 32-byte chunk j of qs, whose low nibbles are values 64 j + p + l of
/// sub-block 2 j and high nibbles values 64 j + 32 + p + l of sub-block
/// 2 j + 1 (p: the run's offset in the chunk, l < B), with d1 and m1 per
/// sub-block (the same float ops as Q4KAttr's decoder; BlockFormatAttrInterface
/// has no per-group affine form yet, which would replace
/// getQ4KSubBlockScales). Code
/// c = 1 + q / 16 is the float with exponent 0 and q in the top mantissa bits,
/// bits(q << 19 | 0x3F800000); then d1 q - m1 = 16 d1 c - (16 d1 + m1): scale
/// 16 d1 (exact), offset 16 d1 + m1 (one rounding per sub-block).
class Q4KDecoder : public GemvDecoder {
public:
  static constexpr int64_t kChunkBytes = 32;

  Q4KDecoder(BlockFormatAttrInterface format, Value storage, int64_t numBlocks,
             int64_t valuesPerUnit)
      : GemvDecoder(format, storage, numBlocks, valuesPerUnit) {}

  static SmallVector<int64_t> getUnitSizes() { return {64, 32, 16, 8}; }

  /// 64 j + p for unit u: j = u / (32 / B), p = B (u % (32 / B)).
  Value getUnitBase(OpBuilder &b, Location loc, Value unit) override {
    DecodeBuilder d(b, loc, storage);
    return d.add(d.mul(chunkOf(d, unit), 2 * kChunkBytes),
                 d.mul(d.rem(unit, unitsPerChunk()), unitBytes()));
  }

  /// The unit's B qs bytes as little-endian i32 words, in loads of at most
  /// 16 bytes (qs is 16-byte aligned in the 144-byte block, and the runs
  /// are consecutive: unit u's bytes start at B u), then the block's 16
  /// header bytes (d, dmin, the 12 scale bytes) as 4 words from one load.
  SmallVector<Value> load(OpBuilder &b, Location loc, Value block,
                          Value unit) override {
    using ::quant4::format::Q4KBlock;
    static_assert(Q4KBlock::kD == 0 && Q4KBlock::kDMin == 2 &&
                      Q4KBlock::kScales == 4 && Q4KBlock::kQs == 16,
                  "the header words below assume ggml's block_q4_K");
    DecodeBuilder d(b, loc, storage);
    Value base =
        d.groupOffset(format.getBlockLayout(), 0, d.index(numBlocks), block);
    Value qs = d.add(d.add(base, Q4KBlock::kQs), d.mul(unit, unitBytes()));
    SmallVector<Value> result;
    auto loadWords = [&](Value at, int64_t width) {
      llvm::append_range(result, d.loadWords(at, width));
    };
    int64_t width = std::min<int64_t>(16, unitBytes());
    for (int64_t offset = 0; offset < unitBytes(); offset += width)
      loadWords(d.add(qs, offset), width);
    loadWords(base, kHeaderWords * 4);
    return result;
  }

  SmallVector<GemvGroup> decode(OpBuilder &b, Location loc, Value block,
                                Value unit, ArrayRef<Value> loaded) override {
    DecodeBuilder d(b, loc, storage);
    Value sixteen = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(16));
    ArrayRef<Value> words = loaded.drop_back(kHeaderWords);
    SmallVector<GemvGroup> groups;
    for (int64_t h = 0; h < 2; ++h) {
      auto [d1, m1] = unitScales(d, unit, loaded, h);
      Value scale = arith::MulFOp::create(b, loc, d1, sixteen);
      Value offset = arith::AddFOp::create(b, loc, scale, m1);
      GemvGroup group{h * kChunkBytes, scale, offset, {}};
      // Value l: nibble h of byte l % 4 of word l / 4.
      for (int64_t l = 0; l < unitBytes(); ++l) {
        Value q = arith::AndIOp::create(
            b, loc,
            arith::ShRUIOp::create(b, loc, words[l / 4],
                                   d.i32(8 * (l % 4) + 4 * h)),
            d.i32(15));
        Value bits = arith::OrIOp::create(
            b, loc, arith::ShLIOp::create(b, loc, q, d.i32(19)),
            d.i32(0x3F800000));
        group.codes.push_back(
            arith::BitcastOp::create(b, loc, b.getF32Type(), bits));
      }
      groups.push_back(std::move(group));
    }
    return groups;
  }

  bool hasIntegerCodes() const override { return true; }

  /// The nibbles as bytes: (w >> 4 h) & 0x0F0F0F0F, scale d1, offset m1.
  SmallVector<GemvIntGroup> decodeIntegers(OpBuilder &b, Location loc,
                                           Value block, Value unit,
                                           ArrayRef<Value> loaded) override {
    DecodeBuilder d(b, loc, storage);
    ArrayRef<Value> words = loaded.drop_back(kHeaderWords);
    SmallVector<GemvIntGroup> groups;
    for (int64_t h = 0; h < 2; ++h) {
      auto [d1, m1] = unitScales(d, unit, loaded, h);
      GemvIntGroup group{h * kChunkBytes, d1, m1, {}};
      for (Value word : words) {
        Value shifted =
            h == 0 ? word
                   : arith::ShRUIOp::create(b, loc, word, d.i32(4)).getResult();
        group.words.push_back(
            arith::AndIOp::create(b, loc, shifted, d.i32(0x0F0F0F0F)));
      }
      groups.push_back(std::move(group));
    }
    return groups;
  }

private:
  /// The header words load appends: d | dmin << 16, then scales[0 - 3],
  /// scales[4 - 7], scales[8 - 11].
  static constexpr int64_t kHeaderWords = 4;

  int64_t unitBytes() const { return valuesPerUnit / 2; }
  int64_t unitsPerChunk() const { return kChunkBytes / unitBytes(); }
  Value chunkOf(DecodeBuilder &d, Value unit) {
    return d.div(unit, unitsPerChunk());
  }

  /// d1 and m1 of the unit's low (h = 0) or high (h = 1) nibbles: sub-block
  /// 2 j + h of its chunk j, from the header words at the end of `loaded`.
  std::pair<Value, Value> unitScales(DecodeBuilder &d, Value unit,
                                     ArrayRef<Value> loaded, int64_t h) {
    return getQ4KSubBlockScales(d, loaded.take_back(kHeaderWords),
                                d.add(d.mul(chunkOf(d, unit), 2), h));
  }
};

} // namespace

std::pair<Value, Value>
mlir::quant4::getQ4KBlockScales(DecodeBuilder &d, ArrayRef<Value> header) {
  OpBuilder &b = d.builder();
  Location loc = d.location();
  auto half = [&](Value word) -> Value {
    Value bits = arith::TruncIOp::create(b, loc, b.getI16Type(), word);
    Value value = arith::BitcastOp::create(b, loc, b.getF16Type(), bits);
    return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
  };
  return {half(header[0]),
          half(arith::ShRUIOp::create(b, loc, header[0], d.i32(16)))};
}

std::array<Value, 4> mlir::quant4::packQ4KScales(DecodeBuilder &d,
                                                 ArrayRef<Value> header) {
  OpBuilder &b = d.builder();
  Location loc = d.location();
  auto andI = [&](Value v, int64_t mask) -> Value {
    return arith::AndIOp::create(b, loc, v, d.i32(mask));
  };
  auto shr = [&](Value v, int64_t bits) -> Value {
    return arith::ShRUIOp::create(b, loc, v, d.i32(bits));
  };
  auto orI = [&](Value l, Value r) -> Value {
    return arith::OrIOp::create(b, loc, l, r);
  };
  return {andI(header[1], 0x3F3F3F3F),
          orI(andI(header[3], 0x0F0F0F0F), andI(shr(header[1], 2), 0x30303030)),
          andI(header[2], 0x3F3F3F3F),
          orI(andI(shr(header[3], 4), 0x0F0F0F0F),
              andI(shr(header[2], 2), 0x30303030))};
}

namespace {

/// d * sc and dmin * m from a header and the (i32) sc and m.
std::pair<Value, Value> scaleQ4K(DecodeBuilder &d, ArrayRef<Value> header,
                                 Value sc, Value m) {
  OpBuilder &b = d.builder();
  Location loc = d.location();
  auto [scale, minScale] = getQ4KBlockScales(d, header);
  return {arith::MulFOp::create(b, loc, scale, d.toF32(sc)),
          arith::MulFOp::create(b, loc, minScale, d.toF32(m))};
}

/// Byte `shift` / 8 of `word`; `shift` an i32 value.
Value byteOf(DecodeBuilder &d, Value word, Value shift) {
  OpBuilder &b = d.builder();
  Location loc = d.location();
  return arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, word, shift), d.i32(0xFF));
}

} // namespace

std::pair<Value, Value>
mlir::quant4::getQ4KSubBlockScales(DecodeBuilder &d, ArrayRef<Value> header,
                                   Value j) {
  OpBuilder &b = d.builder();
  Location loc = d.location();
  std::array<Value, 4> packed = packQ4KScales(d, header);
  Value isLow =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, j, d.index(4));
  Value shift = arith::MulIOp::create(
      b, loc, arith::IndexCastUIOp::create(b, loc, b.getI32Type(), d.rem(j, 4)),
      d.i32(8));
  auto pick = [&](Value low, Value high) {
    return byteOf(d, arith::SelectOp::create(b, loc, isLow, low, high), shift);
  };
  return scaleQ4K(d, header, pick(packed[0], packed[1]),
                  pick(packed[2], packed[3]));
}

SmallVector<std::pair<Value, Value>>
mlir::quant4::getQ4KScales(DecodeBuilder &d, ArrayRef<Value> header) {
  std::array<Value, 4> packed = packQ4KScales(d, header);
  SmallVector<std::pair<Value, Value>> scales;
  for (int64_t j = 0; j < 8; ++j) {
    Value shift = d.i32(8 * (j % 4));
    scales.push_back(scaleQ4K(d, header, byteOf(d, packed[j / 4], shift),
                              byteOf(d, packed[2 + j / 4], shift)));
  }
  return scales;
}

Value GemvDecoder::getUnitBase(OpBuilder &b, Location loc, Value unit) {
  return b.createOrFold<arith::MulIOp>(
      loc, unit, arith::ConstantIndexOp::create(b, loc, valuesPerUnit),
      arith::IntegerOverflowFlags::nuw);
}

SmallVector<int64_t>
GemvDecoder::getUnitSizes(BlockFormatAttrInterface format) {
  if (isa<Q4KAttr>(format))
    return Q4KDecoder::getUnitSizes();
  return DefaultDecoder::getUnitSizes(format);
}

std::unique_ptr<GemvDecoder>
GemvDecoder::create(BlockFormatAttrInterface format, Value storage,
                    int64_t numBlocks, int64_t unitValues) {
  SmallVector<int64_t> sizes = getUnitSizes(format);
  if (unitValues == 0)
    unitValues = sizes.front();
  if (!llvm::is_contained(sizes, unitValues))
    return nullptr;
  if (isa<Q4KAttr>(format))
    return std::make_unique<Q4KDecoder>(format, storage, numBlocks, unitValues);
  return std::make_unique<DefaultDecoder>(format, storage, numBlocks,
                                          unitValues);
}
