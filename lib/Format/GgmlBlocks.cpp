//===- GgmlBlocks.cpp - ggml Q4_0, Q8_0 and Q8_K blocks -------------------===//

#include "Format/GgmlBlocks.h"

#include "Format/Float16.h"
#include "Format/Layout.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace quant4::format {

namespace {
constexpr int kQK = 32;
} // namespace

void quantizeQ4_0(const float *x, int64_t n, uint8_t *out) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK, out += kQ4_0BlockBytes) {
    float amax = 0.0f;
    float max = 0.0f;
    for (int j = 0; j < kQK; ++j) {
      if (amax < std::fabs(x[j])) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    const float d = max / -8;
    const float id = d ? 1.0f / d : 0.0f;
    storeFp16(out, d);
    for (int j = 0; j < kQK / 2; ++j) {
      auto lo = uint8_t(std::min<int>(15, int8_t(x[j] * id + 8.5f)));
      auto hi = uint8_t(std::min<int>(15, int8_t(x[j + kQK / 2] * id + 8.5f)));
      out[2 + j] = uint8_t(lo | (hi << 4));
    }
  }
}

void dequantizeQ4_0(const uint8_t *blocks, int64_t n, float *y) {
  for (int64_t b = 0; b < n / kQK; ++b, blocks += kQ4_0BlockBytes, y += kQK) {
    const float d = loadFp16(blocks);
    for (int j = 0; j < kQK / 2; ++j) {
      y[j] = ((blocks[2 + j] & 0x0F) - 8) * d;
      y[j + kQK / 2] = ((blocks[2 + j] >> 4) - 8) * d;
    }
  }
}

void quantizeQ8_0(const float *x, int64_t n, uint8_t *out) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK, out += kQ8_0BlockBytes) {
    float amax = 0.0f;
    for (int j = 0; j < kQK; ++j)
      amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127;
    const float id = d ? 1.0f / d : 0.0f;
    storeFp16(out, d);
    for (int j = 0; j < kQK; ++j)
      out[2 + j] = uint8_t(int8_t(std::round(x[j] * id)));
  }
}

void dequantizeQ8_0(const uint8_t *blocks, int64_t n, float *y) {
  for (int64_t b = 0; b < n / kQK; ++b, blocks += kQ8_0BlockBytes, y += kQK) {
    const float d = loadFp16(blocks);
    for (int j = 0; j < kQK; ++j)
      y[j] = int8_t(blocks[2 + j]) * d;
  }
}

void quantizeQ8K(const float *x, int64_t n, uint8_t *out) {
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K, out += kQ8KBlockBytes) {
    std::memset(out, 0, kQ8KBlockBytes);
    float max = 0;
    float amax = 0;
    for (int j = 0; j < kQK_K; ++j) {
      float ax = std::fabs(x[j]);
      if (ax > amax) {
        amax = ax;
        max = x[j];
      }
    }
    if (!amax)
      continue;
    const float iscale = -127.f / max;
    int8_t qs[kQK_K];
    for (int j = 0; j < kQK_K; ++j)
      qs[j] = int8_t(std::min(127, nearestInt(iscale * x[j])));
    std::memcpy(out + 4, qs, kQK_K);
    for (int j = 0; j < kQK_K / 16; ++j) {
      int sum = 0;
      for (int i = 0; i < 16; ++i)
        sum += qs[16 * j + i];
      auto s = int16_t(sum);
      std::memcpy(out + 4 + kQK_K + 2 * j, &s, 2);
    }
    const float d = 1 / iscale;
    std::memcpy(out, &d, 4);
  }
}

void dequantizeQ8K(const uint8_t *blocks, int64_t n, float *y) {
  for (int64_t b = 0; b < n / kQK_K; ++b, blocks += kQ8KBlockBytes) {
    float d;
    std::memcpy(&d, blocks, 4);
    for (int j = 0; j < kQK_K; ++j)
      *y++ = d * int8_t(blocks[4 + j]);
  }
}

} // namespace quant4::format
