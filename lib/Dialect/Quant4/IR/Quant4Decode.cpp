//===- Quant4Decode.cpp - Per-format decoders as arith ops ----------------===//
//
// BlockFormatAttrInterface::buildDecode for each format: which storage bytes
// hold value `index` of block `block` and how lib/Format's scalar dequantizer
// turns them into a float. Tables come from lib/Format (NF4 codebook, the
// bitsandbytes dynamic map, E2M1 values); byte
// offsets from lib/Format's BlockLayout and block structs. Float arithmetic
// follows the scalar reference operation by operation (no contraction), so
// the values are bit-exact.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "Format/DynamicMap.h"
#include "Format/MXFP4.h"
#include "Format/NF4.h"
#include "Format/Q4K.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>

using namespace mlir;
using namespace mlir::quant4;

//===----------------------------------------------------------------------===//
// Q4_K
//===----------------------------------------------------------------------===//

/// Values per Q4_K sub-block (one 6-bit scale and min each).
static constexpr int64_t kQ4KSubBlock = 32;

int64_t Q4KAttr::getDecodeGroupSize() const { return kQ4KSubBlock; }

/// A whole sub-block: one 32-byte load and one nibble shift.
int64_t Q4KAttr::getDecodeVectorWidth() const { return kQ4KSubBlock; }

namespace {
/// Where value `index` of a Q4_K block lives and its sub-block's d1 and m1.
struct Q4KValueParts {
  Value qsIndex; // storage byte holding the nibble
  Value shift;   // i32: 0 (low nibble) or 4
  Value d1, m1;  // f32: d * sc_j, dmin * m_j
};
} // namespace

static Q4KValueParts
buildQ4KValueParts(DecodeBuilder &d,
                   const ::quant4::format::BlockLayout &layout, Value numBlocks,
                   Value block, Value index) {
  using ::quant4::format::Q4KBlock;
  OpBuilder &builder = d.builder();
  Location loc = d.location();
  Value base = d.groupOffset(layout, 0, numBlocks, block);
  Value scale = d.loadF16(d.add(base, Q4KBlock::kD));
  Value minScale = d.loadF16(d.add(base, Q4KBlock::kDMin));

  // Value e = 64c + 32h + l is nibble h of qs[32c + l], sub-block j = e / 32.
  Value c = d.div(index, 2 * kQ4KSubBlock);
  Value j = d.div(index, kQ4KSubBlock);
  Value h = d.rem(j, 2);
  Value l = d.rem(index, kQ4KSubBlock);
  Q4KValueParts parts;
  parts.qsIndex =
      d.add(d.add(base, Q4KBlock::kQs), d.add(d.mul(c, kQ4KSubBlock), l));
  parts.shift = arith::MulIOp::create(builder, loc, d.toI32(h), d.i32(4));

  // get_scale_min_k4 with jj = j % 4: sub-blocks j < 4 read scales[jj] and
  // scales[jj + 4]; j >= 4 read scales[jj + 8] plus the top two bits of
  // scales[jj] and scales[jj + 4].
  Value scales = d.add(base, Q4KBlock::kScales);
  Value jj = d.rem(j, 4);
  Value s0 = d.loadByte(d.add(scales, jj));
  Value s4 = d.loadByte(d.add(d.add(scales, jj), 4));
  Value s8 = d.loadByte(d.add(d.add(scales, jj), 8));
  auto andI = [&](Value v, int64_t mask) {
    return arith::AndIOp::create(builder, loc, v, d.i32(mask)).getResult();
  };
  auto shr = [&](Value v, int64_t bits) {
    return arith::ShRUIOp::create(builder, loc, v, d.i32(bits)).getResult();
  };
  auto orHigh = [&](Value low, Value top) {
    Value high = arith::ShLIOp::create(builder, loc, shr(top, 6), d.i32(4));
    return arith::OrIOp::create(builder, loc, low, high).getResult();
  };
  Value isLow = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult,
                                      j, d.index(4));
  Value sc = arith::SelectOp::create(builder, loc, isLow, andI(s0, 63),
                                     orHigh(andI(s8, 15), s0));
  Value m = arith::SelectOp::create(builder, loc, isLow, andI(s4, 63),
                                    orHigh(shr(s8, 4), s4));

  // ggml: d1 = d * sc; m1 = dmin * m (then y = d1 * q - m1).
  parts.d1 = arith::MulFOp::create(builder, loc, scale, d.toF32(sc));
  parts.m1 = arith::MulFOp::create(builder, loc, minScale, d.toF32(m));
  return parts;
}

