//===- GemvDecode.cpp - Weight decoding for the GEMV kernel ---------------===//

#include "Target/NVPTX/GemvDecode.h"
#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Format/Q4K.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::quant4;

namespace {

/// Any format: a unit is one decode group, decoded value by value with the
/// format's bit-exact buildDecode (its byte loads are part of the decode).
class DefaultDecoder : public GemvDecoder {
public:
  DefaultDecoder(BlockFormatAttrInterface format, Value storage,
                 int64_t numBlocks)
      : GemvDecoder(format, storage, numBlocks, format.getDecodeGroupSize()) {}

  SmallVector<Value> load(OpBuilder &, Location, Value, Value) override {
    return {};
  }

  SmallVector<GemvGroup> decode(OpBuilder &b, Location loc, Value block,
                                Value unit, ArrayRef<Value>) override {
    auto nuw = arith::IntegerOverflowFlags::nuw;
    Value first = b.createOrFold<arith::MulIOp>(
        loc, unit, arith::ConstantIndexOp::create(b, loc, valuesPerUnit), nuw);
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

/// Q4_K: a unit is 32 qs bytes, i.e. sub-blocks 2u (low nibbles) and
/// 2u + 1 (high nibbles), with d1 and m1 per sub-block (the same float
/// ops as Q4KAttr's decoder; BlockFormatAttrInterface has no per-group
/// affine form yet, which would replace subBlockScales). Code c = 1 + q / 16 is
/// the float with exponent 0 and q in the top mantissa bits, bits(q << 19 |
/// 0x3F800000); then d1 q - m1 = 16 d1 c - (16 d1 + m1): scale 16 d1 (exact),
/// offset 16 d1 + m1 (one rounding per sub-block).
class Q4KDecoder : public GemvDecoder {
public:
  static constexpr int64_t kSubBlock = 32;

  Q4KDecoder(BlockFormatAttrInterface format, Value storage, int64_t numBlocks)
      : GemvDecoder(format, storage, numBlocks, 2 * kSubBlock) {}

  /// The unit's 32 qs bytes as 8 little-endian i32 words (two 16-byte
  /// loads: qs is 16-byte aligned in the 144-byte block).
  SmallVector<Value> load(OpBuilder &b, Location loc, Value block,
                          Value unit) override {
    DecodeBuilder d(b, loc, storage);
    Value qs = d.add(d.add(d.groupOffset(format.getBlockLayout(), 0,
                                         d.index(numBlocks), block),
                           ::quant4::format::Q4KBlock::kQs),
                     d.mul(unit, kSubBlock));
    auto words = VectorType::get({4}, b.getI32Type());
    SmallVector<Value> result;
    for (int64_t half = 0; half < 2; ++half) {
      Value chunk = vector::BitCastOp::create(
          b, loc, words, d.loadBytes(d.add(qs, 16 * half), 16));
      for (int64_t w = 0; w < 4; ++w)
        result.push_back(vector::ExtractOp::create(b, loc, chunk, w));
    }
    return result;
  }

  SmallVector<GemvGroup> decode(OpBuilder &b, Location loc, Value block,
                                Value unit, ArrayRef<Value> words) override {
    DecodeBuilder d(b, loc, storage);
    Value sixteen = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(16));
    SmallVector<GemvGroup> groups;
    for (int64_t h = 0; h < 2; ++h) {
      auto [d1, m1] = subBlockScales(d, block, d.add(d.mul(unit, 2), h));
      Value scale = arith::MulFOp::create(b, loc, d1, sixteen);
      Value offset = arith::AddFOp::create(b, loc, scale, m1);
      GemvGroup group{h * kSubBlock, scale, offset, {}};
      // Value l: nibble h of byte l % 4 of word l / 4.
      for (int64_t l = 0; l < kSubBlock; ++l) {
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

private:
  /// d1 = d * sc_j and m1 = dmin * m_j of sub-block `j` (get_scale_min_k4
  /// on the 12 packed scale bytes): j < 4 reads scales[j] and scales[j + 4]
  /// (low 6 bits); j >= 4 the low / high nibble of scales[j + 4] plus the
  /// top two bits of scales[j - 4] and scales[j].
  std::pair<Value, Value> subBlockScales(DecodeBuilder &d, Value block,
                                         Value j) {
    using ::quant4::format::Q4KBlock;
    OpBuilder &b = d.builder();
    Location loc = d.location();
    Value base =
        d.groupOffset(format.getBlockLayout(), 0, d.index(numBlocks), block);
    Value scales = d.add(d.add(base, Q4KBlock::kScales), d.rem(j, 4));
    Value s0 = d.loadByte(scales);
    Value s4 = d.loadByte(d.add(scales, 4));
    Value s8 = d.loadByte(d.add(scales, 8));
    auto andI = [&](Value v, int64_t mask) -> Value {
      return arith::AndIOp::create(b, loc, v, d.i32(mask));
    };
    auto shr = [&](Value v, int64_t bits) -> Value {
      return arith::ShRUIOp::create(b, loc, v, d.i32(bits));
    };
    auto orHigh = [&](Value low, Value top) -> Value {
      return arith::OrIOp::create(
          b, loc, low, arith::ShLIOp::create(b, loc, shr(top, 6), d.i32(4)));
    };
    Value isLow =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, j, d.index(4));
    Value sc = arith::SelectOp::create(b, loc, isLow, andI(s0, 63),
                                       orHigh(andI(s8, 15), s0));
    Value m = arith::SelectOp::create(b, loc, isLow, andI(s4, 63),
                                      orHigh(shr(s8, 4), s4));
    Value scale = d.loadF16(d.add(base, Q4KBlock::kD));
    Value minScale = d.loadF16(d.add(base, Q4KBlock::kDMin));
    return {arith::MulFOp::create(b, loc, scale, d.toF32(sc)),
            arith::MulFOp::create(b, loc, minScale, d.toF32(m))};
  }
};

} // namespace

std::unique_ptr<GemvDecoder>
GemvDecoder::create(BlockFormatAttrInterface format, Value storage,
                    int64_t numBlocks) {
  if (isa<Q4KAttr>(format))
    return std::make_unique<Q4KDecoder>(format, storage, numBlocks);
  return std::make_unique<DefaultDecoder>(format, storage, numBlocks);
}
