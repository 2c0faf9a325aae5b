//===- RandomWeights.cpp - Fresh random storage for each format -----------===//

#include "RandomWeights.h"

#include "Format/Float16.h"

#include <cstring>
#include <stdexcept>

namespace quant4::bench {

using format::FormatKind;
using format::FormatSpec;

std::vector<BenchFormat> benchFormats() {
  return {{"q4k", FormatSpec::q4k()},
          {"nf4", FormatSpec::nf4(64, false)},
          {"nf4dq", FormatSpec::nf4(64, true)},
          {"mxfp4", FormatSpec::mxfp4(format::MXFP4Layout::GGML)},
          {"mxfp4hf", FormatSpec::mxfp4(format::MXFP4Layout::HF)},
          {"q4kq8", FormatSpec::q4k(), /*q8kActivations=*/true},
          {"q4kh", FormatSpec::q4k(), /*q8kActivations=*/false,
           /*halfActivations=*/true}};
}

std::vector<uint8_t> randomStorage(const FormatSpec &spec, int64_t n, int64_t k,
                                   std::mt19937_64 &rng) {
  int64_t bytes = 0;
  if (!format::storageBytes(spec, n * k, bytes).ok())
    throw std::runtime_error("randomStorage: bad size");
  std::vector<uint8_t> storage(bytes);
  for (int64_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t word = rng();
    std::memcpy(&storage[i], &word, 8);
  }
  for (int64_t i = bytes / 8 * 8; i < bytes; ++i)
    storage[i] = uint8_t(rng());
  std::uniform_real_distribution<float> scale(0.5f, 2.0f);
  int64_t blocks = n * k / format::layoutOf(spec).blockSize;
  switch (spec.kind) {
  case FormatKind::Q4_K: // fp16 d, dmin at the start of each 144-byte block
    for (int64_t b = 0; b < blocks; ++b) {
      format::storeFp16(&storage[b * 144], scale(rng) * 1e-3f);
      format::storeFp16(&storage[b * 144 + 2], scale(rng) * 1e-3f);
    }
    break;
  case FormatKind::NF4: { // codes plane, then one f32 absmax per block
    format::BlockLayout layout = format::layoutOf(spec);
    auto floats = [&](size_t plane) {
      return reinterpret_cast<float *>(
          &storage[*layout.planeOffset(plane, blocks)]);
    };
    if (!spec.nf4DoubleQuant) {
      float *absmax = floats(1);
      for (int64_t b = 0; b < blocks; ++b)
        absmax[b] = scale(rng);
      break;
    }
    // Double quantized: random qabsmax bytes (the dynamic map's [-1, 1])
    // times small absmax2 scales plus an offset of 1 keep absmax near 1.
    float *absmax2 = floats(2);
    for (int64_t g = 0; g < (blocks + 255) / 256; ++g)
      absmax2[g] = scale(rng) * 0.1f;
    *floats(3) = 1.0f;
    break;
  }
  case FormatKind::MXFP4: // E8M0 byte of each 17-byte block, or hf's plane
    for (int64_t b = 0; b < blocks; ++b)
      storage[spec.mxfp4Layout == format::MXFP4Layout::GGML ? b * 17
                                                            : n * k / 2 + b] =
          uint8_t(120 + rng() % 10);
    break;
  default:
    throw std::runtime_error("randomStorage: format not benchmarked");
  }
  return storage;
}

} // namespace quant4::bench
