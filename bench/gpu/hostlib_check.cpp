//===- hostlib_check.cpp - Run a generated GPU host library's q4_gemv -----===//
//
//   q4-hostlib-check
//
// Calls q4_gemv of the host library `q4-compile --target=nvptx` made from
// examples/gemv_q4k.mlir (gen_hostlib.sh: 1x4096 activations times a
// 4096x4096 Q4_K weight) through its C ABI only, with cuMemAlloc'd buffers
// (allocated through lib/Runtime): fresh random weights (RandomWeights.h),
// lib/Format's dequantization and a float64 reference, the output poisoned
// with NaN before each call (NaN never passes); once on a stream, once on
// the default stream (null), once as q4_gemv_with_workspace replayed from
// a CUDA graph captured after q4_gemv_q4k_prepare. Then the error path (a
// misaligned pointer: -1 and a message) and the time per call (Timing.h:
// CUDA events behind a busy stream, median of 200, weights rotated past
// L2). Prints "RESULT hostlib_q4k ..." and exits non-zero on any failure.
//
//===----------------------------------------------------------------------===//

#include "gemv_q4k.h"

#include "Fatal.h"
#include "RandomWeights.h"
#include "Reference.h"
#include "Timing.h"

#include "Runtime/CudaGraph.h"
#include "Runtime/CudaModule.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>

using namespace quant4;
using namespace quant4::runtime;
using quant4::bench::die;
using quant4::bench::orDie;

namespace {

constexpr int64_t kN = 4096, kK = 4096;
constexpr uint32_t kNaN = 0x7FC00000u;

const float *floats(const DeviceBuffer &buffer) {
  return reinterpret_cast<const float *>(buffer.get());
}

/// q4_gemv through the library's C ABI; dies with its message on failure.
void gemv(const DeviceBuffer &x, const DeviceBuffer &w, DeviceBuffer &y,
          void *stream) {
  int rc = q4_gemv(floats(x), reinterpret_cast<const uint8_t *>(w.get()),
                   reinterpret_cast<float *>(y.get()), stream);
  if (rc != 0)
    die("q4_gemv returned " + std::to_string(rc) + ": " + q4_gemv_q4k_error());
}

} // namespace

int main() {
  static_assert(Q4_GEMV_ARG0_ELEMENTS == kK && Q4_GEMV_RESULT0_ELEMENTS == kN,
                "gemv_q4k.h is not the 4096x4096 GEMV");
  ContextRef context = orDie(Context::createDefault());
  Stream stream = orDie(Stream::create(context));
  std::mt19937_64 rng(20261125);
  format::FormatSpec spec = format::FormatSpec::q4k();
  std::vector<uint8_t> storage = bench::randomStorage(spec, kN, kK, rng);
  if (storage.size() != size_t(Q4_GEMV_ARG1_ELEMENTS))
    die("storage size mismatch");
  std::vector<float> w(kN * kK);
  orDie(format::dequantize(spec, storage.data(), kN * kK, w.data()));
  std::normal_distribution<float> normal;
  std::vector<float> x(kK);
  for (float &v : x)
    v = normal(rng);
  std::vector<double> ref = bench::matmulReference(x, w, 1, kN, kK);

  DeviceBuffer dx = orDie(DeviceBuffer::allocate(context, kK * 4));
  DeviceBuffer dy = orDie(DeviceBuffer::allocate(context, kN * 4));
  orDie(dx.upload(x.data(), kK * 4));
  int l2 = orDie(context->attribute(cuda::CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE));
  size_t copies = std::max<size_t>(4, (4 * size_t(l2) + storage.size() - 1) /
                                          storage.size());
  std::vector<DeviceBuffer> weights;
  for (size_t c = 0; c < copies; ++c) {
    weights.push_back(orDie(DeviceBuffer::allocate(context, storage.size())));
    orDie(weights.back().upload(storage.data(), storage.size()));
  }

  bool ok = true;
  double worst = 0;
  // Runs `call` on a NaN-poisoned output and checks the result.
  auto check = [&](const std::function<void()> &call) {
    orDie(dy.fill32(kNaN, stream));
    orDie(stream.synchronize());
    call();
    orDie(context->synchronize());
    std::vector<float> y(kN);
    orDie(dy.download(y.data(), kN * 4));
    double error = bench::relativeError(y, ref);
    worst = std::max(worst, error);
    ok = ok && error <= 1e-4;
  };
  for (void *s : {static_cast<void *>(stream.get()), static_cast<void *>(0)})
    check([&] { gemv(dx, weights[0], dy, s); });
  // The workspace entry (this GEMV needs none: NULL, 0) from a CUDA graph,
  // captured after q4_gemv_q4k_prepare: nothing is loaded or allocated
  // while the stream captures.
  if (q4_gemv_workspace_size() != Q4_GEMV_WORKSPACE_BYTES ||
      q4_gemv_q4k_prepare(stream.get()) != 0)
    die(std::string("q4_gemv_q4k_prepare: ") + q4_gemv_q4k_error());
  check([&] {
    Graph graph = orDie(Graph::capture(stream, [&] {
      int rc = q4_gemv_with_workspace(
          floats(dx), reinterpret_cast<const uint8_t *>(weights[0].get()),
          reinterpret_cast<float *>(dy.get()), nullptr,
          q4_gemv_workspace_size(), stream.get());
      return rc == 0 ? Status::success() : Status::error(q4_gemv_q4k_error());
    }));
    orDie(graph.launch(stream));
    orDie(stream.synchronize()); // before the graph is destroyed
  });

  // A misaligned pointer is refused with -1 and a message naming it.
  int rc = q4_gemv(floats(dx) + 1,
                   reinterpret_cast<const uint8_t *>(weights[0].get()),
                   reinterpret_cast<float *>(dy.get()), stream.get());
  std::string message = q4_gemv_q4k_error();
  bool refused =
      rc == -1 && message.find("not 16-byte aligned") != std::string::npos;
  std::printf("misaligned -> %d: %s\n", rc, message.c_str());

  bench::LaunchTimer timer = orDie(bench::LaunchTimer::create(context));
  bench::Timing t = timer.time(
      stream,
      [&](size_t c) {
        gemv(dx, weights[c], dy, stream.get());
        return format::Status::success();
      },
      copies, 200);
  std::printf("RESULT hostlib_q4k %lld %lld 1 %.2f %.2f %.2f relerr=%.1e,%s,"
              "copies=%zu\n",
              (long long)kN, (long long)kK, t.median, t.min, t.max, worst,
              ok && refused ? "PASS" : "FAIL", copies);
  return ok && refused ? 0 : 1;
}
