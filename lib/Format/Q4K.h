//===- Q4K.h - ggml Q4_K super-blocks ---------------------------*- C++ -*-===//
//
// block_q4_K { fp16 d; fp16 dmin; u8 scales[12]; u8 qs[128]; } (144 bytes per
// 256 values), bit-exact with ggml's quantize_row_q4_K_ref and
// dequantize_row_q4_K.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_Q4K_H
#define QUANT4_FORMAT_Q4K_H

#include <cstdint>

namespace quant4::format {

/// Byte offsets inside one block_q4_K.
struct Q4KBlock {
  static constexpr int kD = 0;
  static constexpr int kDMin = 2;
  static constexpr int kScales = 4;
  static constexpr int kQs = 16;
};

/// The 6-bit scale and min of sub-block `j` (0..7), ggml's get_scale_min_k4.
void q4kScaleMin(int j, const uint8_t *scales, uint8_t &sc, uint8_t &m);

/// Quantizes `n` values (a multiple of 256) into n/256 blocks at `out`.
void quantizeQ4K(const float *x, int64_t n, uint8_t *out);
/// Dequantizes n/256 blocks into `n` floats (portable scalar code).
void dequantizeQ4K(const uint8_t *blocks, int64_t n, float *y);

} // namespace quant4::format

#endif // QUANT4_FORMAT_Q4K_H
