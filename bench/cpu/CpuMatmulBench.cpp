//===- CpuMatmulBench.cpp - quant4's CPU matmul against ggml's ------------===//
//
// q4-bench-cpu-matmul --ggml-dir DIR [options, see Options.cpp]
//
// For every weight format, shape (N, K), M and thread count: quantizes a
// random weight matrix with lib/Format, gives the same bytes to ggml_mul_mat
// (GgmlMatmul.h) and to quant4's JIT-compiled quant4.matmul
// (Quant4Matmul.h), checks both results against float64 references
// (Reference.h), then times each side with the weights hot in the caches and
// flushed from them (CacheFlusher). The memory read bandwidth of the machine
// is measured first, in the same process. Prints a Markdown table on stdout
// and the checks on stderr; exits 1 when a check fails.
//
//===----------------------------------------------------------------------===//

#include "Bandwidth.h"
#include "GgmlMatmul.h"
#include "Options.h"
#include "Quant4Matmul.h"
#include "Reference.h"
#include "Report.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>

using namespace quant4::bench;

namespace {

/// docs/CPU.md: quant4's matmul is within 1e-5 of max|y| of float64.
constexpr double kQuant4Tolerance = 1e-5;
/// ggml against float64 with the same 8-bit activations: only its float
/// rounding of block scales and partial sums remains.
constexpr double kGgmlTolerance = 1e-4;

std::string loadAverage() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
  return text;
}

/// Measures one side: warms up when hot (unless one call is already slow
/// enough for the caches not to matter), flushes before each call if not.
/// Appends the calls' seconds to `seconds`; false when a call fails.
bool measure(const RunPolicy &policy, bool flushed, CacheFlusher &flusher,
             double lastSeconds, const std::function<bool()> &call,
             std::vector<double> &seconds) {
  if (!flushed && lastSeconds < 0.5)
    call();
  std::function<void()> before;
  if (flushed)
    before = [&] { flusher.flush(); };
  return collectRuns(policy, before, call, seconds);
}

/// The statistics of one side's calls; none when a call failed.
Stats statsOf(bool ok, std::vector<double> seconds) {
  return ok && !seconds.empty() ? summarize(std::move(seconds)) : Stats{};
}

