//===- Quant4Matmul.h - a quant4 matmul compiled by the CPU JIT -*- C++ -*-===//
//
// y[M, N] = x[M, K] * W[N, K]^T written as one `quant4.matmul` on a weight
// tensor built `quant4.from_bytes` of raw storage, compiled with
// lib/Target/CPU's CPUJit (the --quant4-cpu-pipeline and MLIR's
// ExecutionEngine, exactly as q4-run does) and called in process.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_BENCH_CPU_QUANT4MATMUL_H
#define QUANT4_BENCH_CPU_QUANT4MATMUL_H

#include <cstdint>
#include <memory>
#include <string>

namespace quant4::bench {

class Quant4Matmul {
public:
  /// Compiles the matmul for a weight format given as its dialect attribute
  /// body (e.g. "q4_k", "mxfp4", "nf4"); `weightBytes` is its storage size;
  /// `activations` the matmul's activation mode ("f32" or "q8_k");
  /// `threads` is the pipeline's threads option (OpenMP when > 1). Returns
  /// null and sets `error` on failure.
  static std::unique_ptr<Quant4Matmul> compile(const std::string &format,
                                               int64_t n, int64_t k, int64_t m,
                                               int64_t weightBytes,
                                               const std::string &activations,
                                               int threads, std::string &error);
  ~Quant4Matmul();

  /// Calls the compiled function once; false and `error` on failure.
  bool run(std::string &error);
  /// Puts the OpenMP runtime's idle workers to sleep
  /// (omp_pause_resource_all, soft: they spin for KMP_BLOCKTIME after each
  /// parallel region otherwise); the next parallel region wakes them.
  static void pauseThreads();

  uint8_t *weights();
  float *activations();
  /// The result of the last run().
  const float *result() const;
  /// Seconds spent in compile().
  double compileSeconds() const { return compileTime; }
  /// Wall-clock seconds of the last run().
  double lastRunSeconds() const { return runTime; }

private:
  struct Impl;
  explicit Quant4Matmul(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
  double compileTime = 0;
  double runTime = 0;
};

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_QUANT4MATMUL_H
