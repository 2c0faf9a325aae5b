//===- GgmlMatmul.cpp - one ggml_mul_mat graph, ready to run --------------===//

#include "GgmlMatmul.h"

using namespace quant4::bench;

namespace {
constexpr int kGgmlF32 = 0;
/// Room for tensor headers and the graph beside the tensor data.
constexpr size_t kContextSlack = size_t(8) << 20;
} // namespace

GgmlMatmul::GgmlMatmul(const GgmlApi &api, int type, int64_t n, int64_t k,
                       int64_t m)
    : api(api) {
  size_t data = api.rowSize(type, k) * size_t(n) +
                sizeof(float) * size_t(m) * size_t(k + n);
  ctx = api.init({data + kContextSlack, nullptr, /*noAlloc=*/false});
  w = api.newTensor2d(ctx, type, k, n);
  x = api.newTensor2d(ctx, kGgmlF32, k, m);
  y = api.mulMat(ctx, w, x);
  graph = api.newGraph(ctx);
  api.buildForwardExpand(graph, y);
  setThreads(1);
}

GgmlMatmul::~GgmlMatmul() {
  if (pool)
    api.threadpoolFree(pool);
  api.free(ctx);
}

void GgmlMatmul::setThreads(int threads) {
  if (pool)
    api.threadpoolFree(pool);
  GgmlThreadpoolParams params = api.threadpoolParamsDefault(threads);
  pool = api.threadpoolNew(&params);
  plan = api.graphPlan(graph, threads, pool);
  work.assign(plan.workSize + 64, 0);
  plan.workData = work.data();
}

bool GgmlMatmul::run() { return api.graphCompute(graph, &plan) == 0; }

void GgmlMatmul::pause() { api.threadpoolPause(pool); }

uint8_t *GgmlMatmul::weights() const {
  return static_cast<uint8_t *>(api.getData(w));
}
size_t GgmlMatmul::weightBytes() const { return api.nbytes(w); }
float *GgmlMatmul::activations() const {
  return static_cast<float *>(api.getData(x));
}
const float *GgmlMatmul::result() const {
  return static_cast<const float *>(api.getData(y));
}
