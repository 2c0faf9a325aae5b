//===- NF4.cpp - bitsandbytes 4-bit NormalFloat ---------------------------===//

#include "Format/NF4.h"

#include "Format/DynamicMap.h"
#include "Format/Layout.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace quant4::format {

namespace {

constexpr float kMinAbsmax = 1e-38f;

/// bucketize(scaled, midpoints, right=False): the number of midpoints
/// strictly below `scaled`.
uint8_t nf4Code(float scaled) {
  static const std::array<float, 15> midpoints = [] {
    std::array<float, 15> m{};
    const std::array<float, 16> &code = nf4Codebook();
    for (int i = 0; i < 15; ++i)
      m[i] = (code[i] + code[i + 1]) / 2;
    return m;
  }();
  return uint8_t(std::lower_bound(midpoints.begin(), midpoints.end(), scaled) -
                 midpoints.begin());
}

Status checkBlockSize(int64_t blockSize) {
  if (isValidNF4BlockSize(blockSize))
    return Status::success();
  return Status::error("NF4 block size " + std::to_string(blockSize) +
                       " is not a power of two in [32, 4096]");
}

} // namespace

const std::array<float, 16> &nf4Codebook() {
  static const std::array<float, 16> code = {-1.0f,
                                             -0.6961928009986877f,
                                             -0.5250730514526367f,
                                             -0.39491748809814453f,
                                             -0.28444138169288635f,
                                             -0.18477343022823334f,
                                             -0.09105003625154495f,
                                             0.0f,
                                             0.07958029955625534f,
                                             0.16093020141124725f,
                                             0.24611230194568634f,
                                             0.33791524171829224f,
                                             0.44070982933044434f,
                                             0.5626170039176941f,
                                             0.7229568362236023f,
                                             1.0f};
  return code;
}

int64_t nf4NumBlocks(int64_t n, int64_t blockSize) {
  return (n + blockSize - 1) / blockSize;
}

Status quantizeNF4(const float *x, int64_t n, int64_t blockSize, uint8_t *codes,
                   float *absmax) {
  if (Status s = checkBlockSize(blockSize); !s)
    return s;
  auto codeAt = [&](int64_t i, int64_t block, float scale, bool divide) {
    if (i >= n)
      return nf4Code(0.0f); // Odd length: one padding code.
    float v = divide ? x[i] / absmax[block] : x[i] * scale;
    return nf4Code(std::clamp(v, -1.0f, 1.0f));
  };
  int64_t numBlocks = nf4NumBlocks(n, blockSize);
  for (int64_t b = 0; b < numBlocks; ++b) {
    int64_t start = b * blockSize;
    int64_t end = std::min(n, start + blockSize);
    float am = 0;
    for (int64_t i = start; i < end; ++i)
      am = std::max(am, std::fabs(x[i]));
    bool tail = end - start < blockSize;
    // A full block stores absmax as is and multiplies by its clamped
    // reciprocal; the tail block stores the clamped value and divides.
    absmax[b] = tail ? std::max(am, kMinAbsmax) : am;
    float scale = 1.0f / std::max(am, kMinAbsmax);
    for (int64_t i = start; i < end; i += 2) {
      // Elements 2k and 2k+1 are in the same block (block sizes are even).
      codes[i / 2] = uint8_t((codeAt(i, b, scale, tail) << 4) |
                             codeAt(i + 1, b, scale, tail));
    }
  }
  return Status::success();
}

Status dequantizeNF4(const uint8_t *codes, const float *absmax, int64_t n,
                     int64_t blockSize, float *y) {
  if (Status s = checkBlockSize(blockSize); !s)
    return s;
  const std::array<float, 16> &code = nf4Codebook();
  for (int64_t start = 0; start < n; start += blockSize) {
    const float scale = absmax[start / blockSize];
    const int64_t end = std::min(n, start + blockSize);
    // Blocks start on a byte (block sizes are even); the first element of a
    // byte is its high nibble.
    for (int64_t i = start; i < end; i += 2) {
      uint8_t byte = codes[i / 2];
      y[i] = code[byte >> 4] * scale;
      if (i + 1 < end)
        y[i + 1] = code[byte & 0xF] * scale;
    }
  }
  return Status::success();
}

NF4NestedAbsmax compressAbsmax(const float *absmax, int64_t numBlocks) {
  NF4NestedAbsmax nested;
  double sum = 0;
  for (int64_t i = 0; i < numBlocks; ++i)
    sum += absmax[i];
  nested.offset = numBlocks ? float(sum / double(numBlocks)) : 0.0f;
  std::vector<float> centered(numBlocks);
  for (int64_t i = 0; i < numBlocks; ++i)
    centered[i] = absmax[i] - nested.offset;
  nested.qabsmax.resize(numBlocks);
  nested.absmax2.resize(nf4NumBlocks(numBlocks, kNF4NestedBlock));
  quantizeBlockwise8(centered.data(), numBlocks, kNF4NestedBlock,
                     nested.qabsmax.data(), nested.absmax2.data());
  return nested;
}

void decompressAbsmax(const uint8_t *qabsmax, const float *absmax2,
                      float offset, int64_t numBlocks, float *absmax) {
  dequantizeBlockwise8(qabsmax, absmax2, numBlocks, kNF4NestedBlock, absmax);
  for (int64_t i = 0; i < numBlocks; ++i)
    absmax[i] += offset;
}

} // namespace quant4::format
