//===- Timing.cpp - repeated wall-clock timing and cache flushing ---------===//

#include "Timing.h"
#include "ReadKernel.h"

#include <algorithm>
#include <chrono>

using namespace quant4::bench;

Stats quant4::bench::timeRuns(const RunPolicy &policy,
                              const std::function<void()> &before,
                              const std::function<bool()> &fn) {
  std::vector<double> seconds;
  double total = 0;
  while (int(seconds.size()) < policy.maxRuns) {
    if (int(seconds.size()) >= policy.minRuns && total >= policy.budgetSeconds)
      break;
    if (before)
      before();
    auto start = std::chrono::steady_clock::now();
    bool ok = fn();
    std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    if (!ok)
      return {};
    seconds.push_back(s.count());
    total += s.count();
  }
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front(), seconds.back(),
          int(seconds.size())};
}

CacheFlusher::CacheFlusher(size_t bytes)
    : buffer(bytes / sizeof(uint64_t), 1) {}

void CacheFlusher::flush() {
  sink += sumWords(buffer.data(), buffer.size());
  asm volatile("" : : "r"(sink) : "memory");
}
