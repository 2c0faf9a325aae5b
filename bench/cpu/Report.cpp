//===- Report.cpp - the benchmark's result table --------------------------===//

#include "Report.h"

#include <cstdio>

using namespace quant4::bench;

namespace {

std::string micros(const Stats &stats) {
  if (stats.runs == 0)
    return "-";
  char text[96];
  std::snprintf(text, sizeof(text), "%.0f (%.0f-%.0f) x%d", stats.median * 1e6,
                stats.min * 1e6, stats.max * 1e6, stats.runs);
  return text;
}

std::string number(const Stats &stats, double value, const char *format) {
  if (stats.runs == 0)
    return "-";
  char text[32];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

} // namespace

void quant4::bench::printTableHeader() {
  std::printf("| format | N x K | M | thr | cache | ggml us median (min-max) "
              "xruns | quant4 us median (min-max) xruns | quant4/ggml | "
              "ggml GB/s | quant4 GB/s | ggml %%BW | quant4 %%BW |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
}

void quant4::bench::printRow(const Row &row) {
  const Stats &g = row.ggml, &q = row.quant4;
  double ggmlGBs = g.runs ? row.weightBytes / g.median / 1e9 : 0;
  double quant4GBs = q.runs ? row.weightBytes / q.median / 1e9 : 0;
  Stats both = g.runs && q.runs ? g : Stats{};
  std::printf(
      "| %s | %lldx%lld | %lld | %d | %s | %s | %s | %s | %s | %s | %s | %s "
      "|\n",
      row.format.c_str(), (long long)row.shape.n, (long long)row.shape.k,
      (long long)row.m, row.threads, row.flushed ? "flushed" : "hot",
      micros(g).c_str(), micros(q).c_str(),
      number(both, both.runs ? q.median / g.median : 0, "%.2f").c_str(),
      number(g, ggmlGBs, "%.2f").c_str(), number(q, quant4GBs, "%.3f").c_str(),
      number(g, 100 * ggmlGBs / row.bandwidthGBs, "%.0f").c_str(),
      number(q, 100 * quant4GBs / row.bandwidthGBs, "%.1f").c_str());
  std::fflush(stdout);
}