Value Q4KAttr::buildDecode(OpBuilder &builder, Location loc, Value storage,
                           Value numBlocks, Value block, Value index) const {
  DecodeBuilder d(builder, loc, storage);
  Q4KValueParts p =
      buildQ4KValueParts(d, getBlockLayout(), numBlocks, block, index);
  Value q = d.nibble(d.loadByte(p.qsIndex), p.shift);
  Value dq = arith::MulFOp::create(builder, loc, p.d1, d.toF32(q));
  return arith::SubFOp::create(builder, loc, dq, p.m1);
}

/// The same float operations as buildDecode on `width` (<= 32) values of one
/// sub-block: their nibbles share one shift and sit in consecutive qs bytes.
Value Q4KAttr::buildVectorDecode(OpBuilder &builder, Location loc,
                                 Value storage, Value numBlocks, Value block,
                                 Value index, int64_t width) const {
  assert(kQ4KSubBlock % width == 0 && "values of one sub-block");
  DecodeBuilder d(builder, loc, storage);
  Q4KValueParts p =
      buildQ4KValueParts(d, getBlockLayout(), numBlocks, block, index);
  Value q = d.nibbles(d.loadBytes(p.qsIndex, width), p.shift);
  auto floats = VectorType::get({width}, builder.getF32Type());
  Value qf = arith::UIToFPOp::create(builder, loc, floats, q);
  Value dq = arith::MulFOp::create(builder, loc, d.splat(p.d1, qf), qf);
  return arith::SubFOp::create(builder, loc, dq, d.splat(p.m1, qf));
}

/// The 8 sub-blocks' d1 = d * sc_j and -m1 = -(dmin * m_j) as vector<8xf32>
/// from one read of the 12 packed scale bytes: get_scale_min_k4 on all j at
/// once, with constant lane shuffles for the bytes each j reads.
std::pair<Value, Value> Q4KAttr::buildBlockAffine(OpBuilder &builder,
                                                  Location loc, Value storage,
                                                  Value numBlocks,
                                                  Value block) const {
  using ::quant4::format::Q4KBlock;
  DecodeBuilder d(builder, loc, storage);
  Value base = d.groupOffset(getBlockLayout(), 0, numBlocks, block);
  Value scale = d.loadF16(d.add(base, Q4KBlock::kD));
  Value minScale = d.loadF16(d.add(base, Q4KBlock::kDMin));
  constexpr int64_t kSubBlocks = 8;
  auto i32x12 = VectorType::get({12}, builder.getI32Type());
  Value bytes = arith::ExtUIOp::create(
      builder, loc, i32x12, d.loadBytes(d.add(base, Q4KBlock::kScales), 12));
  auto lanes = [&](ArrayRef<int64_t> indices) -> Value {
    return vector::ShuffleOp::create(builder, loc, bytes, bytes, indices);
  };
  // Per-lane constants: the first value for j < 4, the second for j >= 4.
  auto split = [&](int32_t low, int32_t high) -> Value {
    SmallVector<int32_t> values(kSubBlocks, low);
    std::fill(values.begin() + 4, values.end(), high);
    auto type = VectorType::get({kSubBlocks}, builder.getI32Type());
    return arith::ConstantOp::create(builder, loc,
                                     DenseIntElementsAttr::get(type, values));
  };
  auto andI = [&](Value v, Value mask) -> Value {
    return arith::AndIOp::create(builder, loc, v, mask);
  };
  auto shr = [&](Value v, Value bits) -> Value {
    return arith::ShRUIOp::create(builder, loc, v, bits);
  };
  // j < 4: sc = s[j] & 63, m = s[j + 4] & 63. j >= 4: sc = (s[j + 4] & 15)
  // | (s[j - 4] >> 6) << 4, m = (s[j + 4] >> 4) | (s[j] >> 6) << 4.
  auto high = [&](Value top) -> Value {
    Value bits =
        arith::ShLIOp::create(builder, loc, shr(top, split(6, 6)), split(4, 4));
    return andI(bits, split(0, 48));
  };
  Value sc = arith::OrIOp::create(
      builder, loc, andI(lanes({0, 1, 2, 3, 8, 9, 10, 11}), split(63, 15)),
      high(lanes({0, 1, 2, 3, 0, 1, 2, 3})));
  Value m = arith::OrIOp::create(
      builder, loc,
      andI(shr(lanes({4, 5, 6, 7, 8, 9, 10, 11}), split(0, 4)), split(63, 15)),
      high(lanes({4, 5, 6, 7, 4, 5, 6, 7})));
  // ggml: d1 = d * sc; m1 = dmin * m; y = d1 * q - m1 = d1 * q + (-m1).
  auto floats = VectorType::get({kSubBlocks}, builder.getF32Type());
  auto scaled = [&](Value factor, Value ints) -> Value {
    Value f = arith::UIToFPOp::create(builder, loc, floats, ints);
    return arith::MulFOp::create(builder, loc, d.splat(factor, f), f);
  };
  return {scaled(scale, sc),
          arith::NegFOp::create(builder, loc, scaled(minScale, m))};
}

