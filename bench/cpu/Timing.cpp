//===- Timing.cpp - repeated wall-clock timing and cache flushing ---------===//

#include "Timing.h"
#include "ReadKernel.h"

#include <algorithm>
#include <chrono>

using namespace quant4::bench;

bool quant4::bench::collectRuns(const RunPolicy &policy,
                                const std::function<void()> &before,
                                const std::function<bool()> &fn,
                                std::vector<double> &seconds) {
  double total = 0;
  for (int runs = 0; runs < policy.maxRuns; ++runs) {
    if (runs >= policy.minRuns && total >= policy.budgetSeconds)
      break;
    if (before)
      before();
    auto start = std::chrono::steady_clock::now();
    bool ok = fn();
    std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    if (!ok)
      return false;
    seconds.push_back(s.count());
    total += s.count();
  }
  return true;
}

Stats quant4::bench::summarize(std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front(), seconds.back(),
          int(seconds.size())};
}

Stats quant4::bench::timeRuns(const RunPolicy &policy,
                              const std::function<void()> &before,
                              const std::function<bool()> &fn) {
  std::vector<double> seconds;
  if (!collectRuns(policy, before, fn, seconds) || seconds.empty())
    return {};
  return summarize(std::move(seconds));
}

RunPolicy quant4::bench::roundPolicy(const RunPolicy &policy, int rounds) {
  RunPolicy share = policy;
  share.maxRuns = std::max(1, (policy.maxRuns + rounds - 1) / rounds);
  share.minRuns = std::max(1, (policy.minRuns + rounds - 1) / rounds);
  share.budgetSeconds = policy.budgetSeconds / rounds;
  return share;
}

CacheFlusher::CacheFlusher(size_t bytes)
    : buffer(bytes / sizeof(uint64_t), 1) {}

void CacheFlusher::flush() {
  sink += sumWords(buffer.data(), buffer.size());
  asm volatile("" : : "r"(sink) : "memory");
}
