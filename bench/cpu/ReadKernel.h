//===- ReadKernel.h - a STREAM-like read kernel -----------------*- C++ -*-===//

#ifndef QUANT4_BENCH_CPU_READKERNEL_H
#define QUANT4_BENCH_CPU_READKERNEL_H

#include <cstddef>
#include <cstdint>

namespace quant4::bench {

/// The sum of `count` words: every byte is loaded once, in address order,
/// with the additions vectorized and spread over independent accumulators
/// so that the loop is bound by memory, not by the adds.
uint64_t sumWords(const uint64_t *words, size_t count);

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_READKERNEL_H