/// The 4-bit integers q of `width` (<= 32) values of one sub-block, as
/// floats: value e = 64c + 32h + l is nibble h of qs[32c + l].
Value Q4KAttr::buildVectorCodes(OpBuilder &builder, Location loc, Value storage,
                                Value numBlocks, Value block, Value index,
                                int64_t width) const {
  using ::quant4::format::Q4KBlock;
  assert(kQ4KSubBlock % width == 0 && "values of one sub-block");
  DecodeBuilder d(builder, loc, storage);
  Value base = d.groupOffset(getBlockLayout(), 0, numBlocks, block);
  Value c = d.div(index, 2 * kQ4KSubBlock);
  Value h = d.rem(d.div(index, kQ4KSubBlock), 2);
  Value qsIndex =
      d.add(d.add(base, Q4KBlock::kQs),
            d.add(d.mul(c, kQ4KSubBlock), d.rem(index, kQ4KSubBlock)));
  Value shift = arith::MulIOp::create(builder, loc, d.toI32(h), d.i32(4));
  Value q = d.nibbles(d.loadBytes(qsIndex, width), shift);
  return arith::UIToFPOp::create(
      builder, loc, VectorType::get({width}, builder.getF32Type()), q);
}

/// buildBlockAffine of a format whose block is one decode group with a scale
/// and no offset (NF4, MXFP4): the scale as vector<1xf32>, no offset.
static std::pair<Value, Value> scaleOnlyAffine(DecodeBuilder &d, Value scale) {
  auto type = VectorType::get({1}, d.builder().getF32Type());
  return {vector::BroadcastOp::create(d.builder(), d.location(), type, scale),
          Value()};
}

/// buildVectorDecode of such a format: the decoded codes times the scale.
static Value scaleCodes(DecodeBuilder &d, Value codes, Value scale) {
  return arith::MulFOp::create(d.builder(), d.location(), codes,
                               d.splat(scale, codes));
}

//===----------------------------------------------------------------------===//
// NF4
//===----------------------------------------------------------------------===//

/// The float values bitsandbytes' 8-bit dequantizer gives each index (its
/// search map, with entry 0 forced to -1), read back from lib/Format.
static ArrayRef<float> nestedAbsmaxMap() {
  static const std::array<float, 256> map = [] {
    std::array<uint8_t, 256> q;
    for (int i = 0; i < 256; ++i)
      q[i] = uint8_t(i);
    float one = 1.0f;
    std::array<float, 256> values;
    ::quant4::format::dequantizeBlockwise8(q.data(), &one, 256, 256,
                                           values.data());
    return values;
  }();
  return map;
}

