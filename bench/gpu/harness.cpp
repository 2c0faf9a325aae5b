//===- harness.cpp - Check and time the PTX kernels q4-nvptx compiled -----===//
//
//   q4-gpu-bench KERNEL_DIR [--tolerance 1e-4] [--mma-tolerance 2e-3]
//                [--only q4k_14336x4096] [--ms 64,2048]
//                [--shapes 4000x4096,...]
//
// For every format (q4kq8: Q4_K with `activations q8_k`, the reference on
// x rounded to Q8_K), shape (N, K) and M with a bundle in KERNEL_DIR
// (<format>_<N>x<K>.manifest and, for the GEMM class, <format>_<N>x<K>_gemm
// .manifest; functions m<M>, made by gen_kernels.sh):
//  1. correctness: fresh random weights (RandomWeights.h), their lib/Format
//     dequantization, random activations, a float64 reference; the output
//     is poisoned with NaN before the launch (NaN never passes). At M > 64
//     the reference covers 64 rows spread over M (every output must still
//     be finite); at M > 16 the tensor-core kernels multiply f16-rounded
//     operands, checked against --mma-tolerance (docs/NVPTX.md);
//  2. timing (Timing.h): CUDA events around each launch, queued behind a
//     busy stream so the host's submission is not timed; warm-up, median
//     of many, weights rotated over enough copies to exceed L2 (>= 4).
// Prints "RESULT quant4_<format> N K M median min max note" lines (the
// format torch_baselines.py prints too) and exits non-zero on any failure.
//
//===----------------------------------------------------------------------===//

#include "Fatal.h"
#include "RandomWeights.h"
#include "Reference.h"
#include "Timing.h"

#include "Format/Float16.h"
#include "Format/GgmlBlocks.h"
#include "Runtime/CudaGraph.h"
#include "Runtime/CudaModule.h"
#include "Runtime/KernelBundle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace quant4;
using namespace quant4::runtime;
using quant4::bench::die;
using quant4::bench::orDie;

