//===- GgmlBlocks.h - ggml Q4_0, Q8_0 and Q8_K blocks -----------*- C++ -*-===//
//
// The simpler ggml block formats, bit-exact with ggml's reference code:
//   block_q4_0 { fp16 d; u8 qs[16]; }   32 values, y = (q - 8) * d, element j
//                                         in the low nibble of qs[j], j+16 in
//                                         the high nibble.
//   block_q8_0 { fp16 d; i8 qs[32]; }   32 values, y = q * d.
//   block_q8_K { f32 d; i8 qs[256]; i16 bsums[16]; }  256 values, the
//                                         activation format of ggml's K-quant
//                                         dot products.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_GGMLBLOCKS_H
#define QUANT4_FORMAT_GGMLBLOCKS_H

#include <cstdint>

namespace quant4::format {

inline constexpr int64_t kQ4_0BlockBytes = 18;
inline constexpr int64_t kQ8_0BlockBytes = 34;
inline constexpr int64_t kQ8KBlockBytes = 292;

/// quantize_row_q4_0_ref; `n` a multiple of 32.
void quantizeQ4_0(const float *x, int64_t n, uint8_t *out);
/// dequantize_row_q4_0.
void dequantizeQ4_0(const uint8_t *blocks, int64_t n, float *y);
/// quantize_row_q8_0_ref; `n` a multiple of 32.
void quantizeQ8_0(const float *x, int64_t n, uint8_t *out);
/// dequantize_row_q8_0.
void dequantizeQ8_0(const uint8_t *blocks, int64_t n, float *y);
/// quantize_row_q8_K_ref; `n` a multiple of 256. An all-zero block gets
/// d = 0 and zero quants and sums.
void quantizeQ8K(const float *x, int64_t n, uint8_t *out);
/// dequantize_row_q8_K: y = d * q.
void dequantizeQ8K(const uint8_t *blocks, int64_t n, float *y);

} // namespace quant4::format

#endif // QUANT4_FORMAT_GGMLBLOCKS_H