/// The block's absmax: a float32, or with double quant
/// map[q] * absmax2[block / 256] + offset.
static Value buildNF4Absmax(DecodeBuilder &d,
                            const ::quant4::format::BlockLayout &layout,
                            bool doubleQuant, Value numBlocks, Value block) {
  if (!doubleQuant)
    return d.loadF32(d.groupOffset(layout, 1, numBlocks, block));
  OpBuilder &builder = d.builder();
  Location loc = d.location();
  Value q = d.loadByte(d.groupOffset(layout, 1, numBlocks, block));
  Value absmax2 = d.loadF32(d.groupOffset(layout, 2, numBlocks, block));
  Value offset = d.loadF32(d.groupOffset(layout, 3, numBlocks, block));
  Value scaled = arith::MulFOp::create(builder, loc,
                                       d.lookup(nestedAbsmaxMap(), q), absmax2);
  return arith::AddFOp::create(builder, loc, scaled, offset);
}

Value NF4Attr::buildDecode(OpBuilder &builder, Location loc, Value storage,
                           Value numBlocks, Value block, Value index) const {
  ::quant4::format::BlockLayout layout = getBlockLayout();
  DecodeBuilder d(builder, loc, storage);
  // Two codes per byte, the first element in the HIGH nibble.
  Value codeByte = d.loadByte(
      d.add(d.groupOffset(layout, 0, numBlocks, block), d.div(index, 2)));
  Value odd = d.toI32(d.rem(index, 2));
  Value shift = arith::MulIOp::create(
      builder, loc, arith::SubIOp::create(builder, loc, d.i32(1), odd),
      d.i32(4));
  Value code =
      d.lookup(::quant4::format::nf4Codebook(), d.nibble(codeByte, shift));
  Value absmax = buildNF4Absmax(d, layout, getDoubleQuant(), numBlocks, block);
  return arith::MulFOp::create(builder, loc, code, absmax);
}

/// 16 values from 8 bytes (blocks hold at least 32).
int64_t NF4Attr::getDecodeVectorWidth() const { return 16; }

/// The codebook values of `width` consecutive values: high and low nibbles
/// interleaved, the codebook looked up with selects.
Value NF4Attr::buildVectorCodes(OpBuilder &builder, Location loc, Value storage,
                                Value numBlocks, Value block, Value index,
                                int64_t width) const {
  assert(width % 2 == 0 && "whole bytes");
  DecodeBuilder d(builder, loc, storage);
  Value bytes =
      d.loadBytes(d.add(d.groupOffset(getBlockLayout(), 0, numBlocks, block),
                        d.div(index, 2)),
                  width / 2);
  SmallVector<int64_t> interleave;
  for (int64_t i = 0; i < width / 2; ++i)
    interleave.append({i, width / 2 + i});
  Value codes =
      vector::ShuffleOp::create(builder, loc, d.nibbles(bytes, d.i32(4)),
                                d.nibbles(bytes, d.i32(0)), interleave);
  return d.lookup16(::quant4::format::nf4Codebook(), codes);
}

/// One group (the block) scaled by its absmax, no offset.
std::pair<Value, Value> NF4Attr::buildBlockAffine(OpBuilder &builder,
                                                  Location loc, Value storage,
                                                  Value numBlocks,
                                                  Value block) const {
  DecodeBuilder d(builder, loc, storage);
  return scaleOnlyAffine(d, buildNF4Absmax(d, getBlockLayout(),
                                           getDoubleQuant(), numBlocks, block));
}

/// The same float operation as buildDecode (codebook value * absmax) on
/// `width` consecutive values.
Value NF4Attr::buildVectorDecode(OpBuilder &builder, Location loc,
                                 Value storage, Value numBlocks, Value block,
                                 Value index, int64_t width) const {
  DecodeBuilder d(builder, loc, storage);
  return scaleCodes(
      d,
      buildVectorCodes(builder, loc, storage, numBlocks, block, index, width),
      buildNF4Absmax(d, getBlockLayout(), getDoubleQuant(), numBlocks, block));
}

//===----------------------------------------------------------------------===//
// MXFP4
//===----------------------------------------------------------------------===//

/// Offset of qs[16] in ggml's block_mxfp4 { u8 e; u8 qs[16]; }.
static constexpr int64_t kGgmlMXFP4Qs = 1;