namespace {

const std::pair<int64_t, int64_t> kShapes[] = {
    {4096, 4096}, {11008, 4096}, {14336, 4096}, {4096, 14336}};
const int64_t kMs[] = {1, 4, 16, 64, 256, 2048};

/// The positive integers of a list like "64,2048", separated by any one
/// of `separators`; `what` names the option in the error.
std::vector<int64_t> parseList(const char *text, const char *what,
                               const char *separators) {
  std::vector<int64_t> values;
  for (const char *p = text; *p;) {
    char *end;
    values.push_back(std::strtoll(p, &end, 10));
    if (end == p || values.back() <= 0 ||
        (*end && !std::strchr(separators, *end)) || (*end && !end[1]))
      die(std::string("bad ") + what + " " + text);
    p = *end ? end + 1 : end;
  }
  return values;
}
/// Largest M of the GEMV-class kernels (f32 products, --tolerance).
constexpr int64_t kGemvMaxRows = 16;
/// Rows of a large-M output checked against the float64 reference.
constexpr int64_t kCheckedRows = 64;
constexpr uint32_t kNaN = 0x7FC00000u;

bool exists(const std::string &path) { return std::ifstream(path).good(); }

/// x ([rows, k]) rounded to Q8_K and back (lib/Format), row by row.
std::vector<float> roundToQ8K(const std::vector<float> &x, int64_t k) {
  std::vector<float> rounded(x.size());
  std::vector<uint8_t> blocks(k / 256 * format::kQ8KBlockBytes);
  for (size_t row = 0; row * k < x.size(); ++row) {
    format::quantizeQ8K(&x[row * k], k, blocks.data());
    format::dequantizeQ8K(blocks.data(), k, &rounded[row * k]);
  }
  return rounded;
}

/// The rows of an M-row output compared with the reference: all of them up
/// to kCheckedRows, else kCheckedRows evenly spread ones, the last included.
std::vector<int64_t> checkedRows(int64_t m) {
  std::vector<int64_t> rows;
  int64_t count = std::min(m, kCheckedRows);
  for (int64_t i = 0; i < count; ++i)
    rows.push_back(count == m ? i : i * (m - 1) / (count - 1));
  return rows;
}

/// Rows `rows` of the row-major [*, width] matrix `a`.
template <typename T>
std::vector<T> gatherRows(const std::vector<T> &a, int64_t width,
                          const std::vector<int64_t> &rows) {
  std::vector<T> out;
  for (int64_t r : rows)
    out.insert(out.end(), a.begin() + r * width, a.begin() + (r + 1) * width);
  return out;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    die("usage: q4-gpu-bench KERNEL_DIR [--tolerance T] [--mma-tolerance T] "
        "[--only NAME] [--ms M,M,...] [--shapes NxK,NxK,...]");
  std::string dir = argv[1];
  double tolerance = 1e-4, mmaTolerance = 2e-3;
  std::vector<int64_t> ms(std::begin(kMs), std::end(kMs));
  std::vector<std::pair<int64_t, int64_t>> shapes(std::begin(kShapes),
                                                  std::end(kShapes));
  std::string only; // e.g. "q4k_14336x4096": one bundle (for profiling)
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tolerance") == 0)
      tolerance = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--mma-tolerance") == 0)
      mmaTolerance = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--ms") == 0)
      ms = parseList(argv[i + 1], "--ms", ",");
    else if (std::strcmp(argv[i], "--shapes") == 0) {
      // N x K pairs: the list alternates N and K.
      std::vector<int64_t> sizes = parseList(argv[i + 1], "--shapes", ",x");
      if (sizes.size() % 2 != 0 || std::strchr(argv[i + 1], 'x') == nullptr)
        die(std::string("bad --shapes ") + argv[i + 1]);
      shapes.clear();
      for (size_t j = 0; j < sizes.size(); j += 2)
        shapes.emplace_back(sizes[j], sizes[j + 1]);
    } else if (std::strcmp(argv[i], "--only") == 0)
      only = argv[i + 1];
    else
      die(std::string("unknown option ") + argv[i]);
  }

  ContextRef context = orDie(Context::createDefault());
  int l2 = orDie(context->attribute(cuda::CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE));
  int sms =
      orDie(context->attribute(cuda::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT));
  std::printf("device %s, %d SMs, L2 %d MB\n", context->deviceName().c_str(),
              sms, l2 >> 20);
  Stream stream = orDie(Stream::create(context));
  bench::LaunchTimer timer = orDie(bench::LaunchTimer::create(context));
  std::mt19937_64 rng(20261124);
  std::normal_distribution<float> normal;
  int failures = 0, checked = 0;

