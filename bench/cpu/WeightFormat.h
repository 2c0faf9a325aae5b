//===- WeightFormat.h - the weight formats both sides multiply --*- C++ -*-===//

#ifndef QUANT4_BENCH_CPU_WEIGHTFORMAT_H
#define QUANT4_BENCH_CPU_WEIGHTFORMAT_H

#include "Format/Codec.h"

#include <optional>
#include <string>
#include <vector>

namespace quant4::bench {

/// A 4-bit weight format with a row-contiguous storage ggml reads as is.
struct WeightFormat {
  std::string name;        ///< As --formats spells it: "q4_k", "mxfp4".
  std::string dialectAttr; ///< Body of the #quant4 attribute.
  format::FormatSpec spec; ///< lib/Format's codec.
  int ggmlType;            ///< ggml_type of the weights.
  /// ggml's vec_dot_type: the 8-bit format ggml quantizes activations to
  /// (Q8_K for Q4_K, Q8_0 for MXFP4) before the integer dot products.
  int ggmlActivationType;
};

/// The format named `name`, or nullopt.
std::optional<WeightFormat> findWeightFormat(const std::string &name);

/// Bytes of one weight row of `k` values; 0 when `k` is not a whole
/// number of blocks.
int64_t rowBytes(const WeightFormat &format, int64_t k);

/// `count` values drawn from N(0, 1) with a fixed seed.
std::vector<float> gaussian(int64_t count, unsigned seed);

/// A random [n, k] weight matrix quantized by lib/Format (bit-identical to
/// ggml's quantize_row_q4_K / to the OCP MXFP4 rule); empty when `k` is
/// not a whole number of blocks.
std::vector<uint8_t> randomWeights(const WeightFormat &format, int64_t n,
                                   int64_t k, unsigned seed);

/// `x` (k values) rounded through ggml's activation quantization.
std::vector<float> roundLikeGgml(const WeightFormat &format, const float *x,
                                 int64_t k);

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_WEIGHTFORMAT_H
