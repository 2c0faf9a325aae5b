//===- Reference.h - float64 references for sampled output rows -*- C++ -*-===//
//
// Both sides are checked against float64 sums over the exactly dequantized
// weights (lib/Format) for a few rows of the output:
//  - quant4 (f32 activations, f32 accumulation) against x . w, within the
//    1e-5 of max|y| of docs/CPU.md's numerics contract;
//  - ggml (activations quantized to 8 bits first) against round(x) . w,
//    where round is the same 8-bit quantization (WeightFormat.h).
// ggml and quant4 then differ by the activation rounding only; that
// difference is reported as well.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_BENCH_CPU_REFERENCE_H
#define QUANT4_BENCH_CPU_REFERENCE_H

#include "WeightFormat.h"

#include <vector>

namespace quant4::bench {

struct Reference {
  std::vector<int64_t> rows; ///< Sampled rows of the [M, N] output.
  int64_t n = 0;
  std::vector<double> exact;    ///< [rows, N]: f32 activations.
  std::vector<double> ggmlLike; ///< [rows, N]: 8-bit rounded activations.
};

/// References for rows 0 and M - 1 of y = x[M, K] * W[N, K]^T.
Reference computeReference(const WeightFormat &format, const uint8_t *w,
                           const float *x, int64_t n, int64_t k, int64_t m);

/// max |y[row, :] - ref| / max |ref| over the sampled rows of `y` ([M, N]).
double relativeError(const Reference &ref, const std::vector<double> &expected,
                     const float *y);

/// max |a[row, :] - b[row, :]| / max |ref.exact| over the sampled rows.
double relativeDifference(const Reference &ref, const float *a, const float *b);

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_REFERENCE_H
