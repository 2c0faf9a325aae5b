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
};

/// q4_k, nf4 (block 64), mxfp4 (ggml layout), mxfp4hf (the hf layout) and
/// q4kq8 (q4_k with Q8_K activations).
std::vector<BenchFormat> benchFormats();

/// storageBytes(spec, n * k) random bytes (see above).
std::vector<uint8_t> randomStorage(const format::FormatSpec &spec, int64_t n,
                                   int64_t k, std::mt19937_64 &rng);

} // namespace quant4::bench

#endif // QUANT4_BENCH_GPU_RANDOMWEIGHTS_H
