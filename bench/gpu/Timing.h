//===- Timing.h - GPU kernel timing for the benchmark drivers ---*- C++ -*-===//
//
// timeLaunches measures what a launch costs on the GPU, not what the host
// takes to submit it: before each timed launch the stream is kept busy by a
// spin kernel (kBusyMicroseconds), so the start event, the launch and the
// end event are all queued behind it and the interval between the events is
// the launch's own GPU time. Without it, an idle GPU records the start event
// at once and the interval also holds the host's submission of the launch
// (several microseconds: more than half of a small GEMV). The weight copy
// rotates with the iteration, so weights are not read from L2.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_BENCH_GPU_TIMING_H
#define QUANT4_BENCH_GPU_TIMING_H

#include "Runtime/CudaModule.h"

#include <functional>

namespace quant4::bench {

/// How long the spin kernel holds the stream before each timed launch; far
/// longer than any host submission (a Python call included).
constexpr unsigned kBusyMicroseconds = 100;

struct Timing {
  double median, min, max; // microseconds
};

/// Times launches behind a busy stream. Holds a one-thread kernel that
/// spins on %globaltimer, and the two events.
class LaunchTimer {
public:
  static runtime::Expected<LaunchTimer> create(runtime::ContextRef context);

  /// Times `launch(i % copies)`: a warm-up, then `iterations` runs (0: as
  /// many as fit in ~0.3 s, 10 to 200), each queued behind the spin kernel.
  Timing time(const runtime::Stream &stream,
              const std::function<runtime::Status(size_t)> &launch,
              size_t copies, int iterations = 0) const;

private:
  LaunchTimer(runtime::Module module, runtime::Kernel busy,
              runtime::Event start, runtime::Event end)
      : module_(std::move(module)), busy_(busy), start_(std::move(start)),
        end_(std::move(end)) {}
  runtime::Module module_;
  runtime::Kernel busy_;
  runtime::Event start_, end_;
};

} // namespace quant4::bench

#endif // QUANT4_BENCH_GPU_TIMING_H