  for (const bench::BenchFormat &format : bench::benchFormats()) {
    for (auto [n, k] : shapes) {
      std::string name =
          format.name + "_" + std::to_string(n) + "x" + std::to_string(k);
      if (!only.empty() && name != only)
        continue;
      std::vector<KernelBundle> bundles;
      for (const char *suffix : {"", "_gemm"}) {
        std::string manifest = dir + "/" + name + suffix + ".manifest";
        if (exists(manifest))
          bundles.push_back(orDie(KernelBundle::load(context, manifest)));
      }
      if (bundles.empty()) {
        std::printf("SKIP %s: no bundle\n", name.c_str());
        continue;
      }
      std::vector<uint8_t> storage =
          bench::randomStorage(format.spec, n, k, rng);
      std::vector<float> w(n * k);
      orDie(format::dequantize(format.spec, storage.data(), n * k, w.data()));
      // Rotate over >= 4 copies and >= 4x L2 of weights.
      size_t copies = std::max<size_t>(
          4, (4 * size_t(l2) + storage.size() - 1) / storage.size());
      std::vector<DeviceBuffer> weights;
      weights.push_back(orDie(DeviceBuffer::allocate(context, storage.size())));
      orDie(weights[0].upload(storage.data(), storage.size()));
      for (size_t c = 1; c < copies; ++c) {
        weights.push_back(
            orDie(DeviceBuffer::allocate(context, storage.size())));
        orDie(weights[c].copyFrom(weights[0], stream));
      }
      for (int64_t m : ms) {
        std::string function = "m" + std::to_string(m);
        auto found = std::find_if(
            bundles.begin(), bundles.end(),
            [&](const KernelBundle &b) { return b.function(function); });
        if (found == bundles.end())
          continue;
        KernelBundle &bundle = *found;
        std::vector<float> x(m * k);
        for (float &v : x)
          v = normal(rng);
        // f16 activations: the kernels get x's f16 bits, the reference the
        // values they stand for.
        std::vector<uint16_t> xh;
        if (format.halfActivations) {
          xh.resize(x.size());
          format::floatToFp16(x.data(), int64_t(x.size()), xh.data());
          format::fp16ToFloat(xh.data(), int64_t(x.size()), x.data());
        }
        std::vector<int64_t> rows = checkedRows(m);
        std::vector<double> ref = bench::matmulReference(
            gatherRows(format.q8kActivations ? roundToQ8K(x, k) : x, k, rows),
            w, int64_t(rows.size()), n, k);
        size_t xBytes = xh.empty() ? x.size() * 4 : xh.size() * 2;
        DeviceBuffer dx = orDie(DeviceBuffer::allocate(context, xBytes));
        DeviceBuffer dy = orDie(DeviceBuffer::allocate(context, m * n * 4));
        orDie(dx.upload(xh.empty() ? static_cast<const void *>(x.data())
                                   : static_cast<const void *>(xh.data()),
                        xBytes));
        orDie(dy.fill32(kNaN, stream));
        orDie(bundle.run(function, {&dx, &weights[0], &dy}, stream));
        orDie(stream.synchronize());
        std::vector<float> y(m * n);
        orDie(dy.download(y.data(), y.size() * 4));
        double error = bench::relativeError(gatherRows(y, n, rows), ref);
        if (!std::all_of(y.begin(), y.end(),
                         [](float v) { return std::isfinite(v); }))
          error = std::numeric_limits<double>::infinity();
        bool ok = error <= (m > kGemvMaxRows ? mmaTolerance : tolerance);
        failures += !ok;
        ++checked;
        bench::Timing t = timer.time(
            stream,
            [&](size_t c) {
              return bundle.run(function, {&dx, &weights[c], &dy}, stream);
            },
            copies);
        // The same launches replayed as CUDA graphs (one per weight copy):
        // what a decode loop would run, without per-kernel launch gaps.
        std::vector<Graph> graphs;
        for (size_t c = 0; c < copies; ++c)
          graphs.push_back(orDie(Graph::capture(stream, [&] {
            return bundle.run(function, {&dx, &weights[c], &dy}, stream);
          })));
        bench::Timing g = timer.time(
            stream, [&](size_t c) { return graphs[c].launch(stream); }, copies);
        double bytes = double(storage.size()) + 4.0 * m * (k + n);
        std::printf("RESULT quant4_%s %lld %lld %lld %.2f %.2f %.2f "
                    "relerr=%.1e,%s,%.0fGB/s,copies=%zu,graph=%.2f(%.2f-%.2f)"
                    ",kernels=%zu,%.1fTFLOPS\n",
                    format.name.c_str(), (long long)n, (long long)k,
                    (long long)m, t.median, t.min, t.max, error,
                    ok ? "PASS" : "FAIL", bytes / (t.median * 1e-6) / 1e9,
                    copies, g.median, g.min, g.max,
                    bundle.function(function)->launches.size(),
                    2.0 * m * n * k / (t.median * 1e-6) / 1e12);
        std::fflush(stdout);
      }
    }
  }
  std::printf(
      "checked %d kernels, %d failed (tolerance %.0e, %.0e at M > %lld)\n",
      checked, failures, tolerance, mmaTolerance, (long long)kGemvMaxRows);
  return failures == 0 && checked > 0 ? 0 : 1;
}
