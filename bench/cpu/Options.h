//===- Options.h - command line of q4-bench-cpu-matmul ----------*- C++ -*-===//

#ifndef QUANT4_BENCH_CPU_OPTIONS_H
#define QUANT4_BENCH_CPU_OPTIONS_H

#include "Timing.h"

#include <string>
#include <vector>

namespace quant4::bench {

struct Shape {
  int64_t n, k; ///< Weight rows (outputs) and columns (reduction).
};

struct Options {
  std::string ggmlDir; ///< Folder of libggml-base.so, libggml-cpu-*.so.
  std::string ggmlCpu; ///< CPU variant; empty: the best-scoring one.
  std::vector<std::string> formats = {"q4_k", "mxfp4"};
  std::vector<Shape> shapes = {{4096, 4096}, {11008, 4096}, {4096, 11008}};
  std::vector<int64_t> ms = {1, 8, 32, 512};
  std::vector<int> threads = {1, 2};
  RunPolicy ggml{51, 5, 2.0};   ///< Runs of one ggml measurement.
  RunPolicy quant4{51, 1, 5.0}; ///< Runs of one quant4 measurement.
  /// Each side's runs of one row are taken in this many alternating rounds
  /// (ggml, quant4, ggml, ...), each with a share of the runs and budget.
  int rounds = 1;
  int64_t quant4MaxM = 512;     ///< quant4 is skipped for larger M.
  /// quant4.matmul's activation mode: "f32" or "q8_k" (docs/CPU.md).
  std::string quant4Activations = "f32";
  /// quant4's flushed measurement is skipped when a call takes longer.
  double quant4FlushMaxSeconds = 2.0;
  size_t flushBytes = size_t(128) << 20;
  size_t bandwidthBytes = size_t(512) << 20;
  size_t bandwidthChunk = size_t(2) << 20; ///< Bytes per thread and step.
  int bandwidthPasses = 4;
};

/// Parses argv; prints usage and returns false on bad input.
bool parseOptions(int argc, char **argv, Options &options);

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_OPTIONS_H
