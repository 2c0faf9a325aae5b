//===- Bandwidth.cpp - measured memory read bandwidth ---------------------===//

#include "Bandwidth.h"
#include "ReadKernel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace quant4::bench;

namespace {

/// A reusable spinning barrier for a fixed number of threads.
class SpinBarrier {
public:
  explicit SpinBarrier(int count) : count(count) {}
  void wait() {
    int generation = this->generation.load(std::memory_order_acquire);
    if (arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == count) {
      arrived.store(0, std::memory_order_relaxed);
      this->generation.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
    while (this->generation.load(std::memory_order_acquire) == generation)
      std::this_thread::yield();
  }

private:
  const int count;
  std::atomic<int> arrived{0};
  std::atomic<int> generation{0};
};

} // namespace

Bandwidth quant4::bench::measureReadBandwidth(size_t bytes, size_t chunkBytes,
                                              int threads, int passes) {
  size_t chunkWords = chunkBytes / sizeof(uint64_t);
  size_t steps = bytes / chunkBytes / size_t(threads);
  std::vector<uint64_t> buffer(steps * chunkWords * size_t(threads), 1);
  SpinBarrier barrier(threads);
  std::atomic<uint64_t> sink{0};
  auto readStep = [&](int thread, size_t step) {
    const uint64_t *part = buffer.data() + size_t(thread) * steps * chunkWords;
    sink += sumWords(part + step * chunkWords, chunkWords);
  };
  auto worker = [&](int thread) {
    for (int pass = 0; pass < passes; ++pass)
      for (size_t step = 0; step < steps; ++step) {
        barrier.wait();
        readStep(thread, step);
        barrier.wait();
      }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t)
    workers.emplace_back(worker, t);
  std::vector<double> gbps;
  double stepBytes = double(chunkBytes) * threads;
  for (int pass = 0; pass < passes; ++pass)
    for (size_t step = 0; step < steps; ++step) {
      barrier.wait();
      auto start = std::chrono::steady_clock::now();
      readStep(0, step);
      barrier.wait();
      std::chrono::duration<double> s =
          std::chrono::steady_clock::now() - start;
      gbps.push_back(stepBytes / s.count() / 1e9);
    }
  for (std::thread &w : workers)
    w.join();
  std::sort(gbps.begin(), gbps.end());
  return {gbps[gbps.size() / 2], gbps.front(), gbps.back(), int(gbps.size())};
}
