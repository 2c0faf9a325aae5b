//===- Q4KDot.cpp - Q4_K x Q8_K dot products ------------------------------===//

#include "Format/Q4KDot.h"

#include "Format/Float16.h"
#include "Format/GgmlBlocks.h"
#include "Format/Layout.h"
#include "Format/Q4K.h"

#include <cstring>

namespace quant4::format {

float dotQ4KQ8K(const uint8_t *q4k, const uint8_t *q8k, int64_t n) {
  float sums[8] = {};
  float sumf = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const uint8_t *x = q4k + b * kQ4KBlockBytes;
    const uint8_t *y = q8k + b * kQ8KBlockBytes;
    float yd;
    std::memcpy(&yd, y, 4);
    const auto *q8 = reinterpret_cast<const int8_t *>(y + 4);
    int16_t bsums[16];
    std::memcpy(bsums, y + 4 + kQK_K, sizeof(bsums));

    // aux32[l] accumulates, over the 8 sub-blocks, scale * (q4 * q8) of the
    // values with index l modulo 8, as ggml's generic code does.
    int32_t aux32[8] = {};
    int sumi = 0;
    const uint8_t *qs = x + Q4KBlock::kQs;
    for (int j = 0; j < 8; ++j) {
      uint8_t sc, m;
      q4kScaleMin(j, x + Q4KBlock::kScales, sc, m);
      sumi += (bsums[2 * j] + bsums[2 * j + 1]) * m;
      const uint8_t *q = qs + 32 * (j / 2);
      const int shift = 4 * (j % 2);
      for (int l = 0; l < 32; ++l)
        aux32[l % 8] += sc * int16_t(q8[32 * j + l] * ((q[l] >> shift) & 0xF));
    }
    const float d = loadFp16(x + Q4KBlock::kD) * yd;
    for (int l = 0; l < 8; ++l)
      sums[l] += d * aux32[l];
    const float dmin = loadFp16(x + Q4KBlock::kDMin) * yd;
    sumf -= dmin * sumi;
  }
  for (float s : sums)
    sumf += s;
  return sumf;
}

void gemvQ4KQ8K(const uint8_t *w, int64_t rows, const uint8_t *x, int64_t n,
                float *y) {
  const int64_t rowBytes = n / kQK_K * kQ4KBlockBytes;
  for (int64_t r = 0; r < rows; ++r)
    y[r] = dotQ4KQ8K(w + r * rowBytes, x, n);
}

} // namespace quant4::format
