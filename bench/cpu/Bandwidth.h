//===- Bandwidth.h - measured memory read bandwidth -------------*- C++ -*-===//
//
// A STREAM-like read test that stays meaningful on a shared, oversubscribed
// machine: a buffer much larger than the last-level cache is split in equal
// contiguous parts, one per thread, and read in lock-step chunks (every
// thread reads its next chunk, then all meet at a barrier). Each step is
// timed on its own, so a step in which a thread was descheduled is an
// outlier that the median drops, instead of a slowdown of the whole pass.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_BENCH_CPU_BANDWIDTH_H
#define QUANT4_BENCH_CPU_BANDWIDTH_H

#include <cstddef>

namespace quant4::bench {

/// Read bandwidth in GB/s (1e9 bytes per second) over all timed steps.
struct Bandwidth {
  double median = 0, min = 0, max = 0;
  int steps = 0;
};

/// Reads a `bytes` buffer `passes` times with `threads` threads in steps of
/// `chunkBytes` per thread (ReadKernel.h's kernel).
Bandwidth measureReadBandwidth(size_t bytes, size_t chunkBytes, int threads,
                               int passes);

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_BANDWIDTH_H
