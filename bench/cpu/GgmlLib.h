//===- GgmlLib.h - ggml's CPU backend, loaded at run time -------*- C++ -*-===//
//
// The baseline of the CPU matmul benchmark: ggml as shipped prebuilt by the
// npm package @node-llama-cpp/linux-x64 (libggml-base.so plus one
// libggml-cpu-<family>.so per CPU family). Nothing of ggml is linked or
// included: the few C entry points used are declared here and resolved with
// dlopen/dlsym. The CPU variant is chosen like ggml's own backend loader
// does: the library whose ggml_backend_score() is highest on this machine.
//
//===----------------------------------------------------------------------===//

#ifndef QUANT4_BENCH_CPU_GGMLLIB_H
#define QUANT4_BENCH_CPU_GGMLLIB_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace quant4::bench {

struct ggml_context;
struct ggml_tensor;
struct ggml_cgraph;
struct ggml_threadpool;

/// ggml.h's `struct ggml_init_params` (unchanged since 2023).
struct GgmlInitParams {
  size_t memSize;
  void *memBuffer;
  bool noAlloc;
};

/// ggml-cpu.h's `struct ggml_cplan`: only the leading work buffer fields are
/// used; the padding covers the rest of it (returned through a hidden
/// pointer, so a larger declared size is harmless).
struct GgmlCplan {
  size_t workSize;
  uint8_t *workData;
  unsigned char rest[112];
};

/// ggml-cpu.h's `struct ggml_threadpool_params`, kept opaque (about 530
/// bytes in ggml 0.9; filled by ggml_threadpool_params_default).
struct GgmlThreadpoolParams {
  alignas(16) unsigned char bytes[4096];
};

/// The ggml entry points the benchmark calls.
struct GgmlApi {
  const char *(*version)();
  const char *(*commit)();
  const char *(*typeName)(int type);
  ggml_context *(*init)(GgmlInitParams params);
  void (*free)(ggml_context *ctx);
  ggml_tensor *(*newTensor2d)(ggml_context *ctx, int type, int64_t ne0,
                              int64_t ne1);
  ggml_tensor *(*mulMat)(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b);
  ggml_cgraph *(*newGraph)(ggml_context *ctx);
  void (*buildForwardExpand)(ggml_cgraph *graph, ggml_tensor *tensor);
  void *(*getData)(const ggml_tensor *tensor);
  size_t (*nbytes)(const ggml_tensor *tensor);
  size_t (*rowSize)(int type, int64_t ne);
  GgmlThreadpoolParams (*threadpoolParamsDefault)(int threads);
  // From the CPU variant library.
  void (*cpuInit)();
  ggml_threadpool *(*threadpoolNew)(GgmlThreadpoolParams *params);
  void (*threadpoolFree)(ggml_threadpool *pool);
  void (*threadpoolPause)(ggml_threadpool *pool);
  GgmlCplan (*graphPlan)(const ggml_cgraph *graph, int threads,
                         ggml_threadpool *pool);
  int (*graphCompute)(ggml_cgraph *graph, GgmlCplan *plan);
};

/// The loaded libraries. dlopen handles stay open for the process lifetime.
class GgmlLib {
public:
  /// Loads libggml-base.so and the best-scoring libggml-cpu-*.so of `dir`
  /// (or `cpuVariant`, e.g. "zen4", when not empty). Returns false and sets
  /// `error` on failure.
  bool load(const std::string &dir, const std::string &cpuVariant,
            std::string &error);

  const GgmlApi &api() const { return fns; }
  /// The chosen CPU library's file name, e.g. "libggml-cpu-zen4.so".
  const std::string &cpuLibrary() const { return cpuName; }

private:
  GgmlApi fns = {};
  std::string cpuName;
};

} // namespace quant4::bench

#endif // QUANT4_BENCH_CPU_GGMLLIB_H
