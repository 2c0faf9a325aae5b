//===- NF4.h - bitsandbytes 4-bit NormalFloat -------------------*- C++ -*-===//
//
// bitsandbytes' NF4 (quant_type "nf4", quant_storage uint8): blocks of
// `blockSize` consecutive values of the flattened tensor, one float32 absmax
// per block, two codes per byte with the FIRST element in the HIGH nibble.
// Tail blocks and odd lengths are handled as bitsandbytes does (tail absmax
// clamped to 1e-38 and true division; one padding code 7 for odd lengths).
// Optional double quantization compresses absmax to 8 bits (see
// DynamicMap.h).
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_NF4_H
#define QUANT4_FORMAT_NF4_H

#include "Format/Status.h"

#include <array>
#include <cstdint>
#include <vector>

namespace quant4::format {

/// The NF4 codebook, index = nibble.
const std::array<float, 16> &nf4Codebook();

/// Blocks of an NF4 tensor of `n` values: ceil(n / blockSize).
int64_t nf4NumBlocks(int64_t n, int64_t blockSize);
/// Packed code bytes of `n` values: ceil(n / 2).
inline int64_t nf4CodeBytes(int64_t n) { return (n + 1) / 2; }

/// Quantizes `n` values (any n >= 0). `codes` receives nf4CodeBytes(n) bytes,
/// `absmax` nf4NumBlocks(n) floats. Fails for a block size bitsandbytes does
/// not support (see isValidNF4BlockSize).
Status quantizeNF4(const float *x, int64_t n, int64_t blockSize, uint8_t *codes,
                   float *absmax);
/// y[i] = codebook[nibble i] * absmax[i / blockSize].
Status dequantizeNF4(const uint8_t *codes, const float *absmax, int64_t n,
                     int64_t blockSize, float *y);

/// Double-quantized absmax (bitsandbytes compress_statistics=True).
struct NF4NestedAbsmax {
  std::vector<uint8_t> qabsmax; ///< One dynamic-map index per NF4 block.
  std::vector<float> absmax2;   ///< One scale per kNF4NestedBlock indices.
  float offset = 0;             ///< mean(absmax).
};

/// Compresses `numBlocks` absmax values: offset = mean (computed in double),
/// absmax - offset quantized blockwise (256) with the signed dynamic map.
NF4NestedAbsmax compressAbsmax(const float *absmax, int64_t numBlocks);
/// Recovers absmax[i] = map[qabsmax[i]] * absmax2[i / 256] + offset.
void decompressAbsmax(const uint8_t *qabsmax, const float *absmax2,
                      float offset, int64_t numBlocks, float *absmax);

} // namespace quant4::format

#endif // QUANT4_FORMAT_NF4_H
