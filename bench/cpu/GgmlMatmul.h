//===- GgmlMatmul.h - one ggml_mul_mat graph, ready to run ------*- C++ -*-===//
//
// y[M, N] = x[M, K] * W[N, K]^T through ggml_mul_mat: W of a ggml block type
// (Q4_K, MXFP4), x and y float32. The tensors live in a ggml context of
// their own; the caller fills weights() and activations() once and calls
// run() as often as it likes. Threads go through a persistent ggml
// threadpool, as llama.cpp runs them.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_BENCH_CPU_GGMLMATMUL_H
#define QUANT4_BENCH_CPU_GGMLMATMUL_H

#include "GgmlLib.h"

#include <vector>

namespace quant4::bench {

class GgmlMatmul {
public:
  GgmlMatmul(const GgmlApi &api, int type, int64_t n, int64_t k, int64_t m);
  ~GgmlMatmul();
  GgmlMatmul(const GgmlMatmul &) = delete;
  GgmlMatmul &operator=(const GgmlMatmul &) = delete;

  /// Plans the graph for `threads` threads (and makes their threadpool).
  void setThreads(int threads);
  /// Computes the graph once; false if ggml reports an error.
  bool run();
  /// Puts the threadpool's workers to sleep (they poll for work for a while
  /// after each run otherwise); the next run wakes them.
  void pause();

  uint8_t *weights() const;
  size_t weightBytes() const;
  float *activations() const;
  const float *result() const;

private:
  const GgmlApi &api;
  ggml_context *ctx = nullptr;
  ggml_tensor *w = nullptr, *x = nullptr, *y = nullptr;
  ggml_cgraph *graph = nullptr;
  ggml_threadpool *pool = nullptr;
  GgmlCplan plan = {};
  std::vector<uint8_t> work;
};

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_GGMLMATMUL_H
