//===- Timing.h - repeated wall-clock timing and cache flushing -*- C++ -*-===//

#ifndef QUANT4_BENCH_CPU_TIMING_H
#define QUANT4_BENCH_CPU_TIMING_H

#include <cstdint>
#include <functional>
#include <vector>

namespace quant4::bench {

/// Median and range of a set of timings, in seconds.
struct Stats {
  double median = 0, min = 0, max = 0;
  int runs = 0;
};

/// How many runs a measurement takes: up to `maxRuns`, fewer when they
/// would exceed `budgetSeconds`, but never fewer than `minRuns`.
struct RunPolicy {
  int maxRuns = 51;
  int minRuns = 3;
  double budgetSeconds = 5;
};

/// Times `fn` under `policy` with std::chrono::steady_clock. `before` runs
/// untimed before every timed call (e.g. a cache flush). `fn` returns false
/// on failure, which stops the measurement (Stats::runs is then 0).
Stats timeRuns(const RunPolicy &policy, const std::function<void()> &before,
               const std::function<bool()> &fn);

/// Appends the wall-clock seconds of calls of `fn` (each after `before`, if
/// any) to `seconds` until `policy` is met by these calls; false when a call
/// fails.
bool collectRuns(const RunPolicy &policy, const std::function<void()> &before,
                 const std::function<bool()> &fn, std::vector<double> &seconds);

/// Median, min and max of `seconds` (not empty).
Stats summarize(std::vector<double> seconds);

/// `policy` for one of `rounds` rounds: a share of its runs and budget.
RunPolicy roundPolicy(const RunPolicy &policy, int rounds);

/// Evicts a working set from the caches by reading a buffer much larger than
/// the last-level cache (reads only: no dirty lines left to write back
/// during the timed call).
class CacheFlusher {
public:
  explicit CacheFlusher(size_t bytes);
  void flush();

private:
  std::vector<uint64_t> buffer;
  uint64_t sink = 0;
};

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_TIMING_H