Value MXFP4Attr::buildDecode(OpBuilder &builder, Location loc, Value storage,
                             Value numBlocks, Value block, Value index) const {
  ::quant4::format::BlockLayout layout = getBlockLayout();
  DecodeBuilder d(builder, loc, storage);
  Value base = d.groupOffset(layout, 0, numBlocks, block);
  Value byte, shift, scale;
  if (getLayout() == MXFP4Layout::ggml) {
    // Element j: low nibble of qs[j]; element j + 16: high nibble.
    scale = d.loadByte(base);
    byte = d.loadByte(d.add(d.add(base, kGgmlMXFP4Qs), d.rem(index, 16)));
    shift = arith::MulIOp::create(builder, loc, d.toI32(d.div(index, 16)),
                                  d.i32(4));
  } else {
    // Element 2i: low nibble of byte i; element 2i + 1: high nibble.
    scale = d.loadByte(d.groupOffset(layout, 1, numBlocks, block));
    byte = d.loadByte(d.add(base, d.div(index, 2)));
    shift =
        arith::MulIOp::create(builder, loc, d.toI32(d.rem(index, 2)), d.i32(4));
  }
  Value value = d.lookup(::quant4::format::e2m1Values(), d.nibble(byte, shift));
  return arith::MulFOp::create(builder, loc, value, d.e8m0ToF32(scale));
}

/// 16 values: one half of a ggml block (16 bytes, one nibble each) or 8 hf
/// bytes (low and high nibbles interleaved).
int64_t MXFP4Attr::getDecodeVectorWidth() const { return 16; }

/// The block's E8M0 scale byte (i32).
static Value loadMXFP4Scale(DecodeBuilder &d, MXFP4Attr format, Value numBlocks,
                            Value block) {
  ::quant4::format::BlockLayout layout = format.getBlockLayout();
  if (format.getLayout() == MXFP4Layout::ggml)
    return d.loadByte(d.groupOffset(layout, 0, numBlocks, block));
  return d.loadByte(d.groupOffset(layout, 1, numBlocks, block));
}

/// The E2M1 values of `width` consecutive values, from the code bits instead
/// of the table (the same floats).
Value MXFP4Attr::buildVectorCodes(OpBuilder &builder, Location loc,
                                  Value storage, Value numBlocks, Value block,
                                  Value index, int64_t width) const {
  ::quant4::format::BlockLayout layout = getBlockLayout();
  DecodeBuilder d(builder, loc, storage);
  Value base = d.groupOffset(layout, 0, numBlocks, block);
  Value codes;
  if (getLayout() == MXFP4Layout::ggml) {
    assert(16 % width == 0 && "values of one half block");
    Value bytes =
        d.loadBytes(d.add(d.add(base, kGgmlMXFP4Qs), d.rem(index, 16)), width);
    Value shift = arith::MulIOp::create(builder, loc, d.toI32(d.div(index, 16)),
                                        d.i32(4));
    codes = d.nibbles(bytes, shift);
  } else {
    assert(width % 2 == 0 && "whole bytes");
    Value bytes = d.loadBytes(d.add(base, d.div(index, 2)), width / 2);
    Value low = d.nibbles(bytes, d.i32(0));
    Value high = d.nibbles(bytes, d.i32(4));
    SmallVector<int64_t> interleave;
    for (int64_t i = 0; i < width / 2; ++i)
      interleave.append({i, width / 2 + i});
    codes = vector::ShuffleOp::create(builder, loc, low, high, interleave);
  }
  return d.e2m1ToF32(codes);
}

/// One group (the block) scaled by 2^(e - 127), no offset.
std::pair<Value, Value> MXFP4Attr::buildBlockAffine(OpBuilder &builder,
                                                    Location loc, Value storage,
                                                    Value numBlocks,
                                                    Value block) const {
  DecodeBuilder d(builder, loc, storage);
  return scaleOnlyAffine(
      d, d.e8m0ToF32(loadMXFP4Scale(d, *this, numBlocks, block)));
}

/// The same float operation as buildDecode (E2M1 value * E8M0 scale) on
/// `width` consecutive values.
Value MXFP4Attr::buildVectorDecode(OpBuilder &builder, Location loc,
                                   Value storage, Value numBlocks, Value block,
                                   Value index, int64_t width) const {
  DecodeBuilder d(builder, loc, storage);
  return scaleCodes(
      d,
      buildVectorCodes(builder, loc, storage, numBlocks, block, index, width),
      d.e8m0ToF32(loadMXFP4Scale(d, *this, numBlocks, block)));
}
