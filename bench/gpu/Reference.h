//===- Reference.h - float64 matmul reference -------------------*- C++ -*-===//
#ifndef QUANT4_BENCH_GPU_REFERENCE_H
#define QUANT4_BENCH_GPU_REFERENCE_H

#include <cstdint>
#include <vector>

namespace quant4::bench {

/// y[m, n] = sum_k x[m, k] * w[n, k] in float64, on all CPU cores.
std::vector<double> matmulReference(const std::vector<float> &x,
                                    const std::vector<float> &w, int64_t m,
                                    int64_t n, int64_t k);

/// ||y - ref||_2 / ||ref||_2; infinity when y holds a NaN or Inf.
double relativeError(const std::vector<float> &y,
                     const std::vector<double> &ref);

} // namespace quant4::bench

#endif // QUANT4_BENCH_GPU_REFERENCE_H
