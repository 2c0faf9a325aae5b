//===- DequantBench.cpp - Dequantization throughput per format and ISA ----===//
//
// q4-bench-dequant [--elements N] [--reps R]
//
// For each format, quantizes N random N(0,1) values once, then times R
// dequantizations with every instruction set the CPU supports (scalar first)
// and prints the median and min-max throughput in GB/s of float32 output
// (N * 4 bytes / time). Wall-clock timing with std::chrono::steady_clock.
// The row marked "(dispatched)" is the kernel the fast* entry points (and
// the generic dequantize of Codec.h) use on this CPU.
//
//===----------------------------------------------------------------------===//

#include "Format/Codec.h"
#include "Format/FastDequant.h"
#include "Format/NF4.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace quant4::format;

namespace {

struct Result {
  double median, min, max; // GB/s
};

Result timeRuns(int reps, int64_t outputBytes,
                const std::function<void()> &run) {
  run(); // Warm up caches and page in the output.
  std::vector<double> gbps;
  for (int r = 0; r < reps; ++r) {
    auto start = std::chrono::steady_clock::now();
    run();
    std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    gbps.push_back(double(outputBytes) / s.count() / 1e9);
  }
  std::sort(gbps.begin(), gbps.end());
  return {gbps[gbps.size() / 2], gbps.front(), gbps.back()};
}

struct Bench {
  const char *name;
  FormatSpec spec;
};

} // namespace

int main(int argc, char **argv) {
  int64_t n = int64_t(1) << 24;
  int reps = 21;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--elements"))
      n = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--reps"))
      reps = std::atoi(argv[i + 1]);
  }
  n = std::max<int64_t>(4096, n / 4096 * 4096);
  reps = std::max(1, reps);

  std::vector<float> x(static_cast<size_t>(n)), y(static_cast<size_t>(n));
  std::mt19937 rng(42);
  std::normal_distribution<float> gauss;
  for (float &v : x)
    v = gauss(rng);

  const Bench benches[] = {
      {"q4_k", FormatSpec::q4k()},
      {"nf4 (block 64)", FormatSpec::nf4(64)},
      {"mxfp4 (ggml layout)", FormatSpec::mxfp4(MXFP4Layout::GGML)},
      {"mxfp4 (hf layout)", FormatSpec::mxfp4(MXFP4Layout::HF)},
  };
  std::printf("dequantize %lld values (%.1f MiB float32 output), %d runs, "
              "GB/s of output: median [min - max]\n",
              (long long)n, double(n) * 4 / (1 << 20), reps);
  std::printf("%-22s %-8s %8s %18s\n", "format", "isa", "median", "min - max");
  for (const Bench &b : benches) {
    int64_t bytes = 0;
    if (!storageBytes(b.spec, n, bytes))
      return 1;
    std::vector<uint8_t> storage(static_cast<size_t>(bytes));
    if (!quantize(b.spec, x.data(), n, storage.data()))
      return 1;
    BlockLayout layout = layoutOf(b.spec);
    int64_t blocks = n / layout.blockSize;
    const uint8_t *plane1 = storage.data() + *layout.planeOffset(1, blocks);
    std::vector<float> absmax;
    if (b.spec.kind == FormatKind::NF4) {
      absmax.resize(static_cast<size_t>(blocks));
      std::memcpy(absmax.data(), plane1, absmax.size() * sizeof(float));
    }
    for (Isa isa : supportedIsas()) {
      std::function<void()> run;
      switch (b.spec.kind) {
      case FormatKind::Q4_K:
        run = [&] { dequantizeQ4KWith(isa, storage.data(), n, y.data()); };
        break;
      case FormatKind::NF4:
        run = [&] {
          (void)dequantizeNF4With(isa, storage.data(), absmax.data(), n, 64,
                                  y.data());
        };
        break;
      default:
        run = [&] {
          dequantizeMXFP4With(isa, storage.data(), plane1, n,
                              b.spec.mxfp4Layout, y.data());
        };
      }
      Result r = timeRuns(reps, n * 4, run);
      std::printf("%-22s %-8s %8.2f %8.2f - %-8.2f%s\n", b.name,
                  std::string(isaName(isa)).c_str(), r.median, r.min, r.max,
                  isa == bestIsa() ? "  (dispatched)" : "");
    }
  }
  return 0;
}
