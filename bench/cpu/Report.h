//===- Report.h - the benchmark's result table ------------------*- C++ -*-===//

#ifndef QUANT4_BENCH_CPU_REPORT_H
#define QUANT4_BENCH_CPU_REPORT_H

#include "Options.h"

#include <string>

namespace quant4::bench {

/// One line of the table: a shape, M, thread count and cache state.
struct Row {
  std::string format;
  Shape shape;
  int64_t m = 0;
  int threads = 1;
  bool flushed = false;
  Stats ggml, quant4; ///< runs == 0: not measured.
  double weightBytes = 0;
  double bandwidthGBs = 0; ///< Measured read bandwidth at `threads`.
};

/// Prints the Markdown table header.
void printTableHeader();
/// Prints one Markdown table line (times in microseconds).
void printRow(const Row &row);

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_REPORT_H
