//===- DecodeBuilder.cpp - Arith building blocks for format decoders ------===//

#include "Dialect/Quant4/IR/DecodeBuilder.h"
#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::quant4;

Value DecodeBuilder::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value DecodeBuilder::mul(Value lhs, int64_t rhs) {
  return b.createOrFold<arith::MulIOp>(loc, lhs, index(rhs));
}

Value DecodeBuilder::add(Value lhs, Value rhs) {
  return b.createOrFold<arith::AddIOp>(loc, lhs, rhs);
}

Value DecodeBuilder::div(Value lhs, int64_t rhs) {
  return b.createOrFold<arith::DivUIOp>(loc, lhs, index(rhs));
}

Value DecodeBuilder::rem(Value lhs, int64_t rhs) {
  return b.createOrFold<arith::RemUIOp>(loc, lhs, index(rhs));
}

Value DecodeBuilder::planeOffset(const ::quant4::format::BlockLayout &layout,
                                 size_t plane, Value numBlocks) {
  if (std::optional<int64_t> n = getConstantIntValue(numBlocks)) {
    std::optional<int64_t> offset = layout.planeOffset(plane, *n);
    assert(offset && "plane offset of a verified type overflows");
    return index(*offset);
  }
  Value offset = index(0);
  for (size_t p = 0; p < plane; ++p) {
    const ::quant4::format::Plane &pl = layout.planes[p];
    Value groups = index(1);
    if (pl.blocksPerGroup > 0)
      groups = b.createOrFold<arith::CeilDivUIOp>(loc, numBlocks,
                                                  index(pl.blocksPerGroup));
    offset = add(offset, mul(groups, pl.bytesPerGroup));
  }
  return offset;
}

Value DecodeBuilder::groupOffset(const ::quant4::format::BlockLayout &layout,
                                 size_t plane, Value numBlocks, Value block) {
  const ::quant4::format::Plane &pl = layout.planes[plane];
  Value offset = planeOffset(layout, plane, numBlocks);
  if (pl.blocksPerGroup == 0)
    return offset;
  return add(offset, mul(div(block, pl.blocksPerGroup), pl.bytesPerGroup));
}

Value DecodeBuilder::loadByte(Value byteIndex) {
  Value byte = tensor::ExtractOp::create(b, loc, storage, byteIndex);
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
}

Value DecodeBuilder::loadLittleEndian(Value byteIndex, unsigned numBytes) {
  assert(numBytes >= 1 && numBytes <= 4 && "at most an i32");
  Value result = loadByte(byteIndex);
  for (unsigned i = 1; i < numBytes; ++i) {
    Value byte = loadByte(add(byteIndex, index(i)));
    Value shifted = arith::ShLIOp::create(b, loc, byte, i32(8 * i));
    result = arith::OrIOp::create(b, loc, result, shifted);
  }
  return result;
}

Value DecodeBuilder::loadF16(Value byteIndex) {
  Value bits = arith::TruncIOp::create(b, loc, b.getI16Type(),
                                       loadLittleEndian(byteIndex, 2));
  Value half = arith::BitcastOp::create(b, loc, b.getF16Type(), bits);
  return arith::ExtFOp::create(b, loc, b.getF32Type(), half);
}

Value DecodeBuilder::loadF32(Value byteIndex) {
  return arith::BitcastOp::create(b, loc, b.getF32Type(),
                                  loadLittleEndian(byteIndex, 4));
}

Value DecodeBuilder::nibble(Value byte, Value shift) {
  Value shifted = arith::ShRUIOp::create(b, loc, byte, shift);
  return arith::AndIOp::create(b, loc, shifted, i32(15));
}

Value DecodeBuilder::loadBytes(Value byteIndex, int64_t width) {
  auto type = VectorType::get({width}, b.getI8Type());
  Value padding = arith::ConstantIntOp::create(b, loc, b.getI8Type(), 0);
  return vector::TransferReadOp::create(b, loc, type, storage,
                                        ValueRange{byteIndex}, padding,
                                        ArrayRef<bool>{true});
}

SmallVector<Value> DecodeBuilder::loadWords(Value byteIndex, int64_t width) {
  Value words = vector::BitCastOp::create(
      b, loc, VectorType::get({width / 4}, b.getI32Type()),
      loadBytes(byteIndex, width));
  SmallVector<Value> result;
  for (int64_t w = 0; w < width / 4; ++w)
    result.push_back(vector::ExtractOp::create(b, loc, words, w));
  return result;
}

Value DecodeBuilder::nibbles(Value bytes, Value shift) {
  Value shift8 = arith::TruncIOp::create(b, loc, b.getI8Type(), shift);
  Value shifted = arith::ShRUIOp::create(b, loc, bytes, splat(shift8, bytes));
  Value mask = arith::ConstantIntOp::create(b, loc, b.getI8Type(), 15);
  return arith::AndIOp::create(b, loc, shifted, splat(mask, bytes));
}

