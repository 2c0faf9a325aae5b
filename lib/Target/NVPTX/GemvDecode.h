//===- GemvDecode.h - Weight decoding for the GEMV kernel -------*- C++ -*-===//
//
// How quant4-gpu-gemv decodes the weight blocks of one format. A block is
// split into units (a lane decodes one or several, unrolled or in a loop);
// the unit size is a knob (getUnitSizes lists a format's); a unit's
// values come in groups that share a scale and an offset, so the kernel
// sums code x activation products per group and applies the affine part
// once per group:
//
//   sum_i y_i x_i = scale * sum_i c_i x_i - offset * sum_i x_i
//
// The default decoder uses the format's bit-exact buildDecode (c_i = y_i,
// no scale or offset); Q4_K's decodes c = 1 + q / 16 straight from the
// nibble bits (one shift and one and-or per value), scale = 16 d1 and
// offset = 16 d1 + m1, so y = d1 q - m1 up to the rounding of the offset.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_TARGET_NVPTX_GEMVDECODE_H
#define QUANT4_TARGET_NVPTX_GEMVDECODE_H

#include "Dialect/Quant4/IR/Quant4Attrs.h"
#include "mlir/IR/Builders.h"

#include <array>
#include <memory>

namespace mlir::quant4 {

class DecodeBuilder;

/// Consecutive values of a unit that share a scale and an offset: value
/// base + first + i of the block (base: the unit's getUnitBase) is
/// scale * codes[i] - offset (a null scale is 1, a null offset 0).
struct GemvGroup {
  int64_t first;
  Value scale, offset;
  SmallVector<Value> codes;
};

/// A group of a unit in integer form, for activations rounded to int8
/// (`activations q8_k`): value base + first + 4 t + i is scale * c - offset,
/// c the unsigned byte i of words[t].
struct GemvIntGroup {
  int64_t first;
  Value scale, offset;
  SmallVector<Value> words;
};

/// Decodes the blocks of one format for the GEMV kernel.
class GemvDecoder {
public:
  /// The decoder for `format`, on the 1-D i8 `storage` tensor of
  /// `numBlocks` blocks, with `unitValues` values per unit (0: the
  /// format's default). Fails (null) for a unit size the format's decoder
  /// does not support; getUnitSizes lists the supported ones.
  static std::unique_ptr<GemvDecoder> create(BlockFormatAttrInterface format,
                                             Value storage, int64_t numBlocks,
                                             int64_t unitValues = 0);
  /// The unit sizes (values per unit) `format`'s decoder supports, the
  /// default first.
  static SmallVector<int64_t> getUnitSizes(BlockFormatAttrInterface format);
  virtual ~GemvDecoder() = default;

  int64_t getValuesPerUnit() const { return valuesPerUnit; }
  int64_t getUnitsPerBlock() const { return blockSize / valuesPerUnit; }

  /// Whether decodeIntegers is implemented (Q4_K).
  virtual bool hasIntegerCodes() const { return false; }
  /// The groups of unit `unit` of `block` in integer form, from `loaded`.
  virtual SmallVector<GemvIntGroup> decodeIntegers(OpBuilder &b, Location loc,
                                                   Value block, Value unit,
                                                   ArrayRef<Value> loaded) {
    return {};
  }

  /// The index in the block of the first value of unit `unit` (groups'
  /// `first` count from it). By default units are consecutive runs.
  virtual Value getUnitBase(OpBuilder &b, Location loc, Value unit);

  /// The storage bytes unit `unit` of `block` needs, loaded ahead of its
  /// decode (so several blocks' loads are in flight before any math).
  virtual SmallVector<Value> load(OpBuilder &b, Location loc, Value block,
                                  Value unit) = 0;
  /// The groups of unit `unit` of `block`, from `loaded` (load's result).
  virtual SmallVector<GemvGroup> decode(OpBuilder &b, Location loc, Value block,
                                        Value unit, ArrayRef<Value> loaded) = 0;

protected:
  GemvDecoder(BlockFormatAttrInterface format, Value storage, int64_t numBlocks,
              int64_t valuesPerUnit)
      : format(format), storage(storage), numBlocks(numBlocks),
        blockSize(format.getBlockSize()), valuesPerUnit(valuesPerUnit) {}

  BlockFormatAttrInterface format;
  Value storage;
  int64_t numBlocks, blockSize, valuesPerUnit;
};

/// Q4_K's d1 = d * sc_j and m1 = dmin * m_j of sub-block `j` (an index
/// value; a constant folds the selects), ggml's get_scale_min_k4 on the 12
/// packed scale bytes: j < 4 reads scales[j] and scales[j + 4] (low 6
/// bits); j >= 4 the low / high nibble of scales[j + 4] plus the top two
/// bits of scales[j - 4] and scales[j]. `header` is the block's first 16
/// bytes as 4 little-endian i32 words: d | dmin << 16, then scales[0 - 3],
/// scales[4 - 7], scales[8 - 11].
std::pair<Value, Value> getQ4KSubBlockScales(DecodeBuilder &d,
                                             ArrayRef<Value> header, Value j);
/// A Q4_K block's d and dmin (f16 in header word 0) as f32.
std::pair<Value, Value> getQ4KBlockScales(DecodeBuilder &d,
                                          ArrayRef<Value> header);
/// A Q4_K header's 6-bit scales and mins as the bytes of four i32 words: sc
/// 0 - 3, sc 4 - 7, m 0 - 3, m 4 - 7 (ggml's get_scale_min_k4 on all 8
/// sub-blocks at once: bytes j < 4 are the low 6 bits of scales[j] and
/// scales[j + 4]; bytes 4 - 7 the low / high nibble of scales[j + 4] with
/// the top two bits of scales[j - 4] or scales[j] above them).
std::array<Value, 4> packQ4KScales(DecodeBuilder &d, ArrayRef<Value> header);
/// getQ4KSubBlockScales for all 8 sub-blocks, sharing the unpacking.
SmallVector<std::pair<Value, Value>> getQ4KScales(DecodeBuilder &d,
                                                  ArrayRef<Value> header);

} // namespace mlir::quant4

#endif // QUANT4_TARGET_NVPTX_GEMVDECODE_H
