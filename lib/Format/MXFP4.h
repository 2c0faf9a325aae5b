//===- MXFP4.h - OCP MXFP4 blocks -------------------------------*- C++ -*-===//
//
// Blocks of 32 E2M1 elements sharing one E8M0 scale. Three scale/rounding
// rules and the two element orders of Layout.h (ggml's 17-byte blocks and the
// gpt-oss / Hugging Face blocks + scales planes).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_MXFP4_H
#define QUANT4_FORMAT_MXFP4_H

#include "Format/Layout.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace quant4::format {

/// How a block's scale and element codes are chosen.
enum class MXFP4Rule {
  /// ggml's quantize_row_mxfp4_ref: e = floorf(log2f(amax)) - 2 + 127 (with
  /// log2f's rounding just below powers of two), first code of least error
  /// (ties toward zero, never -0).
  GGML,
  /// OCP MX v1.0 sec. 6.3: exact floor(log2(amax)) - 2, clamped to the E8M0
  /// range; elements rounded to nearest even and saturated; -0 kept.
  OCP,
  /// OCP's scale s0 or 2*s0, whichever gives the strictly smaller squared
  /// error (s0 on ties); elements as in OCP. s0 is exactly OCP's scale,
  /// including its clamp of the E8M0 byte to [0, 254] (FORMATS.md clamps to
  /// [1, 254]; the two differ only for amax < 2^-125), so Optimal never has a
  /// larger error than OCP on any block.
  Optimal,
};

std::optional<MXFP4Rule> parseMXFP4Rule(std::string_view name);
std::optional<MXFP4Layout> parseMXFP4Layout(std::string_view name);

/// E2M1 code -> value (codes 8..15 negative; 8 is -0).
const std::array<float, 16> &e2m1Values();

/// Quantizes `n` values (a multiple of 32). With the ggml layout `blocks`
/// receives 17 bytes per block and `scales` is unused (may be null); with the
/// hf layout `blocks` receives 16 bytes and `scales` one byte per block.
void quantizeMXFP4(const float *x, int64_t n, MXFP4Rule rule,
                   MXFP4Layout layout, uint8_t *blocks, uint8_t *scales);
/// y = E2M1(code) * 2^(e-127) (E8M0 0xFF gives NaN); same buffers as above.
void dequantizeMXFP4(const uint8_t *blocks, const uint8_t *scales, int64_t n,
                     MXFP4Layout layout, float *y);

/// The same `n` values' storage from layout `from` (blocks, scales) into
/// layout `to` (outBlocks, outScales; scales as above): the element codes
/// and scale bytes unchanged, only their places (no rounding, -0 kept).
void repackMXFP4(const uint8_t *blocks, const uint8_t *scales, int64_t n,
                 MXFP4Layout from, uint8_t *outBlocks, uint8_t *outScales,
                 MXFP4Layout to);

/// The E8M0 byte and the 32 codes (in element order) of one block.
struct MXFP4Block {
  uint8_t scale = 0;
  std::array<uint8_t, kMXFP4Block> codes{};
};
/// Quantizes one block of 32 values with `rule`.
MXFP4Block quantizeMXFP4Block(const float *x, MXFP4Rule rule);
/// Sum of squared errors of the block against `x`, in double.
double mxfp4BlockSSE(const float *x, const MXFP4Block &block);

} // namespace quant4::format

#endif // QUANT4_FORMAT_MXFP4_H
