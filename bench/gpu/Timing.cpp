//===- Timing.cpp - GPU kernel timing for the benchmark drivers -----------===//

#include "Timing.h"

#include "Fatal.h"

#include <algorithm>
#include <vector>

using namespace quant4::runtime;

namespace quant4::bench {

namespace {
/// q4_bench_busy(u64 ns): returns once %globaltimer has advanced by ns.
/// nanosleep keeps the spinning thread from taking issue slots.
constexpr const char *kBusyPtx = R"(
.version 7.0
.target sm_70
.address_size 64
.visible .entry q4_bench_busy(.param .u64 ns)
{
  .reg .pred %p;
  .reg .b64 %r<5>;
  ld.param.u64 %r1, [ns];
  mov.u64 %r2, %globaltimer;
spin:
  nanosleep.u32 500;
  mov.u64 %r3, %globaltimer;
  sub.u64 %r4, %r3, %r2;
  setp.lt.u64 %p, %r4, %r1;
  @%p bra spin;
  ret;
}
)";
} // namespace

Expected<LaunchTimer> LaunchTimer::create(ContextRef context) {
  Expected<Module> module = Module::load(context, kBusyPtx);
  if (!module)
    return module.status();
  Expected<Kernel> busy = module->kernel("q4_bench_busy");
  if (!busy)
    return busy.status();
  Expected<Event> start = Event::create(context);
  if (!start)
    return start.status();
  Expected<Event> end = Event::create(context);
  if (!end)
    return end.status();
  return LaunchTimer(module.take(), busy.take(), start.take(), end.take());
}

Timing LaunchTimer::time(const Stream &stream,
                         const std::function<Status(size_t)> &launch,
                         size_t copies, int iterations) const {
  auto timeOne = [&](size_t copy) {
    KernelArgs args;
    args.i64(int64_t(kBusyMicroseconds) * 1000);
    orDie(busy_.launch({1, 1, 1}, {1, 1, 1}, args, stream, 0, 1));
    orDie(start_.record(stream));
    orDie(launch(copy));
    orDie(end_.record(stream));
    return double(orDie(Event::elapsedMs(start_, end_))) * 1e3;
  };
  // Warm-up, and an estimate that sizes the run to ~0.3 s of launches.
  double warm = 0;
  for (size_t i = 0; i < 5; ++i)
    warm = timeOne(i % copies);
  if (iterations <= 0)
    iterations = std::clamp(int(3e5 / std::max(warm, 1e-3)), 10, 200);
  std::vector<double> us;
  for (int i = 0; i < iterations; ++i)
    us.push_back(timeOne(i % copies));
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us.front(), us.back()};
}

} // namespace quant4::bench