/// Runs and checks both sides for one case against `ref` (quant4 compiled
/// for `threads` threads, with 8-bit activations when `quant4Q8`); false
/// when a check fails.
bool check(const WeightFormat &format, const Shape &shape, int64_t m,
           int threads, bool quant4Q8, const Reference &ref, GgmlMatmul &ggml,
           Quant4Matmul *quant4) {
  std::string error;
  if (!ggml.run()) {
    std::fprintf(stderr, "ggml_graph_compute failed\n");
    return false;
  }
  ggml.pause();
  if (quant4 && !quant4->run(error)) {
    std::fprintf(stderr, "quant4: %s\n", error.c_str());
    return false;
  }
  double ggmlError = relativeError(ref, ref.ggmlLike, ggml.result());
  bool ok = ggmlError <= kGgmlTolerance;
  std::fprintf(stderr,
               "check %s %lldx%lld M=%lld threads=%d: ggml vs f64(8-bit x) "
               "%.2e (tol %.0e)",
               format.name.c_str(), (long long)shape.n, (long long)shape.k,
               (long long)m, threads, ggmlError, kGgmlTolerance);
  if (quant4) {
    // With Q8_K activations quant4 rounds x as ggml does: the same
    // reference and tolerance as ggml.
    double quant4Error = relativeError(ref, quant4Q8 ? ref.ggmlLike : ref.exact,
                                       quant4->result());
    double tolerance = quant4Q8 ? kGgmlTolerance : kQuant4Tolerance;
    ok = ok && quant4Error <= tolerance;
    std::fprintf(stderr,
                 ", quant4 vs f64%s %.2e (tol %.0e), |ggml - quant4| %.2e",
                 quant4Q8 ? "(8-bit x)" : "", quant4Error, tolerance,
                 relativeDifference(ref, ggml.result(), quant4->result()));
  }
  std::fprintf(stderr, ", compile %.1f s: %s\n",
               quant4 ? quant4->compileSeconds() : 0.0, ok ? "ok" : "FAIL");
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parseOptions(argc, argv, options))
    return 2;
  GgmlLib ggmlLib;
  std::string error;
  if (!ggmlLib.load(options.ggmlDir, options.ggmlCpu, error)) {
    std::fprintf(stderr, "cannot load ggml: %s\n", error.c_str());
    return 2;
  }
  const GgmlApi &api = ggmlLib.api();
  std::printf("date: %s\nggml: %s (commit %s), %s\nload average at start: "
              "%s\n\n",
              utcNow().c_str(), api.version(), api.commit(),
              ggmlLib.cpuLibrary().c_str(), loadAverage().c_str());

  std::map<int, double> bandwidth;
  for (int threads : options.threads) {
    Bandwidth bw =
        measureReadBandwidth(options.bandwidthBytes, options.bandwidthChunk,
                             threads, options.bandwidthPasses);
    bandwidth[threads] = bw.median;
    std::printf("read bandwidth, %d thread(s), %zu MiB buffer, %zu KiB "
                "steps: median %.2f GB/s (%.2f-%.2f) x%d steps\n",
                threads, options.bandwidthBytes >> 20,
                options.bandwidthChunk >> 10, bw.median, bw.min, bw.max,
                bw.steps);
  }
  std::printf("\n");
  printTableHeader();

  CacheFlusher flusher(options.flushBytes);
  bool allOk = true;
  for (const std::string &name : options.formats) {
    std::optional<WeightFormat> format = findWeightFormat(name);
    if (!format) {
      std::fprintf(stderr, "unknown format %s\n", name.c_str());
      return 2;
    }
    for (const Shape &shape : options.shapes) {
      std::vector<uint8_t> w = randomWeights(*format, shape.n, shape.k, 1);
      if (w.empty()) {
        std::fprintf(stderr, "K = %lld is not a whole number of %s blocks\n",
                     (long long)shape.k, name.c_str());
        return 2;
      }
      for (int64_t m : options.ms) {
        std::vector<float> x = gaussian(m * shape.k, 2);
        GgmlMatmul ggml(api, format->ggmlType, shape.n, shape.k, m);
        if (ggml.weightBytes() != w.size()) {
          std::fprintf(stderr, "ggml's %s row size differs from quant4's\n",
                       name.c_str());
          return 1;
        }
        std::memcpy(ggml.weights(), w.data(), w.size());
        std::memcpy(ggml.activations(), x.data(), x.size() * sizeof(float));
        Reference ref =
            computeReference(*format, w.data(), x.data(), shape.n, shape.k, m);
        for (int threads : options.threads) {
          // quant4 compiled with the pipeline's threads option, run at the
          // same thread count as ggml.
          std::unique_ptr<Quant4Matmul> quant4;
          if (m <= options.quant4MaxM) {
            quant4 = Quant4Matmul::compile(
                format->dialectAttr, shape.n, shape.k, m, int64_t(w.size()),
                options.quant4Activations, threads, error);
            if (!quant4) {
              std::fprintf(stderr, "quant4: %s\n", error.c_str());
              return 1;
            }
            std::memcpy(quant4->weights(), w.data(), w.size());
            std::memcpy(quant4->activations(), x.data(),
                        x.size() * sizeof(float));
          }
          ggml.setThreads(threads);
          if (!check(*format, shape, m, threads,
                     options.quant4Activations == "q8_k", ref, ggml,
                     quant4.get()))
            allOk = false;
          for (bool flushed : {false, true}) {
            Row row;
            row.format = name;
            row.shape = shape;
            row.m = m;
            row.threads = threads;
            row.flushed = flushed;
            row.weightBytes = double(w.size());
            row.bandwidthGBs = bandwidth[threads];
            // When one call takes seconds, the cache state at its start does
            // not matter: the flushed measurement is skipped.
            bool timeQuant4 =
                quant4 && !(flushed && quant4->lastRunSeconds() >
                                           options.quant4FlushMaxSeconds);
            // The sides take turns (`--rounds`), so that both see the same
            // load on a shared machine.
            int rounds = timeQuant4 ? options.rounds : 1;
            std::vector<double> ggmlSeconds, quant4Seconds;
            bool ggmlOk = true, quant4Ok = true;
            for (int round = 0; round < rounds; ++round) {
              // Each side's idle workers sleep while the other side runs: on
              // a machine with few cores, ggml's polling workers or libomp's
              // spinning ones would otherwise take the other side's cores.
              Quant4Matmul::pauseThreads();
              ggmlOk = ggmlOk &&
                       measure(
                           roundPolicy(options.ggml, rounds), flushed, flusher,
                           0, [&] { return ggml.run(); }, ggmlSeconds);
              ggml.pause();
              if (timeQuant4)
                quant4Ok =
                    quant4Ok &&
                    measure(
                        roundPolicy(options.quant4, rounds), flushed, flusher,
                        quant4->lastRunSeconds(),
                        [&] { return quant4->run(error); }, quant4Seconds);
            }
            row.ggml = statsOf(ggmlOk, std::move(ggmlSeconds));
            if (timeQuant4)
              row.quant4 = statsOf(quant4Ok, std::move(quant4Seconds));
            printRow(row);
          }
          // The last timed ggml call ran with `threads` threads.
          if (relativeError(ref, ref.ggmlLike, ggml.result()) >
              kGgmlTolerance) {
            std::fprintf(stderr, "ggml with %d threads: wrong result\n",
                         threads);
            allOk = false;
          }
        }
      }
    }
  }
  std::printf("\nload average at end: %s\n", loadAverage().c_str());
  return allOk ? 0 : 1;
}