Value DecodeBuilder::splat(Value scalar, Value like) {
  auto type = cast<VectorType>(like.getType()).clone(scalar.getType());
  return vector::BroadcastOp::create(b, loc, type, scalar);
}

Value DecodeBuilder::e2m1ToF32(Value codes) {
  auto type = cast<VectorType>(codes.getType()).clone(b.getI32Type());
  auto c = [&](int64_t v) { return splat(i32(v), codes); };
  Value code = arith::ExtUIOp::create(b, loc, type, codes);
  // Code s e1 e0 m: e = 0 gives m * 0.5; otherwise 2^(e-1) * (1 + m/2),
  // i.e. exponent field e + 126 and mantissa top bit m. Sign in bit 31.
  Value e = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, code, c(1)), c(3));
  Value m = arith::AndIOp::create(b, loc, code, c(1));
  Value normal = arith::OrIOp::create(
      b, loc,
      arith::ShLIOp::create(b, loc, arith::AddIOp::create(b, loc, e, c(126)),
                            c(23)),
      arith::ShLIOp::create(b, loc, m, c(22)));
  Value half = arith::MulIOp::create(b, loc, m, c(0x3F000000));
  Value isSmall =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e, c(0));
  Value magnitude = arith::SelectOp::create(b, loc, isSmall, half, normal);
  Value sign = arith::ShLIOp::create(
      b, loc, arith::AndIOp::create(b, loc, code, c(8)), c(28));
  Value bits = arith::OrIOp::create(b, loc, magnitude, sign);
  return arith::BitcastOp::create(b, loc, type.clone(b.getF32Type()), bits);
}

Value DecodeBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
}

Value DecodeBuilder::toI32(Value indexValue) {
  return b.createOrFold<arith::IndexCastUIOp>(loc, b.getI32Type(), indexValue);
}

Value DecodeBuilder::toF32(Value i32Value) {
  return arith::UIToFPOp::create(b, loc, b.getF32Type(), i32Value);
}

Value DecodeBuilder::lookup(ArrayRef<float> table, Value i32Index) {
  auto type = RankedTensorType::get({int64_t(table.size())}, b.getF32Type());
  Value constant =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, table));
  Value idx = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), i32Index);
  return tensor::ExtractOp::create(b, loc, constant, idx);
}

Value DecodeBuilder::lookup16(ArrayRef<float> table, Value codes) {
  assert(table.size() == 16 && "a 4-bit code table");
  auto floats = cast<VectorType>(codes.getType()).clone(b.getF32Type());
  SmallVector<Value> level;
  for (float v : table)
    level.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(floats, b.getF32FloatAttr(v))));
  auto byte = [&](int64_t v) {
    return splat(arith::ConstantIntOp::create(b, loc, b.getI8Type(), v), codes);
  };
  // Bit `bit` of the code picks between neighbouring entries of a level.
  for (int64_t bit = 0; level.size() > 1; ++bit) {
    Value isSet = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(b, loc, codes, byte(1 << bit)), byte(0));
    SmallVector<Value> next;
    for (size_t i = 0; i < level.size(); i += 2)
      next.push_back(
          arith::SelectOp::create(b, loc, isSet, level[i + 1], level[i]));
    level = std::move(next);
  }
  return level.front();
}

Value DecodeBuilder::e8m0ToF32(Value byte) {
  // e << 23 is 2^(e-127) for 1 <= e <= 254; e = 0 is the subnormal 2^-127
  // (only the top mantissa bit set); e = 0xFF is NaN.
  Value normal = arith::ShLIOp::create(b, loc, byte, i32(23));
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, byte, i32(0));
  Value isNaN =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, byte, i32(0xFF));
  Value bits = arith::SelectOp::create(b, loc, isZero, i32(0x00400000), normal);
  bits = arith::SelectOp::create(b, loc, isNaN, i32(0x7FC00000), bits);
  return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
}

Value mlir::quant4::buildDecodeLaneByLane(Attribute format, OpBuilder &builder,
                                          Location loc, Value storage,
                                          Value numBlocks, Value block,
                                          Value index, int64_t width) {
  auto iface = cast<BlockFormatAttrInterface>(format);
  SmallVector<Value> lanes;
  for (int64_t i = 0; i < width; ++i) {
    Value at = builder.createOrFold<arith::AddIOp>(
        loc, index, arith::ConstantIndexOp::create(builder, loc, i));
    lanes.push_back(
        iface.buildDecode(builder, loc, storage, numBlocks, block, at));
  }
  auto type = VectorType::get({width}, lanes.front().getType());
  return vector::FromElementsOp::create(builder, loc, type, lanes);
}
