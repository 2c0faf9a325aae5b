//===- WeightFormat.cpp - the weight formats both sides multiply ----------===//

#include "WeightFormat.h"

#include "Format/GGMLType.h"
#include "Format/GgmlBlocks.h"

#include <random>

using namespace quant4::bench;
using namespace quant4::format;

std::optional<WeightFormat>
quant4::bench::findWeightFormat(const std::string &name) {
  if (name == "q4_k")
    return WeightFormat{name, "q4_k", FormatSpec::q4k(), int(GGMLType::Q4_K),
                        int(GGMLType::Q8_K)};
  if (name == "mxfp4")
    return WeightFormat{name, "mxfp4", FormatSpec::mxfp4(MXFP4Layout::GGML),
                        int(GGMLType::MXFP4), int(GGMLType::Q8_0)};
  return std::nullopt;
}

int64_t quant4::bench::rowBytes(const WeightFormat &format, int64_t k) {
  int64_t bytes = 0;
  return storageBytes(format.spec, k, bytes).ok() ? bytes : 0;
}

std::vector<float> quant4::bench::gaussian(int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> values(static_cast<size_t>(count));
  for (float &v : values)
    v = normal(rng);
  return values;
}

std::vector<uint8_t> quant4::bench::randomWeights(const WeightFormat &format,
                                                  int64_t n, int64_t k,
                                                  unsigned seed) {
  std::vector<float> values = gaussian(n * k, seed);
  std::vector<uint8_t> storage(size_t(rowBytes(format, k) * n));
  if (storage.empty() ||
      !quantize(format.spec, values.data(), n * k, storage.data()).ok())
    return {};
  return storage;
}

std::vector<float> quant4::bench::roundLikeGgml(const WeightFormat &format,
                                                const float *x, int64_t k) {
  std::vector<float> rounded(static_cast<size_t>(k));
  if (format.ggmlActivationType == int(GGMLType::Q8_K)) {
    std::vector<uint8_t> blocks(size_t(k / kQK_K * kQ8KBlockBytes));
    quantizeQ8K(x, k, blocks.data());
    dequantizeQ8K(blocks.data(), k, rounded.data());
  } else {
    std::vector<uint8_t> blocks(size_t(k / 32 * kQ8_0BlockBytes));
    quantizeQ8_0(x, k, blocks.data());
    dequantizeQ8_0(blocks.data(), k, rounded.data());
  }
  return rounded;
}
