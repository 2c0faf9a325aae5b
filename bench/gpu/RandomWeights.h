//===- RandomWeights.h - Fresh random storage for each format ---*- C++ -*-===//
//
// Random but valid storage bytes of an [N, K] weight in each benchmarked
// format: every nibble and 6-bit scale random, block scales drawn from a
// range that keeps values finite (Q4_K d/dmin, NF4 absmax, MXFP4 E8M0).
// lib/Format's dequantize of these bytes is the reference weight.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_BENCH_GPU_RANDOMWEIGHTS_H
#define QUANT4_BENCH_GPU_RANDOMWEIGHTS_H

#include "Format/Codec.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace quant4::bench {

struct BenchFormat {
  std::string name; // "q4k", "nf4", "mxfp4", ...: the kernel files' prefix
  format::FormatSpec spec;
  /// The kernels round x to Q8_K (`activations q8_k`): the reference
  /// multiplies lib/Format's Q8_K rounding of x.
  bool q8kActivations = false;
  /// The kernels take x as f16 (the reference multiplies x rounded to f16).
  bool halfActivations = false;
};

/// q4_k, nf4 (block 64), nf4dq (double-quantized absmax), mxfp4 (ggml
/// layout), mxfp4hf (the hf layout), q4kq8 (q4_k with Q8_K activations)
/// and q4kh (q4_k with f16 activations).
std::vector<BenchFormat> benchFormats();

/// storageBytes(spec, n * k) random bytes (see above).
std::vector<uint8_t> randomStorage(const format::FormatSpec &spec, int64_t n,
                                   int64_t k, std::mt19937_64 &rng);

} // namespace quant4::bench

#endif // QUANT4_BENCH_GPU_RANDOMWEIGHTS_H
