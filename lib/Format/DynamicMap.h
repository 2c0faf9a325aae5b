//===- DynamicMap.h - bitsandbytes' 8-bit dynamic map -----------*- C++ -*-===//
//
// The signed 8-bit dynamic quantization map of bitsandbytes
// (functional.create_dynamic_map(signed=True)) and its blockwise 8-bit
// quantizer (csrc quantize_cpu / dequantizeBlockwise8bitCpu), used for NF4's
// double quantization of absmax.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_DYNAMICMAP_H
#define QUANT4_FORMAT_DYNAMICMAP_H

#include <array>
#include <cstdint>

namespace quant4::format {

using DynamicMap = std::array<float, 256>;

/// create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8), sorted
/// ascending, as float32.
const DynamicMap &signedDynamicMap();

/// quantize_cpu: per block of `blockSize` values (the last one may be short)
/// absmax = max |x|, and x / absmax is rounded to the nearest of 65536 points
/// evenly spaced over [-1, 1], which maps to the map entry closest to that
/// point (this reproduces bitsandbytes' CPU kernel bit for bit; it can differ
/// from the entry closest to x / absmax by one). Like bitsandbytes, the map is
/// searched with map[0] = -1.
void quantizeBlockwise8(const float *x, int64_t n, int64_t blockSize,
                        uint8_t *q, float *absmax);
/// dequantizeBlockwise8bitCpu with the map quantizeBlockwise8 searched:
/// y = map'[q] * absmax[block], map' = map with entry 0 set to -1.
void dequantizeBlockwise8(const uint8_t *q, const float *absmax, int64_t n,
                          int64_t blockSize, float *y);

} // namespace quant4::format

#endif // QUANT4_FORMAT_DYNAMICMAP_H
