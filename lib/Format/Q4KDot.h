//===- Q4KDot.h - Q4_K x Q8_K dot products ----------------------*- C++ -*-===//
//
// The dot product ggml's CPU backend computes for a Q4_K weight row and a Q8_K
// activation (ggml_vec_dot_q4_K_q8_K): integer products per 32-value
// sub-block, scaled by the 6-bit scales, and the mins folded in through the
// Q8_K block sums. Follows ggml's portable (generic) summation order.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_Q4KDOT_H
#define QUANT4_FORMAT_Q4KDOT_H

#include <cstdint>

namespace quant4::format {

/// Dot product of n values (a multiple of 256): n/256 block_q4_K at `q4k` and
/// n/256 block_q8_K at `q8k`.
float dotQ4KQ8K(const uint8_t *q4k, const uint8_t *q8k, int64_t n);

/// y[r] = dot(row r of the [rows, n] Q4_K matrix `w`, the Q8_K vector `x`).
void gemvQ4KQ8K(const uint8_t *w, int64_t rows, const uint8_t *x, int64_t n,
                float *y);

} // namespace quant4::format

#endif // QUANT4_FORMAT_Q4KDOT_H
