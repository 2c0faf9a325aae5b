//===- Q4K.cpp - ggml Q4_K super-blocks -----------------------------------===//
//
// Follows ggml's reference quantizer operation by operation: the order and
// types of every float operation matter for bit-exactness (the library is
// compiled with -ffp-contract=off).
//
//===----------------------------------------------------------------------===//

#include "Format/Q4K.h"

#include "Format/Float16.h"
#include "Format/Layout.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace quant4::format {

namespace {

constexpr int kSubBlock = 32;
constexpr int kSubBlocks = kQK_K / kSubBlock;

/// ggml's make_qkx2_quants for n = 32: fits x ~ scale * L - min with
/// weighted least squares over a small search of inverse scales. Returns the
/// scale and stores -min (>= 0) in `theMin`.
float makeQkx2Quants(int nmax, const float *x, const float *weights, uint8_t *L,
                     float &theMin, float rmin, float rdelta, int nstep) {
  const int n = kSubBlock;
  float min = x[0];
  float max = x[0];
  float sumW = weights[0];
  float sumX = sumW * x[0];
  for (int i = 1; i < n; ++i) {
    if (x[i] < min)
      min = x[i];
    if (x[i] > max)
      max = x[i];
    float w = weights[i];
    sumW += w;
    sumX += w * x[i];
  }
  if (min > 0)
    min = 0;
  if (max == min) {
    std::fill(L, L + n, 0);
    theMin = -min;
    return 0.f;
  }
  float iscale = nmax / (max - min);
  float scale = 1 / iscale;
  float bestError = 0;
  for (int i = 0; i < n; ++i) {
    int l = nearestInt(iscale * (x[i] - min));
    L[i] = uint8_t(std::max(0, std::min(nmax, l)));
    float diff = scale * L[i] + min - x[i];
    bestError += weights[i] * (diff * diff);
  }
  uint8_t laux[kSubBlock];
  for (int is = 0; is <= nstep; ++is) {
    iscale = (rmin + rdelta * is + nmax) / (max - min);
    float sumL = 0, sumL2 = 0, sumXL = 0;
    for (int i = 0; i < n; ++i) {
      int l = nearestInt(iscale * (x[i] - min));
      l = std::max(0, std::min(nmax, l));
      laux[i] = uint8_t(l);
      float w = weights[i];
      sumL += w * l;
      sumL2 += w * l * l;
      sumXL += w * l * x[i];
    }
    float det = sumW * sumL2 - sumL * sumL;
    if (!(det > 0))
      continue;
    float thisScale = (sumW * sumXL - sumX * sumL) / det;
    float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
    if (thisMin > 0) {
      thisMin = 0;
      thisScale = sumXL / sumL2;
    }
    float curError = 0;
    for (int i = 0; i < n; ++i) {
      float diff = thisScale * laux[i] + thisMin - x[i];
      curError += weights[i] * (diff * diff);
    }
    if (curError < bestError) {
      std::memcpy(L, laux, n);
      bestError = curError;
      scale = thisScale;
      min = thisMin;
    }
  }
  theMin = -min;
  return scale;
}

/// Packs the 6-bit scale `ls` and min `lm` of sub-block j into scales[12].
void packScaleMin(int j, uint8_t ls, uint8_t lm, uint8_t *scales) {
  if (j < 4) {
    scales[j] = ls;
    scales[j + 4] = lm;
    return;
  }
  scales[j + 4] = uint8_t((ls & 0xF) | ((lm & 0xF) << 4));
  scales[j - 4] |= uint8_t((ls >> 4) << 6);
  scales[j] |= uint8_t((lm >> 4) << 6);
}

void quantizeBlock(const float *x, uint8_t *block) {
  uint8_t L[kQK_K];
  float weights[kSubBlock];
  float mins[kSubBlocks];
  float scales[kSubBlocks];
  float maxScale = 0;
  float maxMin = 0;
  for (int j = 0; j < kSubBlocks; ++j) {
    const float *xs = x + kSubBlock * j;
    float sumX2 = 0;
    for (int l = 0; l < kSubBlock; ++l)
      sumX2 += xs[l] * xs[l];
    float avX = std::sqrt(sumX2 / kSubBlock);
    for (int l = 0; l < kSubBlock; ++l)
      weights[l] = avX + std::fabs(xs[l]);
    scales[j] = makeQkx2Quants(15, xs, weights, L + kSubBlock * j, mins[j],
                               -1.f, 0.1f, 20);
    if (scales[j] > maxScale)
      maxScale = scales[j];
    if (mins[j] > maxMin)
      maxMin = mins[j];
  }

  uint8_t *packed = block + Q4KBlock::kScales;
  float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
  float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
  for (int j = 0; j < kSubBlocks; ++j) {
    auto ls = uint8_t(nearestInt(invScale * scales[j]));
    auto lm = uint8_t(nearestInt(invMin * mins[j]));
    packScaleMin(j, std::min<uint8_t>(63, ls), std::min<uint8_t>(63, lm),
                 packed);
  }
  storeFp16(block + Q4KBlock::kD, maxScale / 63.f);
  storeFp16(block + Q4KBlock::kDMin, maxMin / 63.f);

  float d = loadFp16(block + Q4KBlock::kD);
  float dmin = loadFp16(block + Q4KBlock::kDMin);
  for (int j = 0; j < kSubBlocks; ++j) {
    uint8_t sc, m;
    q4kScaleMin(j, packed, sc, m);
    float dj = d * sc;
    if (!dj)
      continue; // Keep make_qkx2_quants' nibbles, as ggml does.
    float dmj = dmin * m;
    for (int i = 0; i < kSubBlock; ++i) {
      int l = nearestInt((x[kSubBlock * j + i] + dmj) / dj);
      L[kSubBlock * j + i] = uint8_t(std::max(0, std::min(15, l)));
    }
  }

  uint8_t *q = block + Q4KBlock::kQs;
  for (int j = 0; j < kQK_K; j += 64, q += 32)
    for (int l = 0; l < 32; ++l)
      q[l] = uint8_t(L[j + l] | (L[j + l + 32] << 4));
}

} // namespace

void q4kScaleMin(int j, const uint8_t *scales, uint8_t &sc, uint8_t &m) {
  if (j < 4) {
    sc = scales[j] & 63;
    m = scales[j + 4] & 63;
    return;
  }
  sc = uint8_t((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4));
  m = uint8_t((scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
}

void quantizeQ4K(const float *x, int64_t n, uint8_t *out) {
  for (int64_t b = 0; b < n / kQK_K; ++b)
    quantizeBlock(x + b * kQK_K, out + b * kQ4KBlockBytes);
}

void dequantizeQ4K(const uint8_t *blocks, int64_t n, float *y) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const uint8_t *block = blocks + b * kQ4KBlockBytes;
    float d = loadFp16(block + Q4KBlock::kD);
    float dmin = loadFp16(block + Q4KBlock::kDMin);
    const uint8_t *q = block + Q4KBlock::kQs;
    for (int c = 0; c < 4; ++c, q += 32) {
      for (int h = 0; h < 2; ++h) {
        uint8_t sc, m;
        q4kScaleMin(2 * c + h, block + Q4KBlock::kScales, sc, m);
        float d1 = d * sc;
        float m1 = dmin * m;
        for (int l = 0; l < 32; ++l)
          *y++ = d1 * ((q[l] >> (4 * h)) & 0xF) - m1;
      }
    }
  }
}

} // namespace quant4::format
