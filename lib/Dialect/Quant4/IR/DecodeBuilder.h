//===- DecodeBuilder.h - Arith building blocks for format decoders -*- C++ -*-//
//
// The pieces every format's `buildDecode` is made of: byte loads from the 1-D
// storage tensor, little-endian scalars, nibbles, E8M0 scales, constant tables
// and plane offsets computed from lib/Format's BlockLayout. Each format's
// decoder (Quant4Attrs.cpp) only says which bytes to combine and how.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_DIALECT_QUANT4_IR_DECODEBUILDER_H
#define QUANT4_DIALECT_QUANT4_IR_DECODEBUILDER_H

#include "Format/Layout.h"
#include "mlir/IR/Builders.h"

namespace mlir::quant4 {

/// Emits decode arithmetic on a 1-D i8 storage tensor. Index arithmetic is
/// built with createOrFold so constant block/plane offsets fold away.
class DecodeBuilder {
public:
  DecodeBuilder(OpBuilder &builder, Location loc, Value storage)
      : b(builder), loc(loc), storage(storage) {}

  /// An index constant.
  Value index(int64_t value);
  /// lhs * rhs, lhs + rhs, lhs / rhs, lhs % rhs on index values (unsigned).
  Value mul(Value lhs, int64_t rhs);
  Value add(Value lhs, Value rhs);
  Value add(Value lhs, int64_t rhs) { return add(lhs, index(rhs)); }
  Value div(Value lhs, int64_t rhs);
  Value rem(Value lhs, int64_t rhs);

  /// Byte offset of plane `plane` of `layout` in a tensor of `numBlocks`
  /// blocks, following BlockLayout::planeOffset.
  Value planeOffset(const ::quant4::format::BlockLayout &layout, size_t plane,
                    Value numBlocks);
  /// Byte offset of the group holding `block` inside plane `plane`.
  Value groupOffset(const ::quant4::format::BlockLayout &layout, size_t plane,
                    Value numBlocks, Value block);

  /// storage[byteIndex] zero-extended to i32.
  Value loadByte(Value byteIndex);
  /// `numBytes` little-endian bytes from `byteIndex`, as an i32.
  Value loadLittleEndian(Value byteIndex, unsigned numBytes);
  /// IEEE binary16 at `byteIndex`, converted (exactly) to f32.
  Value loadF16(Value byteIndex);
  /// IEEE binary32 at `byteIndex`.
  Value loadF32(Value byteIndex);

  /// storage[byteIndex .. byteIndex + width) as a vector<width x i8>
  /// (vector.transfer_read, in bounds).
  Value loadBytes(Value byteIndex, int64_t width);
  /// The same bytes (`width` a multiple of 4) as little-endian i32 words,
  /// one vector load.
  SmallVector<Value> loadWords(Value byteIndex, int64_t width);

  /// (byte >> shift) & 15; `shift` is an i32 value.
  Value nibble(Value byte, Value shift);
  /// (bytes >> shift) & 15 on a vector<N x i8>; `shift` is an i32 value.
  Value nibbles(Value bytes, Value shift);
  /// `scalar` broadcast to the shape of `like` (a vector).
  Value splat(Value scalar, Value like);
  /// 4-bit E2M1 codes (a vector of i8) -> their float32 values, built from
  /// the bits (equal to lib/Format's e2m1Values table, -0 included).
  Value e2m1ToF32(Value codes);
  /// An i32 constant.
  Value i32(int64_t value);
  /// Converts an index value to i32.
  Value toI32(Value indexValue);
  /// An unsigned i32 converted (exactly) to f32.
  Value toF32(Value i32Value);
  /// table[i32Index] from a constant f32 table.
  Value lookup(ArrayRef<float> table, Value i32Index);
  /// table[codes] for a vector of 4-bit codes (i8) and a 16-entry table: a
  /// tree of selects on the code bits (no memory access).
  Value lookup16(ArrayRef<float> table, Value codes);
  /// OCP E8M0 scale byte (i32) -> 2^(e-127) as f32; 0 gives the subnormal
  /// 2^-127, 0xFF gives NaN (lib/Format's e8m0ToFloat).
  Value e8m0ToF32(Value byte);

  OpBuilder &builder() { return b; }
  Location location() { return loc; }

private:
  OpBuilder &b;
  Location loc;
  Value storage;
};

} // namespace mlir::quant4

#endif // QUANT4_DIALECT_QUANT4_IR_DECODEBUILDER_H
